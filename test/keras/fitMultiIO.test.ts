/**
 * A two-input, two-output functional model (image + vector in; class softmax + regression out) fit for 2
 * epochs with per-output losses, a loss weight and per-output metrics, on our engines against plain Keras 3
 * `fit` (compile with dicts keyed by output name): the same initial weights (the .keras file we write), the same data in the same order (no
 * shuffling, Keras' validation split: the last rows of every array). Per-epoch history within 1e-4 relative, and
 * the history keys exactly Keras' (`loss`, `cls_loss`, `reg_loss`, `cls_accuracy`, `reg_mae`, `val_...`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { optimizer, SAMPLE_WEIGHT } from '../../src/core/training';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { compareHistory, ourHistory } from './fitCases';
import { twoHeadData, twoHeadTraining, writeTwoHeadCase } from '../helpers/multiIO';
import { pythonPath, runPython } from './python';

const ENGINES = ['cpu', 'wasm', 'keras'] as const;

/** Keras' history of the two-head model on the npz in `root` (sample weights from its array `w`, when there). */
function kerasHistory(root: string, training: ReturnType<typeof twoHeadTraining>): Record<string, number[]> {
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
  return keras.history;
}

test('two-input, two-output fit on cpu, wasm and keras equals Keras fit with dict losses and inputs (history and key names, 1e-4 relative)', { timeout: 900_000 }, async () => {
  const root = tempDir('ms-keras-multiio-');
  const training = twoHeadTraining();
  await writeTwoHeadCase(root, training);
  const history = kerasHistory(root, training);
  const kerasKeys = Object.keys(history).sort();
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
    const c = compareHistory(`two_heads on ${engine}`, ours, history);
    console.log(`multi-io fit parity on ${engine}: largest relative difference ${c.largest.toExponential(2)}`);
    assert.deepEqual(c.problems, []);
  }
});

test('per-sample weights weigh every output\'s loss, as Keras\' fit(sample_weight=...) does (cpu and keras engines, 1e-4 relative)', { timeout: 600_000 }, async () => {
  const root = tempDir('ms-keras-multiio-w-');
  const training = twoHeadTraining();
  const data = twoHeadData();
  const w = { dtype: '<f4' as const, shape: [data.image.shape[0]], data: Float32Array.from({ length: data.image.shape[0] }, (_, i) => (i % 5 === 2 ? 0 : 0.25 + (i % 7) / 4)) };
  // Ours reads Keras' npz key sample_weight, the Keras script reads w.
  await writeTwoHeadCase(root, training, { ...data, [SAMPLE_WEIGHT.npzKeys.train]: w, w });
  const history = kerasHistory(root, training);
  const unweighted = kerasHistory(await (async () => {
    const plain = tempDir('ms-keras-multiio-plain-');
    await writeTwoHeadCase(plain, training, data);
    return plain;
  })(), training);
  assert.notEqual(history.loss[0], unweighted.loss[0], 'the weights change Keras\' loss');
  for (const engine of ['cpu', 'keras'] as const) {
    const ws = join(root, engine);
    mkdirSync(ws);
    const python = engine === 'keras' ? ['--python', pythonPath()] : [];
    const r = await runCli(['train', join(root, 'model.json'), '--engine', engine, '--workspace', ws, '--no-save', ...python]);
    assert.equal(r.code, 0, `${engine}: ${r.stderr}`);
    const c = compareHistory(`two_heads weighted on ${engine}`, ourHistory(ws), history);
    console.log(`multi-io weighted fit parity on ${engine}: largest relative difference ${c.largest.toExponential(2)}`);
    assert.deepEqual(c.problems, []);
  }
});

test('our .keras of a two-output model loads in Keras compiled with its per-output losses, loss weights and metrics', { timeout: 600_000 }, async () => {
  const root = tempDir('ms-keras-multiio-compile-');
  const training = twoHeadTraining();
  await writeTwoHeadCase(root, training);
  const [r] = runPython<{ results: { ok: boolean; error?: string; loss?: unknown; lossWeights?: unknown; metrics?: unknown; historyKeys?: string[] }[] }>('files.py', {
    jobs: [{ kind: 'load_compiled_outputs', path: join(root, 'model.keras'), data: join(root, 'data.npz'), inputs: { image: 'image', vec: 'vec' }, outputs: { cls: 'cls', reg: 'value' } }],
  }).results;
  assert.ok(r.ok, r.error);
  const o = training.outputs!;
  assert.deepEqual(r.loss, { cls: o.cls.loss, reg: o.reg.loss });
  assert.deepEqual(r.lossWeights, { cls: o.cls.lossWeight ?? 1, reg: o.reg.lossWeight ?? 1 });
  assert.deepEqual(r.metrics, { cls: o.cls.metrics, reg: o.reg.metrics });
  assert.deepEqual(r.historyKeys, ['cls_accuracy', 'cls_loss', 'loss', 'reg_loss', 'reg_mae']);
});
