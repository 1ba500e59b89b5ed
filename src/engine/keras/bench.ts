/**
 * `model-studio bench` lines for the keras engine: our runner's fit (python/runner/train.py's streaming callback)
 * and plain `model.fit` of the same model and data in the same Python, with their ratio (python/runner/bench.py).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { reconcileWeights } from '../../core/initializers';
import { pytorchScript } from '../../core/codegen';
import { getTemplate, TEMPLATE_SEED } from '../../core/templates';
import { trainingConfigOf } from '../../core/training';
import { UserError } from '../../core/types';
import { writeKerasZip } from '../../formats/keras-zip';
import { MNIST_TRAIN_SAMPLES } from '../datasets/mnist';
import { describeProbe, findKeras } from './python';
import { runnerDir } from './runnerDir';
import { runnerEnv } from './trainer';

/** Each template as a .keras file (and, with `torch`, the PyTorch script we generate for it) in `dir`. */
async function writeTemplates(dir: string, models: string[], torch = false): Promise<{ id: string; path: string; epochSamples: number; torch?: string }[]> {
  const entries = [];
  for (const id of models) {
    const file = getTemplate(id)!.build();
    const path = join(dir, `${id}.keras`);
    writeFileSync(path, await writeKerasZip({ ...file, weights: reconcileWeights(file.graph, [], TEMPLATE_SEED) }));
    const script = torch ? join(dir, `${id.replace(/\W/g, '_')}_torch.py`) : undefined;
    if (script) writeFileSync(script, pytorchScript(file).code);
    // The samples of one real epoch of the template (MNIST's training split less its validation split), so the
    // engine's per-epoch work (epoch event, weight snapshot, checkpoint) weighs what it weighs in a user's run.
    const split = trainingConfigOf(file.userDefinedMetadata)?.validationSplit ?? 0;
    entries.push({ id, path, epochSamples: Math.round(MNIST_TRAIN_SAMPLES * (1 - split)), ...(script ? { torch: script } : {}) });
  }
  return entries;
}

async function kerasProbe(python?: string) {
  const probe = await findKeras(python);
  if (!probe.ok) throw new UserError(`The keras engine is not available: ${probe.reason}`, probe.hint, 'engine-unavailable');
  return probe;
}

/** Runs the measurements; each JSON line goes to `onLine` as it comes. Returns the number of lines. */
export async function benchKeras(models: string[], batches: number[], seconds: number, onLine: (line: string) => void, python?: string): Promise<number> {
  const probe = await kerasProbe(python);
  const dir = mkdtempSync(join(tmpdir(), 'model-studio-kbench-'));
  try {
    const entries = await writeTemplates(dir, models);
    const request = join(dir, 'bench.json');
    writeFileSync(request, JSON.stringify({ models: entries, batches, seconds, device: `keras · ${describeProbe(probe)}` }));
    const child = spawn(probe.python, [join(runnerDir(), 'bench.py'), request], { env: runnerEnv(probe), stdio: ['ignore', 'pipe', 'pipe'] });
    let count = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    createInterface({ input: child.stdout }).on('line', (l) => {
      if (!l.startsWith('{')) return;
      count++;
      onLine(l);
    });
    const code = await new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', resolve);
    });
    if (code !== 0) throw new UserError(`The keras bench failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`, 'See its output above.', 'bench-failed');
    return count;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type PeerSide = 'keras' | 'torch';
export interface Peers {
  /** The Python and its Keras backend, e.g. "keras 3.15.1 · jax 0.10.2 (cpu)". */
  device: string;
  /** One timed measurement (about `seconds`) of plain Keras fit or a PyTorch loop; samples/s. */
  measure(side: PeerSide, model: string, batch: number, seconds: number): Promise<number>;
  close(): void;
}

/**
 * The same templates through plain Keras (the user's Python, its backend: JAX here) and PyTorch, served by
 * python/runner/bench.py --serve one request at a time, so `model-studio bench --python` can interleave them
 * with its own measurements in one run.
 */
export async function startPeers(models: string[], python?: string): Promise<Peers> {
  const probe = await kerasProbe(python);
  const dir = mkdtempSync(join(tmpdir(), 'model-studio-peers-'));
  const request = join(dir, 'bench.json');
  writeFileSync(request, JSON.stringify({ models: await writeTemplates(dir, models, true) }));
  const child = spawn(probe.python, [join(runnerDir(), 'bench.py'), '--serve', request], { env: runnerEnv(probe), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = () => new UserError(`The Python peers stopped: ${stderr.trim().split('\n').pop() ?? ''}`, 'Check that torch is installed in that Python.', 'bench-failed');
  return {
    device: describeProbe(probe),
    async measure(side, model, batch, seconds) {
      child.stdin.write(`${JSON.stringify({ side, model, batch, seconds })}\n`);
      for (;;) {
        const next = await lines.next();
        if (next.done) throw failed();
        if (next.value.startsWith('{')) return (JSON.parse(next.value) as { samples_per_s: number }).samples_per_s;
      }
    },
    close() {
      child.stdin.end();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
