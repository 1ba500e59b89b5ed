// The keras engine's --devices on Keras' own distribution: keras.distribution.DataParallel on JAX, two host
// devices on the CPU (XLA_FLAGS=--xla_force_host_platform_device_count=2), against one device.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { optimizer, type TrainingConfig } from '../../src/core/training';
import type { NamedTensor } from '../../src/core/types';
import { readModel } from '../../src/formats/registry';
import { SessionManager, trainedModel } from '../../src/engine/sessions';
import type { WorkerToHost } from '../../src/protocol/worker';
import { tempDir } from '../helpers/paths';
import { pythonPath, runPython } from './python';

const env = {
  MODEL_STUDIO_PYTHON: pythonPath(),
  KERAS_BACKEND: 'jax',
  JAX_PLATFORMS: 'cpu',
  TF_CPP_MIN_LOG_LEVEL: '3',
  XLA_FLAGS: '--xla_force_host_platform_device_count=2',
};
const manager = new SessionManager({ env });

describe('keras engine: data-parallel over local devices', () => {
  test('two host devices give the same weights after N steps as one device, same global batch (1e-5)', async () => {
    const ws = tempDir();
    runPython('kerasEngine.py', { op: 'make', dir: ws, n: 256 });
    const file = await readModel(join(ws, 'model.keras'));
    const training: TrainingConfig = {
      dataset: `npy:${join(ws, 'x.npy')},${join(ws, 'y.npy')}`,
      optimizer: optimizer('sgd', { learning_rate: 0.05, momentum: 0.9 }),
      loss: 'mean_squared_error',
      metrics: [],
      epochs: 3,
      batchSize: 32,
      validationSplit: 0,
      shuffle: false,
    };
    const train = async (devices: number) => {
      const logs: string[] = [];
      const s = manager.start({ model: file, training, engine: 'keras', baseDir: ws, workspaceDir: ws, seed: 3, devices });
      s.on('message', (m: WorkerToHost) => m.type === 'log' && logs.push(m.line));
      const r = await s.result;
      assert.equal(r.status, 'done', `${r.message} ${r.hint ?? ''}`);
      return { weights: (await trainedModel(file, r.finalPath!)).weights, logs };
    };
    const one = await train(1);
    const two = await train(2);
    assert.ok(two.logs.some((l) => /^Data-parallel over 2 devices/.test(l)), two.logs.join('\n'));
    assert.ok(!one.logs.some((l) => /Data-parallel/.test(l)));
    const diff = (a: NamedTensor[], b: NamedTensor[]) => Math.max(...a.map((w, i) => Math.max(...w.data.map((v, j) => Math.abs(v - b[i].data[j])))));
    assert.deepEqual(two.weights.map((w) => w.name), one.weights.map((w) => w.name));
    assert.ok(diff(one.weights, two.weights) <= 1e-5, `max difference ${diff(one.weights, two.weights)}`);
    // And training moved them: the comparison is not between two untouched copies.
    assert.ok(diff(one.weights, file.weights) > 1e-3);
  });

  test('more devices than the machine has is a clear error', async () => {
    const ws = tempDir();
    runPython('kerasEngine.py', { op: 'make', dir: ws, n: 64 });
    const file = await readModel(join(ws, 'model.keras'));
    const training: TrainingConfig = {
      dataset: `npy:${join(ws, 'x.npy')},${join(ws, 'y.npy')}`,
      optimizer: optimizer('sgd'),
      loss: 'mean_squared_error',
      metrics: [],
      epochs: 1,
      batchSize: 32,
      validationSplit: 0,
      shuffle: false,
    };
    const r = await manager.start({ model: file, training, engine: 'keras', baseDir: ws, workspaceDir: ws, devices: 8 }).result;
    assert.equal(r.status, 'failed');
    assert.match(r.message ?? '', /8 devices asked for, 2 found/);
    assert.match(r.hint ?? '', /--devices 2 or fewer/);
  });
});
