/**
 * Importing TensorBoard log folders as runs: one written by real Keras' TensorBoard callback reads back as its
 * History (epoch_* in train/ and validation/, as float32), one written by our run folder as the events it
 * logged; a folder without events is refused with a hint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTensorBoardRun, tensorboardRunInfo } from '../../src/engine/tensorboard/reader';
import { TensorBoardLog } from '../../src/engine/tensorboard/writer';
import { tempDir } from '../helpers/paths';
import { runPython } from './python';

test("a log folder written by Keras' TensorBoard callback imports as its History", { timeout: 300_000 }, () => {
  const logdir = join(tempDir('ms-tb-keras-'), 'logs');
  const { history } = runPython<{ history: Record<string, number[]> }>('keras_tensorboard.py', { logdir, epochs: 3 });
  const run = readTensorBoardRun(logdir);
  assert.deepEqual(run.epochs.map((e) => e.epoch), [1, 2, 3]);
  for (const [k, values] of Object.entries(history)) {
    if (k === 'learning_rate') continue;
    assert.deepEqual(run.epochs.map((e) => (e.metrics as Record<string, number>)[k]), values.map((v) => Math.fround(v)), k);
  }
  assert.ok('val_loss' in (run.epochs[0].metrics as object) && 'accuracy' in (run.epochs[0].metrics as object));
  // As Compare Runs charts it: final and best of each curve, named after the folder.
  const info = tensorboardRunInfo(logdir);
  assert.equal(info.name, 'logs (TensorBoard)');
  assert.equal(info.final.val_loss, Math.fround(history.val_loss[2]));
  assert.equal(info.best.loss, Math.min(...history.loss.map((v) => Math.fround(v))));
});

test('our own events import back; a folder without events is refused', () => {
  const dir = tempDir('ms-tb-ours-');
  const log = new TensorBoardLog(dir);
  log.epoch({ epoch: 1, metrics: { loss: 0.5, val_loss: 0.25 }, lr: 0.01 });
  log.epoch({ epoch: 2, metrics: { loss: 0.125, val_loss: 0.375 }, lr: 0.005 });
  const run = readTensorBoardRun(dir);
  assert.deepEqual(run.epochs, [
    { type: 'epoch', epoch: 1, metrics: { loss: 0.5, val_loss: 0.25 }, lr: Math.fround(0.01) },
    { type: 'epoch', epoch: 2, metrics: { loss: 0.125, val_loss: 0.375 }, lr: Math.fround(0.005) },
  ]);
  assert.throws(() => readTensorBoardRun(tempDir('ms-tb-empty-')), /holds no epoch scalars/);
  assert.throws(() => readTensorBoardRun(join(dir, 'nope')), /is not a folder/);
});
