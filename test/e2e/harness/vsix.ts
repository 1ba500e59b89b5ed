/**
 * The VSIX under test: exactly what `npm run package` (scripts/package.mjs) produces for this machine.
 * It is built once per change of its inputs and reused by every scenario file (each is its own process):
 * the file name carries a hash of the sources, the manifest and the packaging rules.
 * `E2E_VSIX=/path/to.vsix` tests a VSIX built elsewhere instead.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { artifactsDir, repoRoot } from './paths';

// python/: the keras engine's runner ships in the VSIX too.
const INPUTS = ['package.json', '.vscodeignore', 'scripts/package.mjs', 'scripts/build.mjs', 'src', 'webview', 'media', 'python/runner'];

function hashInputs(): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else {
      h.update(relative(repoRoot, p));
      h.update(readFileSync(p));
    }
  };
  for (const i of INPUTS) walk(join(repoRoot, i));
  return h.digest('hex').slice(0, 16);
}

export interface BuiltVsix {
  path: string;
  /** The packaging log (build, vsce, content checks), for the report. */
  log: string;
}

export function ensureVsix(): BuiltVsix {
  const given = process.env.E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`E2E_VSIX=${given} does not exist`);
    return { path: given, log: `using E2E_VSIX=${given}` };
  }
  const dir = join(artifactsDir, 'vsix');
  mkdirSync(dir, { recursive: true });
  const target = `${process.platform}-${process.arch}`;
  const out = join(dir, `model-studio-${target}-${hashInputs()}.vsix`);
  if (existsSync(out)) return { path: out, log: `reusing ${out}` };
  for (const old of readdirSync(dir)) if (old.endsWith('.vsix')) rmSync(join(dir, old), { force: true });
  // Build under a temporary name so a parallel or interrupted run never leaves a half-written VSIX behind.
  const tmp = out.replace(/\.vsix$/, '.partial.vsix');
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/package.mjs'), '--target', target, '--out', tmp], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !existsSync(tmp)) throw new Error(`npm run package failed (${r.status ?? r.signal}):\n${log}`);
  renameSync(tmp, out);
  return { path: out, log };
}
