/**
 * Writes the `modelStudio.limits.*` settings into package.json from the limits table (src/formats/limits.ts),
 * keeping every other setting as it is. `npx tsx scripts/limit-settings.ts`; a unit test checks they agree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { limitSettingsSchema } from '../src/formats/limits';

const file = join(__dirname, '..', 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const props: Record<string, unknown> = pkg.contributes.configuration.properties;
for (const key of Object.keys(props)) if (key.startsWith('modelStudio.limits.')) delete props[key];
Object.assign(props, limitSettingsSchema());
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
