/**
 * The Python environment of the Keras suite: the repository's `.venv` (made by the test set-up from the local
 * wheel store) or MODEL_STUDIO_PYTHON. Missing Python is a failure with the command that makes it, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';

export function pythonPath(): string {
  const explicit = process.env.MODEL_STUDIO_PYTHON;
  const venv = join(repoRoot, '.venv', 'bin', 'python');
  const p = explicit || venv;
  if (!existsSync(p)) {
    throw new Error(`the Keras suite needs the Python environment at ${p}: run \`npm test\` (it creates .venv from the local wheels) or set MODEL_STUDIO_PYTHON`);
  }
  return p;
}

/** Runs one of test/keras/*.py with a JSON request on stdin; returns its JSON answer. */
export function runPython<T>(script: string, request: unknown, timeoutMs = 900_000): T {
  const r = spawnSync(pythonPath(), [join(repoRoot, 'test', 'keras', script)], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONHASHSEED: '0' },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as T;
}
