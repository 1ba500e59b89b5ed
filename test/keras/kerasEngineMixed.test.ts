// Mixed precision (training config `mixedPrecision`): the keras engine trains under Keras' policy and says so;
// the TensorFlow.js engines refuse it with the reason, before any data is read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MIXED_PRECISION_POLICIES, optimizer, type TrainingConfig } from '../../src/core/training';
import { readModel } from '../../src/formats/registry';
import { SessionManager, trainedModel } from '../../src/engine/sessions';
import type { WorkerToHost } from '../../src/protocol/worker';
import { tempDir } from '../helpers/paths';
import { pythonPath, runPython } from './python';

const manager = new SessionManager({ env: { MODEL_STUDIO_PYTHON: pythonPath(), KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' } });

async function workspace(): Promise<{ ws: string; training: TrainingConfig; file: Awaited<ReturnType<typeof readModel>> }> {
  const ws = tempDir();
  runPython('kerasEngine.py', { op: 'make', dir: ws, n: 512 });
  const training: TrainingConfig = {
    dataset: `npy:${join(ws, 'x.npy')},${join(ws, 'y.npy')}`,
    optimizer: optimizer('adam', { learning_rate: 0.01 }),
    loss: 'mean_squared_error',
    metrics: ['mae'],
    epochs: 6,
    batchSize: 32,
    validationSplit: 0,
    shuffle: true,
  };
  return { ws, training, file: await readModel(join(ws, 'model.keras')) };
}

describe('mixed precision', () => {
  for (const policy of MIXED_PRECISION_POLICIES) {
    test(`keras engine with ${policy}: reports the policy, the loss stays finite and falls`, async () => {
      const { ws, training, file } = await workspace();
      const s = manager.start({ model: file, training: { ...training, mixedPrecision: policy }, engine: 'keras', baseDir: ws, workspaceDir: ws, seed: 2 });
      const messages: WorkerToHost[] = [];
      s.on('message', (m) => messages.push(m));
      const r = await s.result;
      assert.equal(r.status, 'done', `${r.message} ${r.hint ?? ''}`);
      const logs = messages.flatMap((m) => (m.type === 'log' ? [m.line] : []));
      const compute = policy === 'mixed_bfloat16' ? 'bfloat16' : 'float16';
      // Read from the model Keras trains: its hidden layer computes in 16 bits, the variables stay float32.
      assert.ok(logs.some((l) => l.startsWith(`Mixed precision: ${policy} (layers compute in ${compute}, float32, variables float32;`)), logs.join('\n'));
      const losses = messages.flatMap((m) => (m.type === 'epoch' ? [m.point.metrics.loss] : []));
      assert.equal(losses.length, 6);
      assert.ok(losses.every((l) => typeof l === 'number' && Number.isFinite(l)), String(losses));
      assert.ok(losses[5] < 0.5 * losses[0], `loss did not fall: ${losses}`);
      // The trained weights come back as float32 tensors of the model's own layers.
      const trained = await trainedModel(file, r.finalPath!);
      assert.deepEqual(trained.weights.map((w) => [w.name, w.shape]), file.weights.map((w) => [w.name, w.shape]));
      assert.ok(trained.weights.every((w) => w.data instanceof Float32Array));
    });
  }

  test('the TensorFlow.js engines refuse it with the reason, and read no data', async () => {
    const ws = tempDir();
    runPython('kerasEngine.py', { op: 'make', dir: ws, n: 64 });
    const file = await readModel(join(ws, 'model.keras'));
    for (const engine of ['cpu', 'auto'] as const) {
      const config: TrainingConfig = { dataset: `npy:${join(ws, 'missing-x.npy')},${join(ws, 'missing-y.npy')}`, optimizer: optimizer('sgd'), loss: 'mean_squared_error', metrics: [], epochs: 1, batchSize: 8, validationSplit: 0, shuffle: false, mixedPrecision: 'mixed_float16' };
      const r = await manager.start({ model: file, training: config, engine, baseDir: ws, workspaceDir: ws }).result;
      assert.equal(r.status, 'failed');
      assert.match(r.message ?? '', /Mixed precision \(mixed_float16\) needs the keras engine: the TensorFlow.js engines train in float32 only/);
      assert.match(r.hint ?? '', /--engine keras.*or turn mixed precision off/);
    }
  });
});
