// Histograms from the keras engine's runner: per-epoch weight and activation histograms streamed as JSON lines
// land in the run folder's TensorBoard events as the tfjs engine's do (read back with TensorBoard's own
// EventAccumulator), with the tfjs engine's binning (binValues) of the very weights Keras trained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { optimizer, type TrainingConfig } from '../../src/core/training';
import { readModel } from '../../src/formats/registry';
import { TrainingControl } from '../../src/engine/control';
import { runJob } from '../../src/engine/job';
import { binValues } from '../../src/engine/tfjs/training/histograms';
import type { StartJob, WorkerToHost } from '../../src/protocol/worker';
import { tempDir } from '../helpers/paths';
import { pythonPath, runPython } from './python';
import { checkHistograms, read } from './tensorboardRead';

Object.assign(process.env, { KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' });

test('a keras-engine run folder has per-epoch weight and activation histograms in its TensorBoard events', { timeout: 600_000 }, async () => {
  const ws = tempDir('ms-keras-hist-');
  runPython('kerasEngine.py', { op: 'make', dir: ws, n: 256 });
  const model = await readModel(join(ws, 'model.keras'));
  const training: TrainingConfig = {
    dataset: `npy:${join(ws, 'x.npy')},${join(ws, 'y.npy')}`,
    optimizer: optimizer('sgd', { learning_rate: 0.05 }),
    loss: 'mean_squared_error',
    metrics: [],
    epochs: 3,
    batchSize: 32,
    validationSplit: 0.25,
    shuffle: true,
    callbacks: [{ class_name: 'Histograms', config: { freq: 1, bins: 12, samples: 40 } }],
  };
  const job: StartJob = { sessionId: 'kh', model, training, engine: 'keras', python: pythonPath(), baseDir: ws, runDir: join(ws, 'run'), seed: 4 };
  const sent: WorkerToHost[] = [];
  const done = await runJob(job, (m) => sent.push(m), new TrainingControl());
  assert.equal(done.status, 'done');
  const hist = sent.flatMap((m) => (m.type === 'histograms' ? m.items : []));
  // Every epoch: the kernel of each Dense layer, and each layer's output on the first 40 validation rows.
  const rows = hist.map((h) => [h.epoch, h.layer, h.kind, h.counts.length, h.counts.reduce((a, b) => a + b, 0)]);
  const want = [1, 2, 3].flatMap((e) => [
    [e, 'dense', 'weights', 12, 4 * 8],
    [e, 'dense_1', 'weights', 12, 8 * 1],
    [e, 'dense', 'activations', 12, 40 * 8],
    [e, 'dense_1', 'activations', 12, 40 * 1],
  ]);
  assert.deepEqual(rows, want);
  // Each epoch's histograms follow its epoch event, as on the tfjs engine.
  const order = sent.filter((m) => m.type === 'epoch' || m.type === 'histograms').map((m) => m.type);
  assert.deepEqual(order, ['epoch', 'histograms', 'epoch', 'histograms', 'epoch', 'histograms']);
  // The last epoch's weight histograms bin the trained kernels exactly as the tfjs engine bins them.
  const trained = (await readModel(done.finalPath)).weights;
  for (const layer of ['dense', 'dense_1']) {
    const kernel = trained.find((w) => w.name === `${layer}/kernel`);
    assert.ok(kernel, `${layer}/kernel in ${trained.map((w) => w.name)}`);
    const item = hist.find((h) => h.epoch === 3 && h.layer === layer && h.kind === 'weights')!;
    assert.deepEqual({ min: item.min, max: item.max, counts: item.counts }, binValues(kernel.data, 12));
  }
  // And TensorBoard reads back exactly what was sent.
  const train = join(job.runDir, 'train');
  checkHistograms(read([train])[train].histograms, hist);
});
