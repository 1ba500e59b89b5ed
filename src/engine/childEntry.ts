/**
 * How to start one of our child-process entries (training worker, predict-and-probe worker, CLI): its esbuild bundle
 * beside the running bundle, or — when the caller itself runs from TypeScript source (tests,
 * `node --import tsx`) — its source through tsx.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ChildEntry {
  modulePath: string;
  execArgv: string[];
}

/** `bundle`: file name in dist/ (e.g. `worker.js`); `source`: path from the repo root (e.g. `src/engine/worker.ts`). */
export function childEntry(bundle: string, source: string): ChildEntry {
  const fromSource = __filename.endsWith('.ts');
  if (!fromSource) {
    const bundled = join(__dirname, bundle);
    if (existsSync(bundled)) return { modulePath: bundled, execArgv: [] };
  }
  // Bundled: this code is in dist/; from source: in src/engine/.
  const root = fromSource ? resolve(__dirname, '..', '..') : resolve(__dirname, '..');
  const sourcePath = join(root, source);
  if (existsSync(sourcePath)) {
    // Resolved through createRequire at run time so a bundle names no package the VSIX does not ship.
    return { modulePath: sourcePath, execArgv: ['--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] };
  }
  return { modulePath: join(root, 'dist', bundle), execArgv: [] };
}
