/**
 * Files both ways with real Keras 3: what we write loads in Keras (load_model of .keras and .h5, compiled with
 * our optimizer, loss and metrics; model_from_json + load_weights) and predicts what we predict; a compiled
 * model Keras saved gives Model Studio its training configuration; legacy weights saved under other layer
 * names load by order as in Keras; a Keras JSON finds its weights; a built-in Keras layer we lack is named so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/core/initializers';
import { defaultTrainingConfig, optimizer, trainingConfigOf, withTraining } from '../../src/core/training/config';
import { isUserError, type ModelFile } from '../../src/core/types';
import { writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { readModel, writeModel } from '../../src/formats/registry';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { chain } from '../unit/core/helpers';
import { randomModel } from './forwardRun';
import { loadNpy, maxDiff, predictFile } from './filesHelpers';
import { runPython } from './python';

interface Result {
  ok: boolean;
  error?: string;
  compiled?: boolean;
  optimizer?: string;
  optimizerConfig?: Record<string, number | boolean | string>;
  loss?: string | { class_name: string; config: Record<string, unknown> };
  metrics?: unknown;
  fitLoss?: number;
  historyKeys?: string[];
}

const dir = tempDir('ms-keras-files-');
const X = join(dir, 'x.npy');
const Y_TRAIN = join(dir, 'y_train.npy');
const rand = rng(5);
const x = { dtype: '<f4' as const, shape: [6, 4], data: Float32Array.from({ length: 24 }, () => rand() * 2 - 1) };
writeFileSync(X, writeNpy(x));
writeFileSync(Y_TRAIN, writeNpy({ dtype: '<i4', shape: [6], data: Int32Array.from([0, 1, 2, 0, 1, 2]) }));

function ourModel(): ModelFile {
  const g = chain([null, 4], [['Dense', { units: 5, activation: 'tanh' }], ['Dense', { units: 3 }]], 'ours');
  const training = defaultTrainingConfig({
    optimizer: optimizer('adam', { learning_rate: 0.005, amsgrad: true }),
    loss: 'sparse_categorical_crossentropy',
    lossOptions: { from_logits: true },
    metrics: ['accuracy'],
  });
  return withTraining(randomModel(g, 9), training);
}

test('what we write loads in Keras: load_model (.keras, .h5) compiled with our training configuration, model_from_json + load_weights', { timeout: 300_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const file = ourModel();
  const ours = await predictFile(tf, file, [x]);
  await writeModel(join(dir, 'ours.keras'), file);
  await writeModel(join(dir, 'ours.h5'), file);
  await writeModel(join(dir, 'pair.weights.h5'), file);
  const jobs = [
    { kind: 'load_compiled', path: join(dir, 'ours.keras'), x: X, yTrain: Y_TRAIN, y: join(dir, 'y_keras.npy') },
    { kind: 'load_compiled', path: join(dir, 'ours.h5'), x: X, yTrain: Y_TRAIN, y: join(dir, 'y_h5.npy') },
    { kind: 'json_weights', json: join(dir, 'pair.json'), weights: join(dir, 'pair.weights.h5'), x: X, y: join(dir, 'y_pair.npy') },
  ];
  const { results } = runPython<{ results: Result[] }>('files.py', { jobs });
  for (const [i, r] of results.slice(0, 2).entries()) {
    const what = i === 0 ? '.keras' : '.h5';
    assert.ok(r.ok, `${what}: ${r.error}`);
    assert.equal(r.compiled, true, what);
    assert.equal(r.optimizer, 'Adam', what);
    assert.ok(Math.abs(Number(r.optimizerConfig!.learning_rate) - 0.005) < 1e-9, `${what}: learning_rate ${r.optimizerConfig!.learning_rate}`);
    assert.equal(r.optimizerConfig!.amsgrad, true, what);
    assert.deepEqual(r.loss, { class_name: 'SparseCategoricalCrossentropy', config: { name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, ignore_class: null } }, what);
    assert.deepEqual(r.metrics, ['accuracy'], what);
    assert.ok(Number.isFinite(r.fitLoss), `${what}: Keras trains the loaded model (loss ${r.fitLoss})`);
    assert.deepEqual(r.historyKeys, ['accuracy', 'loss'], `${what}: Keras' fit reports our metric`);
  }
  assert.ok(results[2]!.ok, results[2]!.error);
  for (const y of ['y_keras.npy', 'y_h5.npy', 'y_pair.npy']) {
    const d = maxDiff(ours.data, loadNpy(join(dir, y)).data as Float32Array);
    assert.ok(d <= 1e-5, `${y}: differs from ours by ${d}`);
  }
});

test('a compiled model Keras saved (.keras, .h5) gives Model Studio its optimizer, loss and metrics', { timeout: 300_000 }, async () => {
  const jobs = [{ kind: 'save_compiled', keras: join(dir, 'compiled.keras'), h5: join(dir, 'compiled.h5') }];
  const { results } = runPython<{ results: Result[] }>('files.py', { jobs });
  assert.ok(results[0]!.ok, results[0]!.error);
  for (const name of ['compiled.keras', 'compiled.h5']) {
    const t = trainingConfigOf((await readModel(join(dir, name))).userDefinedMetadata);
    assert.ok(t, `${name} has a training configuration`);
    assert.equal(t.optimizer.name, 'rmsprop', name);
    assert.deepEqual({ lr: t.optimizer.params.learning_rate, rho: t.optimizer.params.rho, m: t.optimizer.params.momentum }, { lr: 0.002, rho: 0.8, m: 0.1 }, name);
    assert.equal(t.loss, 'categorical_crossentropy', name);
    assert.deepEqual(t.lossOptions, { from_logits: true }, name);
    assert.deepEqual(t.metrics, ['accuracy', 'mae'], name);
  }
});

test('legacy weights saved under other layer names load by order, as in Keras, with a note; the JSON pairs them too', { timeout: 300_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const jobs = [
    { kind: 'save_renamed', weights: join(dir, 'renamed.h5'), json: join(dir, 'renamed.json'), x: X, y: join(dir, 'y_renamed.npy') },
    { kind: 'save_attention', keras: join(dir, 'attention.keras') },
  ];
  const { results } = runPython<{ results: Result[] }>('files.py', { jobs });
  assert.ok(results.every((r) => r.ok), JSON.stringify(results));
  const expected = loadNpy(join(dir, 'y_renamed.npy')).data as Float32Array;
  for (const name of ['renamed.h5', 'renamed.json']) {
    const file = await readModel(join(dir, name));
    assert.ok((file.notes ?? []).some((n) => /loaded by layer order, as Keras' load_weights does \(first -> dense_a, second -> dense_b\)/.test(n)), `${name}: ${file.notes}`);
    const d = maxDiff((await predictFile(tf, file, [x])).data, expected);
    assert.ok(d <= 1e-5, `${name}: differs from Keras by ${d}`);
  }
  const summary = await runCli(['summary', join(dir, 'renamed.json')]);
  assert.match(summary.stdout, /Weights: attached \(4 tensors\)/);
  assert.match(summary.stdout, /note: weights paired from renamed\.h5/);
  const check = await runCli(['check', join(dir, 'renamed.json')]);
  assert.match(check.stdout, /Weights: attached \(4 tensors\)/);

  // A JSON whose neighbour holds weights of another model: an error naming both files, nothing guessed.
  await writeModel(join(dir, 'other.json'), { graph: chain([null, 4], [['Dense', { units: 2 }]], 'other'), weights: [] }, 'keras-json');
  copyFileSync(join(dir, 'renamed.h5'), join(dir, 'other.h5'));
  await assert.rejects(readModel(join(dir, 'other.json')), (e: unknown) => isUserError(e) && /other\.json and the weights beside it, other\.h5, do not fit/.test((e as Error).message));
  // Without a neighbour, the JSON is architecture only, and says so.
  await writeModel(join(dir, 'alone.json'), { graph: chain([null, 4], [['Dense', { units: 2 }]], 'alone'), weights: [] }, 'keras-json');
  assert.match((await runCli(['summary', join(dir, 'alone.json')])).stdout, /Weights: none \(architecture only/);

  await assert.rejects(
    readModel(join(dir, 'attention.keras')),
    (e: unknown) => isUserError(e) && /Layer 'att' is a Keras GroupQueryAttention layer, which Model Studio does not support yet/.test((e as Error).message) && !/custom|Python/.test((e as { hint?: string }).hint ?? ''),
  );
});
