/**
 * Files shipped with the extension beside `dist/` (packaged in the VSIX by .vscodeignore): the Python runner,
 * the built-in text dataset. Bundled, the code runs from dist/; from source, this file is src/engine/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The absolute path of `rel` (relative to the package root); where it is missing, the path it should have. */
export function packagedPath(rel: string): string {
  const roots = __filename.endsWith('.ts') ? [resolve(__dirname, '..', '..')] : [resolve(__dirname, '..'), resolve(__dirname, '..', '..')];
  return roots.map((r) => join(r, rel)).find((p) => existsSync(p)) ?? join(roots[0]!, rel);
}
