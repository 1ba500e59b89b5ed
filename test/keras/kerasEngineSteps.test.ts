/**
 * The keras engine with the training configuration's steps_per_epoch and subset: the runner trains the first
 * 1% of MNIST's training rows (540 after the validation split: 5 batches of 128 a pass) with 3 steps per epoch,
 * so Keras runs 3, 2 (the pass ran out), 3 batches; the epoch events count them the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../src/core/templates';
import { trainingConfigOf, type EpochEvent } from '../../src/core/training';
import { SessionManager } from '../../src/engine/sessions';
import type { WorkerToHost } from '../../src/protocol/worker';
import { tempDir } from '../helpers/paths';
import { pythonPath } from './python';

test('keras engine: stepsPerEpoch and subset from the training config', { timeout: 600_000 }, async () => {
  const manager = new SessionManager({ env: { MODEL_STUDIO_PYTHON: pythonPath(), KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' } });
  const file = getTemplate('mnist-mlp')!.build();
  const training = { ...trainingConfigOf(file.userDefinedMetadata)!, epochs: 3, stepsPerEpoch: 3, subset: 0.01 };
  const ws = tempDir();
  const s = manager.start({ model: file, training, engine: 'keras', baseDir: ws, workspaceDir: ws, seed: 1 });
  const messages: WorkerToHost[] = [];
  s.on('message', (m) => messages.push(m));
  const r = await s.result;
  assert.equal(r.status, 'done', `${r.message} ${r.hint ?? ''}`);
  const data = messages.find((m) => m.type === 'data');
  assert.ok(data?.type === 'data');
  assert.equal(data.samples.train, 540);
  assert.match(data.train, /first 540 of 54000/);
  const epochs = messages.flatMap((m) => (m.type === 'epoch' ? [m.point as EpochEvent] : []));
  assert.deepEqual(epochs.map((e) => e.step), [3, 5, 8]);
});
