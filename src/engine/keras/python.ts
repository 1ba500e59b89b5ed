/**
 * The user's Python for the keras engine: found through, in order, the interpreter the job names (the
 * `modelStudio.python.interpreter` setting, or `--python`), MODEL_STUDIO_PYTHON, then `python3` and `python`
 * on PATH; and the probe (python/runner/probe.py) that says which Keras, backend and devices it has. Every
 * way this can fail is a reason a user can act on, never a stack trace.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runnerDir } from './runnerDir';

/** What the probe found: a usable Keras 3, or why not and what to install. */
export type KerasProbe =
  | { ok: true; python: string; pythonVersion: string; keras: string; backend: string; backendSource: string; devices: { kind: string; name: string }[] }
  | { ok: false; python?: string; code: string; reason: string; hint: string };

/** The candidates, in the order they are tried. */
export function interpreterCandidates(explicit?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [explicit, env.MODEL_STUDIO_PYTHON, 'python3', 'python'].filter((p): p is string => !!p && p.trim() !== '');
  return [...new Set(list)];
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

function runOnce(python: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, error });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const INSTALL_HINT = 'Install Python 3 with Keras 3 and a backend (pip install keras jax), run "Install Keras Engine...", or set modelStudio.python.interpreter (CLI: --python).';

/** Probe one interpreter. */
export async function probePython(python: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<KerasProbe> {
  const r = await runOnce(python, [join(runnerDir(), 'probe.py')], env, timeoutMs);
  if (r.error) {
    const missing = r.error.code === 'ENOENT';
    return {
      ok: false,
      python,
      code: missing ? 'no-python' : 'python-broken',
      reason: missing ? `No Python interpreter at "${python}".` : `Python "${python}" does not start: ${r.error.message}.`,
      hint: INSTALL_HINT,
    };
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let answer: Record<string, unknown> | undefined;
  try {
    answer = JSON.parse(line) as Record<string, unknown>;
  } catch {
    answer = undefined;
  }
  if (!answer || typeof answer.ok !== 'boolean') {
    const last = r.stderr.trim().split('\n').slice(-2).join(' | ');
    return {
      ok: false,
      python,
      code: 'python-broken',
      reason: `Python "${python}" is not a working Python 3 (exit ${r.code ?? 'killed'}${last ? `: ${last}` : ''}).`,
      hint: INSTALL_HINT,
    };
  }
  if (!answer.ok) return { ok: false, python, code: String(answer.code), reason: String(answer.reason), hint: String(answer.hint) };
  return {
    ok: true,
    python,
    pythonVersion: String(answer.python),
    keras: String(answer.keras),
    backend: String(answer.backend),
    backendSource: String(answer.backendSource),
    devices: (answer.devices as { kind: string; name: string }[]) ?? [],
  };
}

/**
 * The first candidate with a usable Keras 3; when none has one, the most useful failure (a Python that lacks
 * Keras says more than a missing `python` command). An explicit interpreter is tried alone: silently using
 * another Python would hide the mistake.
 */
export async function findKeras(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<KerasProbe> {
  if (explicit && explicit.includes('/') && !existsSync(explicit)) {
    return { ok: false, python: explicit, code: 'no-python', reason: `No Python interpreter at "${explicit}".`, hint: INSTALL_HINT };
  }
  const candidates = explicit ? [explicit] : interpreterCandidates(undefined, env);
  const failures: KerasProbe[] = [];
  for (const python of candidates) {
    const p = await probePython(python, env);
    if (p.ok) return p;
    failures.push(p);
  }
  const rank = (p: KerasProbe) => (p.ok ? 0 : p.code === 'no-python' ? 2 : 1);
  return failures.sort((a, b) => rank(a) - rank(b))[0] ?? { ok: false, code: 'no-python', reason: 'No Python interpreter found.', hint: INSTALL_HINT };
}

const BACKEND_LABEL: Record<string, string> = { jax: 'JAX', torch: 'PyTorch', tensorflow: 'TensorFlow' };

/** "Keras 3.15 · JAX · cpu x1", "Keras 3.15 · JAX · NVIDIA H200 x1". */
export function describeProbe(p: Extract<KerasProbe, { ok: true }>): string {
  const [major, minor] = p.keras.split('.');
  const counts = new Map<string, number>();
  for (const d of p.devices) {
    const name = d.kind === 'cpu' ? 'cpu' : d.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const devices = [...counts].map(([name, n]) => `${name} x${n}`).join(', ') || 'cpu x1';
  return `Keras ${major}.${minor} · ${BACKEND_LABEL[p.backend] ?? p.backend} · ${devices}`;
}

/** The engine's line for `model-studio train --probe` and the engine picker: what it would train on, or why not. */
export async function kerasProbeLine(explicit?: string): Promise<string> {
  const p = await findKeras(explicit);
  return p.ok ? `keras · ${describeProbe(p)} (${p.python}, Python ${p.pythonVersion})` : `keras not available: ${p.reason} ${p.hint}`;
}
