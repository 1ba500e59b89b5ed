/**
 * A two-input, two-output functional model (image + vector in; class softmax + regression out) fit for 2
 * epochs with per-output losses, a loss weight and per-output metrics, on our engines against plain Keras 3
 * `fit` with dicts: the same initial weights (the .keras file we write), the same data in the same order (no
 * shuffling, Keras' validation split: the last rows of every array). Per-epoch history within 1e-4 relative, and
 * the history keys exactly Keras' (`loss`, `cls_loss`, `reg_loss`, `cls_accuracy`, `reg_mae`, `val_...`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { optimizer } from '../../src/core/training';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { compareHistory, ourHistory } from './fitCases';
import { twoHeadTraining, writeTwoHeadCase } from '../helpers/multiIO';
import { pythonPath, runPython } from './python';

const ENGINES = ['cpu', 'wasm', 'keras'] as const;

test('two-input, two-output fit on cpu, wasm and keras equals Keras fit with dicts (history and key names, 1e-4 relative)', { timeout: 900_000 }, async () => {
  const root = tempDir('ms-keras-multiio-');
  const training = twoHeadTraining();
  await writeTwoHeadCase(root, training);
  const o = training.outputs!;
  const keras = runPython<{ results: Record<string, { history?: Record<string, number[]>; error?: string }> }>('fit.py', {
    cases: [
      {
        id: 'two_heads',
        model: join(root, 'model.keras'),
        data: join(root, 'data.npz'),
        optimizer: optimizer('adam', { learning_rate: 0.01 }),
        inputs: { image: 'image', vec: 'vec' },
        outputs: {
          cls: { array: 'cls', loss: o.cls.loss, metrics: o.cls.metrics, weight: 1 },
          reg: { array: 'value', loss: o.reg.loss, metrics: o.reg.metrics, weight: 0.5 },
        },
        epochs: training.epochs,
        batch_size: training.batchSize,
        validation_split: training.validationSplit,
      },
    ],
  }).results.two_heads;
  assert.ok(keras.history, `Keras failed: ${keras.error}`);
  const kerasKeys = Object.keys(keras.history).sort();
  assert.deepEqual(kerasKeys, ['cls_accuracy', 'cls_loss', 'loss', 'reg_loss', 'reg_mae', 'val_cls_accuracy', 'val_cls_loss', 'val_loss', 'val_reg_loss', 'val_reg_mae']);
  for (const engine of ENGINES) {
    const ws = join(root, engine);
    mkdirSync(ws);
    const python = engine === 'keras' ? ['--python', pythonPath()] : [];
    const r = await runCli(['train', join(root, 'model.json'), '--engine', engine, '--workspace', ws, '--no-save', ...python]);
    assert.equal(r.code, 0, `${engine}: ${r.stderr}`);
    const ours = ourHistory(ws);
    assert.equal(ours.length, training.epochs, engine);
    for (const e of ours) assert.deepEqual(Object.keys(e).sort(), kerasKeys, `${engine}: history keys`);
    const c = compareHistory(`two_heads on ${engine}`, ours, keras.history);
    console.log(`multi-io fit parity on ${engine}: largest relative difference ${c.largest.toExponential(2)}`);
    assert.deepEqual(c.problems, []);
  }
});
