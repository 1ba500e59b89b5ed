// The Python environment for the Keras-parity tests: a virtual environment at .venv/ (gitignored) with
// the pinned packages of test/python/requirements.txt, from the wheel store pip is configured for.
// Idempotent: a stamp in .venv/ records what was installed, and a matching stamp means nothing to do; a stamp
// of the same interpreter with other requirements means installing the new ones into the existing .venv/.
//   node scripts/python-env.mjs          create or update .venv/
//   node scripts/python-env.mjs --check  exit 1 (and say so) unless .venv/ is up to date
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
export const venvDir = join(root, '.venv');
export const venvPython = join(venvDir, 'bin', 'python');
const requirements = join(root, 'test', 'python', 'requirements.txt');
const stampFile = join(venvDir, '.model-studio-requirements');
const basePython = process.env.PYTHON ?? 'python3';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  return r.status === 0;
}

/** What the stamp must say: the requirements and the interpreter they were installed for. */
function wantedStamp() {
  const version = spawnSync(basePython, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return null;
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  return `${version.stdout.trim() || version.stderr.trim()}\n${hash}\n`;
}

export function upToDate() {
  const wanted = wantedStamp();
  return wanted !== null && existsSync(venvPython) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted;
}

/** Creates or updates .venv/; returns false (having said why) when it cannot. */
export function ensurePythonEnv() {
  if (upToDate()) {
    console.log(`python env: up to date at ${venvDir}`);
    return true;
  }
  const wanted = wantedStamp();
  if (wanted === null) {
    console.error(`python env: ${basePython} not found; install Python 3.11 (Debian: apt-get install python3 python3-venv)`);
    return false;
  }
  const started = Date.now();
  // Same interpreter, other requirements (packages added or re-pinned): pip updates the environment in place.
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  const update = existsSync(venvPython) && stamp.split('\n')[0] === wanted.split('\n')[0];
  if (!update) rmSync(venvDir, { recursive: true, force: true });
  if (!update && !run(basePython, ['-m', 'venv', venvDir])) {
    console.error(`python env: '${basePython} -m venv' failed; on Debian install python3-venv (apt-get install python3-venv)`);
    return false;
  }
  // The default index is unreachable here: fail at once instead of retrying it. -qq: errors only (not one
  // warning per package about the second, partial index).
  const pip = ['-m', 'pip', 'install', '--retries', '0', '--timeout', '2', '--disable-pip-version-check', '--no-input', '-qq'];
  if (!run(venvPython, [...pip, '-r', requirements])) {
    console.error(`python env: pip could not install ${requirements} (see above); .venv/ is left without its stamp`);
    return false;
  }
  writeFileSync(stampFile, wanted);
  console.log(`python env: ${update ? 'updated' : 'created'} ${venvDir} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--check')) {
    const ok = upToDate();
    console.log(ok ? 'python env: up to date' : `python env: missing or stale at ${venvDir}: run \`node scripts/python-env.mjs\``);
    process.exit(ok ? 0 : 1);
  }
  process.exit(ensurePythonEnv() ? 0 : 1);
}
