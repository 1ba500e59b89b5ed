/** `model-studio templates`: the built-in templates, one per line. */
import { templates } from '../core/templates';
import { out } from './io';

export async function run(): Promise<number> {
  const width = Math.max(...templates.map((t) => t.id.length));
  for (const t of templates) out.stdout.write(`${t.id.padEnd(width)}  ${t.description}\n`);
  return 0;
}
