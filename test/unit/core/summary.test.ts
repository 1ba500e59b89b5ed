/** summaryText in tf.keras 2's model.summary() layout, and its helpers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatShape, summaryText } from '../../../src/core/summary';
import { chain, graph } from './helpers';

describe('summary', () => {
  test('formatShape and formatCount', () => {
    assert.equal(formatShape([null, 28, 28, 1]), '(None, 28, 28, 1)');
    assert.equal(formatShape([null]), '(None,)');
    assert.equal(formatShape(null), '?');
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(34826), '34,826');
    assert.equal(formatCount(138357544), '138,357,544');
  });

  test('Sequential: exactly the keras.io MNIST convnet summary (tf.keras 2)', () => {
    const g = chain([null, 28, 28, 1], [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }, 'conv2d'],
      ['MaxPooling2D', { pool_size: [2, 2] }, 'max_pooling2d'],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }, 'conv2d_1'],
      ['MaxPooling2D', { pool_size: [2, 2] }, 'max_pooling2d_1'],
      ['Flatten', {}, 'flatten'],
      ['Dropout', { rate: 0.5 }, 'dropout'],
      ['Dense', { units: 10, activation: 'softmax' }, 'dense'],
    ]);
    g.kind = 'Sequential';
    const expected = [
      'Model: "sequential"',
      '_________________________________________________________________',
      'Layer (type)                 Output Shape              Param #   ',
      '=================================================================',
      'conv2d (Conv2D)              (None, 26, 26, 32)        320       ',
      '_________________________________________________________________',
      'max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0         ',
      '_________________________________________________________________',
      'conv2d_1 (Conv2D)            (None, 11, 11, 64)        18496     ',
      '_________________________________________________________________',
      'max_pooling2d_1 (MaxPooling2 (None, 5, 5, 64)          0         ',
      '_________________________________________________________________',
      'flatten (Flatten)            (None, 1600)              0         ',
      '_________________________________________________________________',
      'dropout (Dropout)            (None, 1600)              0         ',
      '_________________________________________________________________',
      'dense (Dense)                (None, 10)                16010     ',
      '=================================================================',
      'Total params: 34,826',
      'Trainable params: 34,826',
      'Non-trainable params: 0',
      '_________________________________________________________________',
    ].join('\n');
    assert.equal(summaryText(g), expected);
  });

  test('Functional with branches: InputLayer rows, Connected to, one row per extra inbound', () => {
    const g = graph([
      ['input_1', 'InputLayer', { batch_input_shape: [null, 16] }, []],
      ['dense', 'Dense', { units: 8 }, ['input_1']],
      ['dense_1', 'Dense', { units: 8 }, ['input_1']],
      ['add', 'Add', {}, ['dense', 'dense_1']],
      ['batch_normalization', 'BatchNormalization', {}, ['add']],
    ], ['batch_normalization'], 'model');
    const lines = summaryText(g).split('\n');
    assert.equal(lines[0], 'Model: "model"');
    assert.equal(lines[1], '_'.repeat(98));
    assert.equal(lines[2], 'Layer (type)                    Output Shape         Param #     Connected to                     ');
    assert.equal(lines[4], 'input_1 (InputLayer)            [(None, 16)]         0                                            ');
    assert.equal(lines[6], 'dense (Dense)                   (None, 8)            136         input_1[0][0]                    ');
    assert.equal(lines[10], 'add (Add)                       (None, 8)            0           dense[0][0]                      ');
    assert.equal(lines[11], '                                                                 dense_1[0][0]                    ');
    assert.equal(lines[13].trimEnd(), 'batch_normalization (BatchNorma (None, 8)            32          add[0][0]');
    assert.deepEqual(lines.slice(-4), ['Total params: 304', 'Trainable params: 288', 'Non-trainable params: 16', '_'.repeat(98)]);
    for (const l of lines.slice(1, -4)) assert.equal(l.length, 98);
  });

  test('a layer whose shape is unknown shows "?"', () => {
    const g = chain([null, 4], [['Dense', { units: -1 }, 'bad']]);
    g.kind = 'Sequential';
    assert.match(summaryText(g), /\nbad \(Dense\)\s+\?\s+0\s+\n/);
  });
});
