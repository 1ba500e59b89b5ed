/** `model-studio summary FILE`: Keras' model.summary() for any model file we read. */
import { resolve } from 'node:path';
import { summaryText } from '../core/summary';
import { readModel, requireValidModel } from '../formats/registry';
import { parse, out } from './io';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 'summary [--json] FILE', [1, 1]);
  const file = await readModel(resolve(positionals[0]));
  const a = requireValidModel(file, positionals[0]!);
  if (values.json) {
    const layers = a.order.map((n) => {
      const l = a.layers.get(n)!;
      return { name: n, className: l.className, outputShape: l.outputShape, params: l.trainableParams + l.nonTrainableParams };
    });
    out.stdout.write(`${JSON.stringify({ name: file.graph.name, totals: a.totals, layers, diagnostics: a.diagnostics })}\n`);
  } else {
    out.stdout.write(`${summaryText(file.graph, a)}\n`);
  }
  return 0;
}
