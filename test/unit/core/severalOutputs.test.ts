/**
 * The training vocabulary for models with several inputs and outputs: per-output losses and the data map are
 * checked under their own field keys and kept by the host's parser; History keys are attributed to outputs
 * the way Keras 3 names them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkTrainingConfig,
  defaultTrainingConfig,
  metricOwner,
  outputMetricKeys,
  outputsInKeys,
  parseTrainingConfig,
  type TrainingConfig,
} from '../../../src/core/training';

const twoHeads: TrainingConfig = defaultTrainingConfig({
  dataset: 'npz:data/two.npz',
  loss: 'mean_squared_error',
  outputs: {
    cls: { loss: 'sparse_categorical_crossentropy', lossOptions: { from_logits: true }, metrics: ['accuracy'] },
    reg: { loss: 'huber', lossOptions: { delta: 2 }, metrics: ['mae'], lossWeight: 0.5 },
  },
  dataMap: { image: 'x_img', cls: 'y_class' },
});

describe('several outputs: config checks', () => {
  test('a valid per-output config passes, and the host keeps outputs and the data map as sent', () => {
    assert.deepEqual(checkTrainingConfig(twoHeads), {});
    const parsed = parseTrainingConfig(JSON.parse(JSON.stringify(twoHeads)));
    assert.deepEqual(parsed.config?.outputs, twoHeads.outputs);
    assert.deepEqual(parsed.config?.dataMap, twoHeads.dataMap);
    assert.equal(parseTrainingConfig(defaultTrainingConfig({ dataset: 'xor' })).config?.outputs, undefined, 'a single-output config stays without');
  });

  test('each bad per-output value is reported under its output, and the host refuses the config', () => {
    const bad = {
      ...twoHeads,
      outputs: {
        cls: { loss: 'nope', metrics: ['accuracy', 'accuracy'] },
        reg: { loss: 'mean_squared_error', lossOptions: { delta: 1 }, metrics: ['mae'], lossWeight: -1 },
        odd: 3,
      },
      dataMap: { image: '', cls: 'a&b' },
    };
    const e = checkTrainingConfig(bad);
    assert.match(e['outputs.cls.loss'] ?? '', /^choose one of mean_squared_error/);
    assert.equal(e['outputs.cls.metrics'], 'each metric once');
    assert.equal(e['outputs.reg.lossOptions.delta'], 'only the huber loss takes delta');
    assert.equal(e['outputs.reg.lossWeight'], 'must be at least 0');
    assert.equal(e['outputs.odd'], 'must be an object with loss and metrics');
    assert.equal(e['dataMap.image'], 'enter the name of an array in the data');
    assert.equal(e['dataMap.cls'], 'an array name may not contain ? & or =');
    assert.equal(parseTrainingConfig(bad).config, undefined);
    assert.equal(checkTrainingConfig({ ...twoHeads, outputs: [] as never }).outputs, 'must map each output layer to its loss');
  });

  test("callbacks may monitor an output's loss and metrics, by their Keras names", () => {
    const watching = (monitor: string) => ({ ...twoHeads, callbacks: [{ class_name: 'EarlyStopping', config: { monitor } }] });
    assert.deepEqual(checkTrainingConfig(watching('val_reg_mae')), {});
    assert.deepEqual(checkTrainingConfig(watching('cls_loss')), {});
    assert.match(checkTrainingConfig(watching('val_reg_accuracy'))['EarlyStopping.monitor'] ?? '', /^choose one of/);
  });
});

describe('several outputs: History keys', () => {
  // Keras 3.15 (jax), compile(loss={cls, reg}, metrics={cls: [accuracy], reg: [mae]}), fit(validation_split=.25).
  const kerasKeys = ['cls_accuracy', 'cls_loss', 'loss', 'reg_loss', 'reg_mae', 'val_cls_accuracy', 'val_cls_loss', 'val_loss', 'val_reg_loss', 'val_reg_mae'];

  test("the keys a config produces are the ones Keras' History reports", () => {
    const keys = ['loss', ...outputMetricKeys(twoHeads.outputs)];
    assert.deepEqual([...keys, ...keys.map((k) => `val_${k}`)].sort(), kerasKeys);
    assert.deepEqual(outputMetricKeys(undefined), []);
  });

  test('outputs are found from the keys, and each key is attributed to its output (longest name first)', () => {
    assert.deepEqual(outputsInKeys(kerasKeys), ['cls', 'reg']);
    assert.deepEqual(outputsInKeys(['loss', 'val_loss', 'accuracy', 'sparse_categorical_accuracy']), [], 'one output: none');
    assert.deepEqual(metricOwner('cls_accuracy', ['cls', 'reg']), { output: 'cls', metric: 'accuracy' });
    assert.deepEqual(metricOwner('loss', ['cls', 'reg']), { metric: 'loss' });
    assert.deepEqual(metricOwner('a_b_loss', ['a', 'a_b']), { output: 'a_b', metric: 'loss' });
    assert.deepEqual(metricOwner('a_top_k_categorical_accuracy', ['a', 'a_b']), { output: 'a', metric: 'top_k_categorical_accuracy' });
  });
});
