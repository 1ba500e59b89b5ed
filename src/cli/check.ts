/** `model-studio check FILE`: every diagnostic, one per line; non-zero exit when any is an error. */
import { resolve } from 'node:path';
import { analyze } from '../core/analysis';
import { readModel } from '../formats/registry';
import { parse, out } from './io';
import { weightsLine } from './summary';

export async function run(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 'check FILE', [1, 1]);
  const path = resolve(positionals[0]);
  const file = await readModel(path);
  const { diagnostics } = analyze(file.graph);
  for (const d of diagnostics) {
    const where = d.layer ? `${positionals[0]}: ${d.layer}` : positionals[0];
    out.stdout.write(`${where}: ${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ''}\n`);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  for (const n of file.notes ?? []) out.stdout.write(`${positionals[0]}: note: ${n}\n`);
  out.stdout.write(`${weightsLine(file)}\n`);
  out.stdout.write(`${errors} error(s), ${warnings} warning(s)\n`);
  return errors > 0 ? 1 : 0;
}
