/**
 * Where the Python runner shipped with the extension is: `python/runner/` at the package root, beside `dist/`
 * (packaged in the VSIX by .vscodeignore), or in the repository when running from source.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function runnerDir(): string {
  // From source this file is src/engine/keras/; bundled, the code runs from dist/.
  const candidates = __filename.endsWith('.ts') ? [resolve(__dirname, '..', '..', '..')] : [resolve(__dirname, '..'), resolve(__dirname, '..', '..')];
  for (const root of candidates) {
    const dir = join(root, 'python', 'runner');
    if (existsSync(join(dir, 'runner.py'))) return dir;
  }
  return join(candidates[0], 'python', 'runner');
}
