import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTrainingConfig, optimizer, trainingConfigOf, withTraining } from '../../../src/core/training/config';
import type { ModelFile } from '../../../src/core/types';
import { adoptKerasTraining, kerasCompileConfig, kerasLegacyTrainingConfig, trainingFromKeras } from '../../../src/formats/keras-compile';

const graph: ModelFile['graph'] = { name: 'm', kind: 'Sequential', layers: [], inputs: [], outputs: [] };

test('a Keras 3 compile_config becomes our training configuration (float32 learning rate back to its decimal)', () => {
  const { training, notes } = trainingFromKeras({
    optimizer: { module: 'keras.optimizers', class_name: 'Adam', config: { name: 'adam', learning_rate: 0.009999999776482582, amsgrad: true, beta_1: 0.8, weight_decay: null }, registered_name: null },
    loss: { module: 'keras.losses', class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true }, registered_name: null },
    metrics: ['acc', 'mean_absolute_error'],
  });
  assert.deepEqual(notes, []);
  assert.equal(training.optimizer!.name, 'adam');
  assert.equal(training.optimizer!.params.learning_rate, 0.01);
  assert.equal(training.optimizer!.params.amsgrad, true);
  assert.equal(training.optimizer!.params.beta_1, 0.8);
  assert.equal(training.loss, 'sparse_categorical_crossentropy');
  assert.deepEqual(training.lossOptions, { from_logits: true });
  assert.deepEqual(training.metrics, ['accuracy', 'mae']);
});

test('a tf.keras training_config: optimizer_config, lr, string loss, nested metric lists', () => {
  const { training } = trainingFromKeras({ optimizer_config: { class_name: 'SGD', config: { lr: 0.1, momentum: 0.9, nesterov: true } }, loss: 'mse', metrics: [['accuracy'], [{ class_name: 'MeanMetricWrapper', config: { name: 'mse' } }]] });
  assert.deepEqual(training.optimizer, optimizer('sgd', { learning_rate: 0.1, momentum: 0.9, nesterov: true }));
  assert.equal(training.loss, 'mean_squared_error');
  assert.deepEqual(training.metrics, ['accuracy', 'mse']);
});

test('what cannot be taken over is left at our defaults, with a note each', () => {
  const { training, notes } = trainingFromKeras({
    optimizer: { class_name: 'Lion', config: {} },
    loss: { class_name: 'Tversky', config: {} },
    metrics: ['accuracy', 'F1Score'],
  });
  assert.equal(training.optimizer, undefined);
  assert.equal(training.loss, undefined);
  assert.deepEqual(training.metrics, ['accuracy']);
  assert.equal(notes.length, 3);
  assert.match(notes.join('\n'), /optimizer Lion/);
  assert.match(notes.join('\n'), /loss Tversky/);
  assert.match(notes.join('\n'), /metric F1Score/);
  const sched = trainingFromKeras({ optimizer: { class_name: 'Adam', config: { learning_rate: { class_name: 'ExponentialDecay', config: {} } } } });
  assert.equal(sched.training.optimizer!.params.learning_rate, 0.001);
  assert.match(sched.notes[0]!, /learning-rate schedule \(ExponentialDecay\)/);
});

test('adoptKerasTraining: only when the file has Keras compile arguments and no training configuration of ours', () => {
  const keras: ModelFile = { graph, weights: [], trainingConfig: { loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer: 'adam' } };
  const adopted = adoptKerasTraining(keras);
  assert.equal(trainingConfigOf(adopted.userDefinedMetadata)!.loss, 'binary_crossentropy');
  assert.equal(adopted.notes, undefined);
  const ours = withTraining({ graph, weights: [] } as ModelFile, defaultTrainingConfig({ loss: 'huber' }));
  assert.equal(trainingConfigOf(adoptKerasTraining({ ...ours, trainingConfig: { loss: 'mse' } }).userDefinedMetadata)!.loss, 'huber');
  assert.equal(adoptKerasTraining({ graph, weights: [] }).userDefinedMetadata, undefined);
});

test('kerasCompileConfig: Keras 3 objects from our configuration; none without one', () => {
  const file = withTraining({ graph, weights: [] } as ModelFile, defaultTrainingConfig({ optimizer: optimizer('rmsprop', { learning_rate: 0.002 }), loss: 'huber', lossOptions: { delta: 2 }, metrics: ['mae'] }));
  const c = kerasCompileConfig(file)!;
  assert.deepEqual(c.optimizer, { module: 'keras.optimizers', class_name: 'RMSprop', config: { name: 'rmsprop', ...optimizer('rmsprop', { learning_rate: 0.002 }).params }, registered_name: null });
  assert.deepEqual(c.loss, { module: 'keras.losses', class_name: 'Huber', config: { name: 'huber', reduction: 'sum_over_batch_size', delta: 2 }, registered_name: null });
  assert.deepEqual(c.metrics, ['mae']);
  assert.equal(kerasCompileConfig({ graph, weights: [] }), undefined);
  assert.equal(kerasLegacyTrainingConfig({ graph, weights: [] }), null);
  assert.deepEqual((kerasLegacyTrainingConfig(file)!.optimizer_config as { class_name: string }).class_name, 'RMSprop');
});

test('several outputs: our per-output losses, weights and metrics are Keras dicts keyed by output name, and read back', () => {
  const two: ModelFile['graph'] = { ...graph, kind: 'Functional', outputs: ['cls', 'reg', 'aux'] };
  const t = defaultTrainingConfig({
    loss: 'mean_absolute_error',
    metrics: ['mse'],
    outputs: {
      cls: { loss: 'sparse_categorical_crossentropy', lossOptions: { from_logits: true }, metrics: ['accuracy'] },
      reg: { loss: 'huber', metrics: ['mae'], lossWeight: 0.5 },
    },
  });
  const file = withTraining({ graph: two, weights: [] } as ModelFile, t);
  const cc = kerasCompileConfig(file)!;
  // As Keras 3's model.get_compile_config() writes compile(loss={...}, loss_weights={...}, metrics={...});
  // `aux`, which the settings do not name, has the model-wide loss and metrics.
  assert.deepEqual(Object.keys(cc.loss as object), ['cls', 'reg', 'aux']);
  assert.deepEqual((cc.loss as Record<string, unknown>).reg, 'huber');
  assert.deepEqual((cc.loss as Record<string, unknown>).aux, 'mean_absolute_error');
  assert.equal(((cc.loss as Record<string, { class_name: string }>).cls).class_name, 'SparseCategoricalCrossentropy');
  assert.deepEqual(cc.loss_weights, { cls: 1, reg: 0.5, aux: 1 });
  assert.deepEqual(cc.metrics, { cls: ['accuracy'], reg: ['mae'], aux: ['mse'] });
  assert.deepEqual(kerasLegacyTrainingConfig(file)!.loss_weights, { cls: 1, reg: 0.5, aux: 1 });
  const { training, notes } = trainingFromKeras(cc);
  assert.deepEqual(notes, []);
  assert.deepEqual(training.outputs, {
    cls: { loss: 'sparse_categorical_crossentropy', lossOptions: { from_logits: true }, metrics: ['accuracy'] },
    reg: { loss: 'huber', metrics: ['mae'], lossWeight: 0.5 },
    aux: { loss: 'mean_absolute_error', metrics: ['mse'] },
  });
  // One output: the plain form, whatever `outputs` says.
  assert.equal(kerasCompileConfig(withTraining({ graph: { ...graph, outputs: ['cls'] }, weights: [] } as ModelFile, t))!.loss, 'mean_absolute_error');
});
