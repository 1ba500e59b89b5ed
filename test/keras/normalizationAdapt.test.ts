/**
 * Normalization's adapt against Keras 3's `layer.adapt(x)` (1e-5): the core computation for several axes, and
 * a tfjs training run of a model whose Normalization was never adapted, which adapts it on the training rows
 * before the first batch (and leaves an adapted one as it is), and the keras engine's runner, which calls
 * layer.adapt on the same rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/core/initializers';
import { adaptNormalization } from '../../src/core/layers/normalizationAdapt';
import type { Json } from '../../src/core/types';
import { writeNpy } from '../../src/engine/datasets/npy';
import { optimizer, type TrainingConfig } from '../../src/core/training';
import { SessionManager, trainedModel } from '../../src/engine/sessions';
import { trainerFor } from '../../src/engine/trainers';
import { tempDir } from '../helpers/paths';
import { chain } from '../unit/core/helpers';
import { maxDiff } from './filesHelpers';
import { pythonPath, runPython } from './python';

const TOLERANCE = 1e-5;

function randomRows(shape: number[], seed: number): Float32Array {
  const rand = rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (rand() - 0.3) * 5 + (i % 3));
}

function kerasAdapt(x: string, axes: Json[]): { mean: number[]; variance: number[] }[] {
  const { results } = runPython<{ results: { ok: boolean; error?: string; adapted: { mean: number[]; variance: number[] }[] }[] }>('files.py', { jobs: [{ kind: 'adapt_normalization', x, axes }] });
  assert.ok(results[0]!.ok, results[0]!.error);
  return results[0]!.adapted;
}

test('adapt equals Keras 3 layer.adapt(x) for axis -1, 1, [1, 2] and null', () => {
  const dir = tempDir('ms-keras-adapt-');
  const shape = [50, 4, 3];
  const data = randomRows(shape, 7);
  const x = join(dir, 'x.npy');
  writeFileSync(x, writeNpy({ dtype: '<f4', shape, data }));
  const axes: Json[] = [-1, 1, [1, 2], null];
  const keras = kerasAdapt(x, axes);
  axes.forEach((axis, i) => {
    const ours = adaptNormalization(data, shape, axis);
    const [dm, dv] = [maxDiff(ours.mean, keras[i]!.mean), maxDiff(ours.variance, keras[i]!.variance)];
    assert.ok(dm <= TOLERANCE && dv <= TOLERANCE, `axis ${JSON.stringify(axis)}: mean differs by ${dm}, variance by ${dv}`);
  });
});

test('a tfjs training run adapts an un-adapted Normalization on the training rows first, as Keras adapt', async () => {
  const dir = tempDir('ms-keras-adapt-train-');
  const [n, features] = [40, 3];
  const data = randomRows([n, features], 11);
  const [x, y] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
  writeFileSync(x, writeNpy({ dtype: '<f4', shape: [n, features], data }));
  writeFileSync(y, writeNpy({ dtype: '<f4', shape: [n, 1], data: Float32Array.from({ length: n }, (_, i) => i % 2) }));
  const keras = kerasAdapt(x, [-1])[0]!;
  const model = { graph: chain([null, features], [['Normalization', {}, 'norm'], ['Dense', { units: 1 }, 'out']], 'adapt'), weights: [] };
  const training = { dataset: `npy:${x},${y}`, epochs: 1, batchSize: 8, optimizer: { name: 'sgd', learning_rate: 0.01 }, loss: 'mse', metrics: [] } as never;
  const logs: string[] = [];
  const job = await (await trainerFor('cpu')).prepare({ sessionId: 't', model, training, engine: 'cpu', baseDir: dir, runDir: join(dir, 'run'), seed: 1 } as never, { onLog: (l) => logs.push(l) });
  try {
    const ws = await job.weights();
    const get = (name: string) => ws.find((w) => w.name === `norm/${name}`)!.data;
    const [dm, dv] = [maxDiff(get('mean'), keras.mean), maxDiff(get('variance'), keras.variance)];
    assert.ok(dm <= TOLERANCE && dv <= TOLERANCE, `mean differs from Keras adapt by ${dm}, variance by ${dv}`);
    assert.ok(logs.some((l) => /Normalization 'norm' adapted on the 40 training rows/.test(l)), logs.join('\n'));
    // Adapted once, the layer keeps its statistics: a second run does not adapt it again.
    const again = await (await trainerFor('cpu')).prepare({ sessionId: 't2', model: { ...model, weights: ws }, training, engine: 'cpu', baseDir: dir, runDir: join(dir, 'run2'), seed: 1 } as never, { onLog: (l) => logs.push(`again: ${l}`) });
    try {
      assert.ok(!logs.some((l) => l.startsWith('again: Normalization')), logs.join('\n'));
    } finally {
      again.dispose();
    }
  } finally {
    job.dispose();
  }
});

test('the keras engine adapts an un-adapted Normalization on the training rows (layer.adapt) before fit', { timeout: 300_000 }, async () => {
  const dir = tempDir('ms-keras-adapt-engine-');
  const [n, features] = [40, 3];
  const [x, y] = [join(dir, 'x.npy'), join(dir, 'y.npy')];
  writeFileSync(x, writeNpy({ dtype: '<f4', shape: [n, features], data: randomRows([n, features], 13) }));
  writeFileSync(y, writeNpy({ dtype: '<f4', shape: [n, 1], data: Float32Array.from({ length: n }, (_, i) => i % 2) }));
  const keras = kerasAdapt(x, [-1])[0]!;
  const model = { graph: chain([null, features], [['Normalization', {}, 'norm'], ['Dense', { units: 1 }, 'out']], 'adapt'), weights: [] };
  const training: TrainingConfig = { dataset: `npy:${x},${y}`, optimizer: optimizer('sgd', { learning_rate: 0.01 }), loss: 'mean_squared_error', metrics: [], epochs: 1, batchSize: 8, validationSplit: 0, shuffle: false };
  const manager = new SessionManager({ env: { MODEL_STUDIO_PYTHON: pythonPath(), KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' } });
  const s = manager.start({ model, training, engine: 'keras', baseDir: dir, workspaceDir: dir, seed: 1 });
  const lines: string[] = [];
  s.on('message', (m) => m.type === 'log' && lines.push(m.line));
  const r = await s.result;
  assert.equal(r.status, 'done', `${r.message} ${lines.join('\n')}`);
  const trained = await trainedModel(model, r.finalPath!);
  const get = (name: string) => trained.weights.find((w) => w.name === `norm/${name}`)!.data;
  const [dm, dv] = [maxDiff(get('mean'), keras.mean), maxDiff(get('variance'), keras.variance)];
  assert.ok(dm <= TOLERANCE && dv <= TOLERANCE, `mean differs from Keras adapt by ${dm}, variance by ${dv}`);
  assert.ok(lines.some((l) => /Normalization 'norm' adapted on the 40 training rows/.test(l)), lines.join('\n'));
});
