/**
 * steps_per_epoch against Keras 3: our tfjs cpu engine and plain Keras `fit(steps_per_epoch=N)` on the same
 * model, weights and unshuffled data must report the same per-epoch figures. 36 training rows in batches of
 * 12 are 3 batches a pass; 2 steps per epoch over 3 epochs runs 2, 1 (the pass ran out), 2 batches, on rows
 * that continue across epochs: a loop that restarted the data each epoch would differ from epoch 2 on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withTraining } from '../../src/core/training';
import { writeModel } from '../../src/formats/registry';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { compareHistory, kerasCase, ourHistory, prepare } from './fitCases';
import { runPython } from './python';

test('steps_per_epoch: per-epoch loss, metrics and validation equal Keras fit(steps_per_epoch=2) (1e-4 relative)', { timeout: 600_000 }, async () => {
  const dir = tempDir('ms-keras-steps-');
  const prepared = prepare('mnist-mlp', dir);
  const training = { ...prepared.training, epochs: 3, stepsPerEpoch: 2 };
  const file = { ...prepared.file, ...withTraining(prepared.file, training) };
  await writeModel(join(dir, 'model.json'), file);
  await writeModel(join(dir, 'model.keras'), file);
  const r = await runCli(['train', join(dir, 'model.json'), '--engine', 'cpu', '--workspace', dir, '--no-save']);
  assert.equal(r.code, 0, r.stderr);
  const ours = ourHistory(dir);
  const keras = runPython<{ results: Record<string, { history?: Record<string, number[]>; error?: string }> }>('fit.py', {
    cases: [{ ...kerasCase('mnist-mlp', dir, training), epochs: 3, steps_per_epoch: 2 }],
  }).results['mnist-mlp'];
  assert.ok(keras?.history, `Keras failed: ${keras?.error}`);
  assert.equal(ours.length, 3);
  assert.equal(keras.history.loss.length, 3);
  const c = compareHistory('steps_per_epoch', ours, keras.history);
  console.log(`steps_per_epoch parity: largest relative difference ${c.largest.toExponential(2)}`);
  assert.deepEqual(c.problems, []);
});
