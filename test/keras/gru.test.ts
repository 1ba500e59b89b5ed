/**
 * GRU with reset_after=True (Keras 3's default) on the tfjs engine (engine/tfjs/gruResetAfter.ts): the forward
 * pass is in layers.test.ts; here, training: three SGD steps on the same weights and data give the weights
 * Keras gives (1e-5), so the gradients of our cell are Keras'. A GRU added from the palette is Keras 3's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/core/initializers';
import { newLayerConfig } from '../../src/core/layers';
import { writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { buildTfModel, readTfWeights } from '../../src/engine/tfjs/model';
import { writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { chain } from '../unit/core/helpers';
import { randomModel } from './forwardRun';
import { maxDiff } from './filesHelpers';
import { runPython } from './python';

test('a GRU from the palette is reset_after=True, as in Keras 3', () => {
  assert.equal(newLayerConfig('GRU').reset_after, true);
});

test('GRU reset_after=True trains on tfjs as in Keras: weights after 3 SGD steps within 1e-5', { timeout: 300_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-keras-gru-');
  const g = chain([null, 5, 3], [['GRU', { units: 4, reset_after: true, return_sequences: true }], ['Bidirectional', { layer: { class_name: 'GRU', config: { name: 'inner', units: 2, reset_after: true } } }], ['Dense', { units: 2 }]]);
  const file = randomModel(g, 21);
  await writeModel(join(dir, 'gru.keras'), file);
  const rand = rng(4);
  const x = { dtype: '<f4' as const, shape: [6, 5, 3], data: Float32Array.from({ length: 90 }, () => rand() * 2 - 1) };
  const y = { dtype: '<f4' as const, shape: [6, 2], data: Float32Array.from({ length: 12 }, () => rand()) };
  writeFileSync(join(dir, 'x.npy'), writeNpy(x));
  writeFileSync(join(dir, 'y.npy'), writeNpy(y));
  const { results } = runPython<{ results: { ok: boolean; error?: string; weights?: number[][] }[] }>('files.py', {
    jobs: [{ kind: 'train_steps', path: join(dir, 'gru.keras'), x: join(dir, 'x.npy'), yTrain: join(dir, 'y.npy'), lr: 0.5, steps: 3 }],
  });
  assert.ok(results[0]!.ok, results[0]!.error);
  const model = await buildTfModel(tf, file, { strict: true });
  try {
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const xs = tf.tensor(x.data, x.shape);
    const ys = tf.tensor(y.data, y.shape);
    for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
    const ours = readTfWeights(model);
    const keras = results[0]!.weights!;
    assert.equal(ours.length, keras.length);
    let worst = 0;
    ours.forEach((w, i) => {
      worst = Math.max(worst, maxDiff(w.data, keras[i]!));
    });
    const moved = maxDiff(ours[0]!.data, file.weights[0]!.data);
    console.log(`GRU reset_after=True: ${ours.length} weights after 3 SGD steps, largest difference from Keras ${worst.toExponential(2)} (the steps moved them by up to ${moved.toExponential(2)})`);
    assert.ok(worst <= 1e-5, `largest difference ${worst}`);
    assert.ok(moved > 1e-3, 'the steps changed the weights');
  } finally {
    model.dispose();
  }
});
