/** summaryText in Keras 3's and tf.keras 2's model.summary() layouts, and their helpers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatShape, summaryLayoutFor, summaryText } from '../../../src/core/summary';
import { roundHalfEven, wrapCell } from '../../../src/core/summary/boxTable';
import { formatShapeKeras3, readableMemorySize } from '../../../src/core/summary/keras3';
import { terminalColumns } from '../../../src/cli/summary';
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
    assert.equal(summaryText(g, undefined, { layout: 'keras2' }), expected);
  });

  test('Functional with branches: InputLayer rows, Connected to, one row per extra inbound', () => {
    const g = graph([
      ['input_1', 'InputLayer', { batch_input_shape: [null, 16] }, []],
      ['dense', 'Dense', { units: 8 }, ['input_1']],
      ['dense_1', 'Dense', { units: 8 }, ['input_1']],
      ['add', 'Add', {}, ['dense', 'dense_1']],
      ['batch_normalization', 'BatchNormalization', {}, ['add']],
    ], ['batch_normalization'], 'model');
    const lines = summaryText(g, undefined, { layout: 'keras2' }).split('\n');
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
    assert.match(summaryText(g, undefined, { layout: 'keras2' }), /\nbad \(Dense\)\s+\?\s+0\s+\n/);
    assert.match(summaryText(g), /│ bad \(Dense\) +│ \? +│ +0 │/);
  });

  // Captured from Keras 3.15.1 (`model.summary()` with COLUMNS=200 and COLUMNS=70) for the same model.
  const keras3Wide = [
    'Model: "tie"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩',
    '│ x (InputLayer)                │ (None, 4)                 │               0 │ -                          │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ dense_with_a_rather_long_nam… │ (None, 32)                │             160 │ x[0][0]                    │',
    '│ (Dense)                       │                           │                 │                            │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ b (Dense)                     │ (None, 32)                │             160 │ x[0][0]                    │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ add (Add)                     │ (None, 32)                │               0 │ dense_with_a_rather_long_… │',
    '│                               │                           │                 │ b[0][0]                    │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ out (Dense)                   │ (None, 1)                 │              32 │ add[0][0]                  │',
    '└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘',
    ' Total params: 352 (1.38 KB)',
    ' Trainable params: 352 (1.38 KB)',
    ' Non-trainable params: 0 (0.00 B)',
  ].join('\n');
  const keras3Narrow = [
    'Model: "tie"',
    '┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)     ┃ Output Shape   ┃  Param # ┃ Connected to    ┃',
    '┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩',
    '│ x (InputLayer)   │ (None, 4)      │        0 │ -               │',
    '├──────────────────┼────────────────┼──────────┼─────────────────┤',
    '│ dense_with_a_ra… │ (None, 32)     │      160 │ x[0][0]         │',
    '│ (Dense)          │                │          │                 │',
    '├──────────────────┼────────────────┼──────────┼─────────────────┤',
    '│ b (Dense)        │ (None, 32)     │      160 │ x[0][0]         │',
    '├──────────────────┼────────────────┼──────────┼─────────────────┤',
    '│ add (Add)        │ (None, 32)     │        0 │ dense_with_a_r… │',
    '│                  │                │          │ b[0][0]         │',
    '├──────────────────┼────────────────┼──────────┼─────────────────┤',
    '│ out (Dense)      │ (None, 1)      │       32 │ add[0][0]       │',
    '└──────────────────┴────────────────┴──────────┴─────────────────┘',
  ].join('\n');

  test('Keras 3: the box table, wrapped and cut names, Connected to, sizes; narrowed to the terminal', () => {
    const g = graph([
      ['x', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['dense_with_a_rather_long_name_for_wrapping', 'Dense', { units: 32 }, ['x']],
      ['b', 'Dense', { units: 32 }, ['x']],
      ['add', 'Add', {}, ['dense_with_a_rather_long_name_for_wrapping', 'b']],
      ['out', 'Dense', { units: 1, use_bias: false }, ['add']],
    ], ['out'], 'tie');
    assert.equal(summaryText(g), keras3Wide, 'no terminal: Keras default widths');
    assert.equal(summaryText(g, undefined, { terminalColumns: 200 }), keras3Wide);
    assert.ok(summaryText(g, undefined, { terminalColumns: 70 }).startsWith(keras3Narrow));
  });

  test('Keras 3 helpers: Python rounding, shapes without the tuple comma, wrapping', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 4, 2, 3]);
    assert.equal(readableMemorySize(1152), '1.12 KB', "Python's '{:.2f}'.format(1.125)");
    assert.equal(readableMemorySize(2432), '2.38 KB', "Python's '{:.2f}'.format(2.375)");
    assert.equal(readableMemorySize(0), '0.00 B');
    assert.equal(readableMemorySize(217640), '212.54 KB');
    assert.equal(readableMemorySize(3 * 1024 ** 3), '3.00 GB');
    assert.equal(formatShapeKeras3([null]), '(None)');
    assert.equal(formatShapeKeras3([null, 26, 26, 32]), '(None, 26, 26, 32)');
    assert.deepEqual(wrapCell('max_pooling2d (MaxPooling2D)', 22, 'left'), ['max_pooling2d         ', '(MaxPooling2D)        ']);
    assert.deepEqual(wrapCell('54,090', 8, 'right'), ['  54,090']);
    assert.deepEqual(wrapCell('', 3, 'left'), ['   ']);
  });

  test('the layout follows the file: Keras 1/2 files get tf.keras 2 text, Keras 3 and our own models Keras 3', () => {
    assert.equal(summaryLayoutFor('2.4.0'), 'keras2');
    assert.equal(summaryLayoutFor('1.2.2'), 'keras2');
    assert.equal(summaryLayoutFor('3.15.1'), 'keras3');
    assert.equal(summaryLayoutFor(undefined), 'keras3');
  });

  test("the terminal's width as Python finds it: COLUMNS, then the terminal, then 80", () => {
    assert.equal(terminalColumns({ COLUMNS: '120' }, { isTTY: true, columns: 90 }), 120);
    assert.equal(terminalColumns({ COLUMNS: 'wide' }, { isTTY: true, columns: 90 }), 90);
    assert.equal(terminalColumns({}, { isTTY: false }), 80);
    assert.equal(terminalColumns({ COLUMNS: '0' }, {}), 80);
  });
});
