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
import { getTemplate, TEMPLATE_SEED } from '../../core/templates';
import { trainingConfigOf } from '../../core/training';
import { UserError } from '../../core/types';
import { writeKerasZip } from '../../formats/keras-zip';
import { MNIST_TRAIN_SAMPLES } from '../datasets/mnist';
import { describeProbe, findKeras } from './python';
import { runnerDir } from './runnerDir';
import { runnerEnv } from './trainer';

/** Runs the measurements; each JSON line goes to `onLine` as it comes. Returns the number of lines. */
export async function benchKeras(models: string[], batches: number[], seconds: number, onLine: (line: string) => void, python?: string): Promise<number> {
  const probe = await findKeras(python);
  if (!probe.ok) throw new UserError(`The keras engine is not available: ${probe.reason}`, probe.hint, 'engine-unavailable');
  const dir = mkdtempSync(join(tmpdir(), 'model-studio-kbench-'));
  try {
    const entries = [];
    for (const id of models) {
      const file = getTemplate(id)!.build();
      const path = join(dir, `${id}.keras`);
      writeFileSync(path, await writeKerasZip({ ...file, weights: reconcileWeights(file.graph, [], TEMPLATE_SEED) }));
      // The samples of one real epoch of the template (MNIST's training split less its validation split), so the
      // engine's per-epoch work (epoch event, weight snapshot, checkpoint) weighs what it weighs in a user's run.
      const split = trainingConfigOf(file.userDefinedMetadata)?.validationSplit ?? 0;
      entries.push({ id, path, epochSamples: Math.round(MNIST_TRAIN_SAMPLES * (1 - split)) });
    }
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
