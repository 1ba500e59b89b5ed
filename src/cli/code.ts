/**
 * `model-studio code MODEL --style sequential|functional|subclass|pytorch [--notebook] [--out FILE] [--force]`:
 * the model as a Python script, or with --notebook as a training notebook (.ipynb) in a Keras style
 * (src/core/codegen). Without --out the text goes to stdout; an existing --out file is refused unless --force.
 * Notes (layers left out, files to convert first) go to stderr.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CODE_STYLES, generateCode, type CodeStyle, type GeneratedCode } from '../core/codegen';
import { kerasNotebook } from '../core/codegen/notebook';
import { UserError } from '../core/types';
import { writeFilesAtomic } from '../formats/atomic';
import { readModel } from '../formats/registry';
import { out, parse } from './io';

const USAGE = 'code MODEL --style sequential|functional|subclass|pytorch [--notebook] [--out FILE] [--force]';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { style: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, notebook: { type: 'boolean' } }, USAGE, [1, 1]);
  const style = values.style ?? 'functional';
  if (!CODE_STYLES.includes(style as CodeStyle)) throw new UserError(`Unknown style "${style}".`, `Use one of: ${CODE_STYLES.join(', ')}.`, 'usage');
  if (values.notebook && style === 'pytorch') {
    throw new UserError('The notebook is written in a Keras style, not PyTorch.', 'Use --style functional, sequential or subclass with --notebook; --style pytorch without it writes the PyTorch script.', 'usage');
  }
  const target = values.out ? resolve(values.out) : undefined;
  if (target && existsSync(target) && !values.force) {
    throw new UserError(`${target} already exists.`, 'Pass --force to overwrite it, or choose another --out.', 'exists');
  }
  const modelPath = resolve(positionals[0]);
  const file = await readModel(modelPath);
  const generated: GeneratedCode = values.notebook
    ? kerasNotebook(file, style as Exclude<CodeStyle, 'pytorch'>, modelPath)
    : generateCode(file, { style: style as CodeStyle, modelPath });
  for (const n of generated.notes) out.stderr.write(`note: ${n}\n`);
  if (!target) {
    out.stdout.write(generated.code);
    return 0;
  }
  await writeFilesAtomic(dirname(target), [{ relPath: basename(target), bytes: new TextEncoder().encode(generated.code) }]);
  out.stdout.write(`wrote ${target} (${style}${values.notebook ? ' notebook' : ''})\n`);
  return 0;
}
