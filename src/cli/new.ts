/** `model-studio new --template T DIR`: a new model from a built-in template, with initial weights. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getTemplate, templates, TEMPLATE_SEED } from '../core/templates';
import { reconcileWeights } from '../core/initializers';
import { analyze } from '../core/analysis';
import { UserError } from '../core/types';
import { writeModel } from '../formats/registry';
import { formatCount, parse, out } from './io';

const USAGE = 'new --template <id> [--force] [--seed N] DIR';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { template: { type: 'string', short: 't' }, force: { type: 'boolean' }, seed: { type: 'string' } }, USAGE, [1, 1]);
  const ids = templates.map((t) => t.id).join(', ');
  if (!values.template) throw new UserError('Missing --template', `choose one of: ${ids}`, 'usage');
  const template = getTemplate(values.template);
  if (!template) throw new UserError(`Unknown template "${values.template}"`, `choose one of: ${ids}`, 'unknown-template');
  const dir = resolve(positionals[0]);
  const target = join(dir, 'model.json');
  if (existsSync(target) && !values.force) {
    throw new UserError(`${target} already exists`, 'pick another folder, or pass --force to overwrite it');
  }
  const seed = values.seed === undefined ? TEMPLATE_SEED : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer, not "${values.seed}"`, `usage: model-studio ${USAGE}`, 'usage');
  const file = template.build();
  file.weights = reconcileWeights(file.graph, [], seed);
  const written = await writeModel(target, file, 'tfjs');
  const a = analyze(file.graph);
  out.stdout.write(`Created ${template.title} (${formatCount(a.totals.total)} params):\n${written.map((p) => `  ${p}`).join('\n')}\n`);
  return 0;
}
