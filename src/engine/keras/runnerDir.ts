/**
 * Where the Python runner shipped with the extension is: `python/runner/` at the package root, beside `dist/`
 * (packaged in the VSIX by .vscodeignore), or in the repository when running from source.
 */
import { dirname } from 'node:path';
import { packagedPath } from '../packaged';

export function runnerDir(): string {
  return dirname(packagedPath('python/runner/runner.py'));
}
