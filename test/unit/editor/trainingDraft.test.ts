/**
 * The Training panel's form state: a saved config round-trips through the form unchanged, typing problems and
 * the host's rules show under the right field, and a draft with any problem yields no config to send.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../../src/core/templates';
import { checkTrainingConfig, joinDataSpec, kerasTrainingConfig, OPTIMIZER_DEFAULTS, splitDataSpec, type TrainingConfig, trainingConfigOf } from '../../../src/core/training';
import { configFrom, draftFrom, withOptimizer, withSchedule } from '../../../webview/editor/trainingDraft';

const withCallbacks: TrainingConfig = {
  dataset: 'text:data/shakespeare.txt?seq=40&vocab=file',
  target: 'labels',
  optimizer: { name: 'rmsprop', params: { learning_rate: 0.002, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
  epochs: 30,
  batchSize: 64,
  validationSplit: 0.1,
  shuffle: true,
  callbacks: [
    { class_name: 'EarlyStopping', config: { monitor: 'val_accuracy', min_delta: 0, patience: 3, restore_best_weights: true, start_from_epoch: 2 } },
    { class_name: 'ModelCheckpoint', config: { monitor: 'val_accuracy' } },
    { class_name: 'StepDecay', config: { factor: 0.5, step_size: 10 } },
    { class_name: 'Histograms', config: { freq: 5 } },
    { class_name: 'TerminateOnNaN', config: {} },
  ],
};

describe('training form draft', () => {
  test('every template config and a config with callbacks round-trip unchanged', () => {
    for (const id of ['xor', 'mnist-mlp', 'mnist-cnn', 'autoencoder', 'linear-regression', 'char-rnn']) {
      const t = trainingConfigOf(getTemplate(id)!.build().userDefinedMetadata)!;
      const r = configFrom(draftFrom(t));
      assert.deepEqual(r.errors, {}, id);
      assert.deepEqual(r.config, { ...t, callbacks: t.callbacks ?? [] }, id);
    }
    // char-rnn trains on the shipped text (`genesis`); the user's own text file replaces it.
    const rnn = trainingConfigOf(getTemplate('char-rnn')!.build().userDefinedMetadata)!;
    assert.equal(rnn.dataset, 'genesis');
    const withText = configFrom({ ...draftFrom(rnn), dataset: { kind: 'text', path: 'corpus.txt', label: '', options: '' } });
    assert.deepEqual(withText.config, { ...rnn, dataset: 'text:corpus.txt', callbacks: [] });
    const r = configFrom(draftFrom(withCallbacks));
    assert.deepEqual(r.errors, {});
    assert.deepEqual(r.config, withCallbacks, 'start_from_epoch (not on the form) and TerminateOnNaN are kept');
    // Weight decay and clipping, set in a file, are fields and come back.
    const clipped: TrainingConfig = { ...withCallbacks, optimizer: { name: 'nadam', params: { ...OPTIMIZER_DEFAULTS.nadam, weight_decay: 0.01, clipnorm: 1 } } };
    assert.deepEqual(configFrom(draftFrom(clipped)).config, clipped);
  });

  test('data specs split and join like the engine parses them', () => {
    assert.deepEqual(splitDataSpec('csv:data/a b.csv?label=species'), { kind: 'csv', path: 'data/a b.csv', options: { label: 'species' } });
    assert.deepEqual(splitDataSpec('linear?features=3'), { kind: 'linear', path: '', options: { features: '3' } });
    assert.deepEqual(splitDataSpec('npy:x.npy,y.npy'), { kind: 'npy', path: 'x.npy,y.npy', options: {} });
    assert.equal(joinDataSpec({ kind: 'csv', path: 'd.csv', options: { label: '4', header: 'false' } }), 'csv:d.csv?label=4&header=false');
    assert.equal(joinDataSpec({ kind: 'mnist', path: 'ignored', options: {} }), 'mnist');
  });

  test('bad values are reported under their field and no config is produced', () => {
    const d = draftFrom(withCallbacks);
    const bad = { ...d, batchSize: '0', params: { ...d.params, learning_rate: '-1' }, epochs: '1e', validationSplit: '' };
    const r = configFrom(bad);
    assert.equal(r.config, undefined);
    assert.deepEqual(Object.keys(r.errors).sort(), ['batchSize', 'epochs', 'optimizer.learning_rate', 'validationSplit']);
    assert.equal(r.errors.batchSize, 'must be at least 1');
    assert.equal(r.errors['optimizer.learning_rate'], 'must be above 0');
    assert.equal(r.errors.epochs, 'must be a number');
    assert.equal(r.errors.validationSplit, 'enter a value');

    const csv = configFrom({ ...d, dataset: { kind: 'csv', path: '', label: 'a&b', options: 'oops' } });
    assert.deepEqual(Object.keys(csv.errors).sort(), ['dataset.label', 'dataset.options', 'dataset.path']);
    const early = configFrom({ ...d, early: { on: true, args: { ...d.early.args, patience: '-2' } }, metrics: [] });
    assert.equal(early.errors['EarlyStopping.patience'], 'must be at least 0');
    assert.match(early.errors['EarlyStopping.monitor'], /choose one of val_loss, loss/, 'val_accuracy needs the accuracy metric');
  });

  test('switching optimizer gives Keras defaults and keeps the learning rate; schedules get Keras defaults', () => {
    const d = withOptimizer(draftFrom(withCallbacks), 'sgd');
    assert.deepEqual(configFrom(d).config?.optimizer, { name: 'sgd', params: { ...OPTIMIZER_DEFAULTS.sgd, learning_rate: 0.002 } });
    const s = configFrom(withSchedule(d, 'ReduceLROnPlateau')).config?.callbacks?.find((c) => c.class_name === 'ReduceLROnPlateau');
    assert.deepEqual(s, { class_name: 'ReduceLROnPlateau', config: { monitor: 'val_loss', factor: 0.1, patience: 10, min_delta: 0.0001, cooldown: 0, min_lr: 0 } });
    assert.equal(configFrom(withSchedule(d, 'none')).config?.callbacks?.some((c) => c.class_name === 'StepDecay'), false);
  });
});

test('loss arguments: from_logits for crossentropies, delta for huber, each only where Keras takes it', () => {
  const base = trainingConfigOf(getTemplate('mnist-mlp')!.build().userDefinedMetadata)!;
  const logits = draftFrom({ ...base, lossOptions: { from_logits: true } });
  assert.equal(logits.fromLogits, true);
  assert.deepEqual(configFrom(logits).config?.lossOptions, { from_logits: true });
  // Switching to a loss without the argument drops it rather than writing an invalid config.
  assert.equal(configFrom({ ...logits, loss: 'mean_squared_error' }).config?.lossOptions, undefined);
  const huber = configFrom({ ...draftFrom(base), loss: 'huber', huberDelta: '0.5' });
  assert.deepEqual(huber.config?.lossOptions, { delta: 0.5 });
  assert.ok(configFrom({ ...draftFrom(base), loss: 'huber', huberDelta: '-1' }).errors['lossOptions.delta']);
  assert.match(checkTrainingConfig({ ...base, loss: 'mean_squared_error', lossOptions: { from_logits: true } })['lossOptions.from_logits'] ?? '', /only the crossentropy/);
  assert.deepEqual(kerasTrainingConfig({ ...base, lossOptions: { from_logits: true } }).loss, {
    class_name: 'SparseCategoricalCrossentropy',
    config: { name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true },
  });
});

test('mixed precision: a policy round-trips, off writes nothing, an unknown policy is refused under its field', () => {
  const base = trainingConfigOf(getTemplate('mnist-mlp')!.build().userDefinedMetadata)!;
  for (const policy of ['mixed_bfloat16', 'mixed_float16'] as const) {
    const t = { ...base, mixedPrecision: policy };
    assert.deepEqual(configFrom(draftFrom(t)).config, { ...t, callbacks: t.callbacks ?? [] });
  }
  const off = configFrom({ ...draftFrom({ ...base, mixedPrecision: 'mixed_float16' }), mixedPrecision: '' }).config!;
  assert.equal('mixedPrecision' in off, false);
  const bad = configFrom({ ...draftFrom(base), mixedPrecision: 'float16' });
  assert.equal(bad.config, undefined);
  assert.equal(bad.errors.mixedPrecision, 'choose mixed_bfloat16 or mixed_float16, or leave it off');
  assert.deepEqual(checkTrainingConfig({ ...base, mixedPrecision: 'mixed_bfloat16' }), {});
});

test('devices: all or a whole number round-trip, empty writes nothing, anything else is refused under its field', () => {
  const base = trainingConfigOf(getTemplate('mnist-mlp')!.build().userDefinedMetadata)!;
  for (const devices of ['all', 2] as const) {
    const t = { ...base, devices };
    assert.deepEqual(configFrom(draftFrom(t)).config, { ...t, callbacks: t.callbacks ?? [] });
  }
  assert.equal('devices' in configFrom({ ...draftFrom({ ...base, devices: 4 }), devices: ' ' }).config!, false);
  for (const text of ['0', 'two', '1.5', '-1']) {
    const bad = configFrom({ ...draftFrom(base), devices: text });
    assert.equal(bad.config, undefined, text);
    assert.equal(bad.errors.devices, 'enter all, or a whole number of at least 1', text);
  }
  assert.equal(checkTrainingConfig({ ...base, devices: 0 }).devices, 'enter all, or a whole number of at least 1');
});
