/**
 * "Install Keras Engine...": a virtual environment in the extension's storage with Keras 3 and the backend the
 * user chose, installed by pip (whatever index or wheel store pip is configured for; offline with a local one).
 * Returns the environment's Python, probed: the caller sets it as modelStudio.python.interpreter.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { UserError } from '../../core/types';
import { findKeras, type KerasProbe } from './python';

export const KERAS_BACKENDS = ['jax', 'torch', 'tensorflow'] as const;
export type KerasBackend = (typeof KERAS_BACKENDS)[number];

export interface InstallProgress {
  message: string;
  line?: string;
}

function run(cmd: string, args: string[], onLine: (line: string) => void): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    let tail = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const take = (d: Buffer) => {
      const text = d.toString();
      tail = (tail + text).slice(-2000);
      for (const l of text.split('\n')) if (l.trim()) onLine(l);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => resolve({ code: null, tail: e.message }));
    child.on('close', (code) => resolve({ code, tail }));
  });
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

/** `basePython` makes the environment (python3 by default); `dir` is the environment's folder. */
export async function installKeras(dir: string, backend: KerasBackend, onProgress: (p: InstallProgress) => void, basePython = 'python3'): Promise<Extract<KerasProbe, { ok: true }>> {
  if (!KERAS_BACKENDS.includes(backend)) throw new UserError(`Unknown Keras backend "${backend}".`, `Use one of: ${KERAS_BACKENDS.join(', ')}.`, 'usage');
  const line = (l: string) => onProgress({ message: l.slice(0, 120), line: l });
  onProgress({ message: `Creating a Python environment in ${dir}` });
  const venv = await run(basePython, ['-m', 'venv', dir], line);
  if (venv.code !== 0) {
    throw new UserError(`Could not create a Python environment with "${basePython}": ${lastLine(venv.tail)}`, 'Install Python 3 with its venv module (e.g. apt install python3-venv), or set modelStudio.python.interpreter.', 'install-failed');
  }
  const python = join(dir, process.platform === 'win32' ? join('Scripts', 'python.exe') : join('bin', 'python'));
  onProgress({ message: `Installing keras and ${backend}` });
  const pip = await run(python, ['-m', 'pip', 'install', 'keras', backend], line);
  if (pip.code !== 0) {
    throw new UserError(`pip could not install keras and ${backend}: ${lastLine(pip.tail)}`, 'Check the network (or your pip index), then run "Install Keras Engine..." again.', 'install-failed');
  }
  const probe = await findKeras(python, { ...process.env, KERAS_BACKEND: backend });
  if (!probe.ok) throw new UserError(`The new environment does not run Keras: ${probe.reason}`, probe.hint, 'install-failed');
  return probe;
}
