/** `model-studio summary FILE`: Keras' model.summary() for any model file we read. */
import { resolve } from 'node:path';
import { summaryLayoutFor, summaryText } from '../core/summary';
import type { ModelFile } from '../core/types';
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
    const weights = { attached: file.weights.length > 0, tensors: file.weights.length };
    out.stdout.write(`${JSON.stringify({ name: file.graph.name, totals: a.totals, layers, diagnostics: a.diagnostics, weights, notes: file.notes ?? [] })}\n`);
  } else {
    const layout = summaryLayoutFor(file.producer?.kerasVersion);
    out.stdout.write(`${summaryText(file.graph, a, { layout, terminalColumns: terminalColumns() })}\n${weightsLine(file)}\n`);
    for (const n of file.notes ?? []) out.stdout.write(`note: ${n}\n`);
  }
  return 0;
}

/**
 * The terminal's width as Python's `shutil.get_terminal_size` finds it (COLUMNS, then the terminal, then 80),
 * so that `summary` narrows its table exactly where Keras 3's `model.summary()` would.
 */
export function terminalColumns(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  if (fromEnv > 0) return fromEnv;
  if (stdout.isTTY && stdout.columns) return stdout.columns;
  return 80;
}

/** Whether the file carries weights: predict and evaluate need them, training starts from them. */
export function weightsLine(file: ModelFile): string {
  const n = file.weights.length;
  return n > 0 ? `Weights: attached (${n} tensor${n === 1 ? '' : 's'})` : 'Weights: none (architecture only; train the model, or open it with its weights)';
}
