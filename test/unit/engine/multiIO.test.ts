/**
 * Models with several inputs and outputs: the training config's per-output settings and data map, the npz
 * arrays per layer, Keras' history keys; and every refusal before training (a bad output name, a data-map key
 * that is no layer, a data-map array that is not in the file, arrays with different row counts, targets an
 * output cannot learn, data with one input and one target): a clear message with a hint, nothing written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addLayer, emptyGraph, setOutputs } from '../../../src/core/graph';
import { reconcileWeights } from '../../../src/core/initializers';
import { checkTrainingConfig, historyKeys, outputHeads, parseTrainingConfig, withTraining } from '../../../src/core/training';
import type { ModelFile } from '../../../src/core/types';
import { writeModel } from '../../../src/formats/registry';
import { cliRefuses } from '../../helpers/assertions';
import { runCli } from '../../helpers/cli';
import { twoHeadData, twoHeadTraining, writeTwoHeadCase } from '../../helpers/multiIO';
import { tempDir } from '../../helpers/paths';

describe('several outputs: the config', () => {
  test('each output takes its own loss, metrics and weight, or the top-level ones at weight 1', () => {
    const t = twoHeadTraining({ outputs: { reg: { loss: 'huber', metrics: ['mae'], lossWeight: 0.5 } }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    assert.deepEqual(outputHeads(t, ['cls', 'reg']), [
      { name: 'cls', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], weight: 1 },
      { name: 'reg', loss: 'huber', metrics: ['mae'], weight: 0.5 },
    ]);
    assert.deepEqual(historyKeys(outputHeads(t, ['cls', 'reg'])), ['loss', 'cls_loss', 'cls_accuracy', 'reg_loss', 'reg_mae']);
    assert.deepEqual(historyKeys(outputHeads(t, ['cls'])), ['loss', 'accuracy']);
  });

  test('the checks name the output and the field; parsing keeps outputs and the data map', () => {
    const bad = twoHeadTraining({
      outputs: { cls: { loss: 'nope', metrics: ['accuracy', 'accuracy'] }, reg: { loss: 'mean_squared_error', metrics: [], lossWeight: -1, lossOptions: { delta: 2 } } },
      dataMap: { reg: '' },
    });
    const e = checkTrainingConfig(bad);
    assert.match(e['outputs.cls.loss'], /choose one of/);
    assert.equal(e['outputs.cls.metrics'], 'each metric once');
    assert.equal(e['outputs.reg.lossWeight'], 'must be at least 0');
    assert.equal(e['outputs.reg.lossOptions.delta'], 'only the huber loss takes delta');
    assert.equal(e['dataMap.reg'], 'enter the name of an array in the data');
    const watch = (monitor: string) => checkTrainingConfig(twoHeadTraining({ callbacks: [{ class_name: 'EarlyStopping', config: { monitor } }] }))['EarlyStopping.monitor'];
    assert.equal(watch('val_cls_accuracy'), undefined, 'a per-output metric can be monitored');
    assert.equal(watch('val_reg_loss'), undefined);
    assert.match(watch('val_cls_mae') ?? '', /choose one of val_loss, .*val_cls_loss, val_cls_accuracy, val_reg_loss, val_reg_mae/);
    const good = parseTrainingConfig(twoHeadTraining());
    assert.deepEqual(good.config?.outputs, twoHeadTraining().outputs);
    assert.deepEqual(good.config?.dataMap, { reg: 'value' });
  });
});

/** Trains the two-head model in a fresh folder with the given config and data on the cpu engine. */
async function train(training = twoHeadTraining(), data = twoHeadData()): Promise<{ code: number; stderr: string; stdout: string; dir: string }> {
  const dir = tempDir('ms-multiio-');
  await writeTwoHeadCase(dir, training, data);
  const ws = join(dir, 'ws');
  mkdirSync(ws);
  const r = await runCli(['train', join(dir, 'model.json'), '--engine', 'cpu', '--workspace', ws, '--no-save']);
  return { ...r, dir: ws };
}

describe('several inputs and outputs: training from an npz, and its refusals', () => {
  test("trains on cpu with Keras' history keys, split into 36 training and 12 validation rows (which rows: the Keras parity test)", async () => {
    const r = await train();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /data\.npz \(training part\): 36 samples, x image \[6, 6, 1\], vec \[3\]; y cls 3 classes, reg <- value \[1\]\n\s*data\.npz \(validation split\): 12 samples/);
    assert.match(r.stdout, /Epoch 2\/2 .* loss: [\d.]+ - cls_loss: [\d.]+ - reg_loss: [\d.]+ - cls_accuracy: [\d.]+ - reg_mae: [\d.]+ - val_loss: [\d.]+ - val_cls_loss/);
  });

  test("the usage says where each output's loss and data come from", async () => {
    const r = await runCli(['train', 'model.json', '--bogus']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /several inputs\/outputs: --data npz:FILE with one array per input and output layer, named like the layer/);
    assert.match(r.stderr, /each output's loss, metrics and loss weight come from the saved config's outputs/);
  });

  test('an outputs entry that is not an output of the model', async () => {
    const t = twoHeadTraining();
    await cliRefuses(train({ ...t, outputs: { ...t.outputs, clss: { loss: 'huber', metrics: [] } } }), /outputs\.clss: "clss" is not an output of this model; its outputs are cls, reg/, /Configure Training/);
  });

  test('a data-map key that is not an input or output', async () => {
    await cliRefuses(train({ ...twoHeadTraining(), dataMap: { reg: 'value', imag: 'image' } }), /dataMap\.imag: "imag" is not an input or output of this model; they are image, vec, cls, reg/, /data map/);
  });

  test('a data-map array the file does not hold', async () => {
    await cliRefuses(train({ ...twoHeadTraining(), dataMap: { reg: 'values' } }), /sends the model output reg to the array "values", but data\.npz has no array of that name/, /it has: image, vec, cls, value/);
  });

  test('an array the file does not hold, found by the layer name', async () => {
    const { vec: _vec, ...data } = twoHeadData();
    await cliRefuses(train(twoHeadTraining(), { ...data, vector: _vec }), /data\.npz has no array "vec" for the model input vec/, /np\.savez\(path, image=\.\.\., vec=\.\.\., cls=\.\.\., reg=\.\.\.\)/);
  });

  test('arrays with different numbers of rows', async () => {
    const data = twoHeadData();
    const vec = { ...data.vec, shape: [47, 3], data: (data.vec.data as Float32Array).slice(0, 47 * 3) };
    await cliRefuses(train(twoHeadTraining(), { ...data, vec }), /different numbers of rows \(image 48, vec 47, cls 48, value 48\)/, /one row per sample/);
  });

  test('targets an output cannot learn: a class beyond its softmax, values for a sparse loss', async () => {
    const data = twoHeadData();
    const cls = { ...data.cls, data: Int32Array.from(data.cls.data as Int32Array, (v, i) => (i === 4 ? 7 : v)) };
    await cliRefuses(train(twoHeadTraining(), { ...data, cls }), /array "cls" for output cls: the label of sample 5 is 7, but the model's output has 3 units/, /at least 8 units/);
    const t = twoHeadTraining();
    await cliRefuses(train({ ...t, outputs: { ...t.outputs, reg: { loss: 'sparse_categorical_crossentropy', metrics: [] } } }), /array "value" for output reg: the label of sample 1 is -?[\d.]+, but sparse_categorical_crossentropy needs class indices/, /class labels are whole numbers/);
  });

  test('a dataset of x and y whose arrays the data map does not name', async () => {
    await cliRefuses(train({ ...twoHeadTraining(), dataset: 'xor' }), /xor[^\n]* has no array "image" for the model input image/, /map image to one of its arrays in the data map; it has: x, y/);
  });
});

describe('a built-in dataset into a model with two outputs', () => {
  test('mnist into an autoencoder with a classifier head: the data map sends the image to the decoder and the label to the classifier', async () => {
    const dir = tempDir('ms-multiio-mnist-');
    let g = emptyGraph('ae_classifier');
    const add = (className: string, name: string, config: Record<string, unknown>, inbound: string[] = []) => {
      g = addLayer(g, className, { name, config: config as never, inbound }).graph;
    };
    add('InputLayer', 'image', { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false });
    add('Flatten', 'flat', {}, ['image']);
    add('Dense', 'code', { units: 16, activation: 'relu', use_bias: true }, ['flat']);
    add('Dense', 'decoded', { units: 784, activation: 'sigmoid', use_bias: true }, ['code']);
    add('Dense', 'digit', { units: 10, activation: 'softmax', use_bias: true }, ['code']);
    g = setOutputs(g, ['decoded', 'digit']);
    const training = twoHeadTraining({
      dataset: 'mnist',
      outputs: { decoded: { loss: 'binary_crossentropy', metrics: [] }, digit: { loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], lossWeight: 0.1 } },
      dataMap: { image: 'x', decoded: 'x', digit: 'y' },
      epochs: 1,
      batchSize: 64,
      validationSplit: 0,
    });
    const file: ModelFile = { graph: g, weights: reconcileWeights(g, [], 7), ...withTraining({}, training) };
    await writeModel(join(dir, 'model.json'), file);
    const r = await runCli(['train', join(dir, 'model.json'), '--engine', 'cpu', '--workspace', dir, '--no-save', '--steps-per-epoch', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /x image <- x \[28, 28, 1\]; y decoded <- x \[28, 28, 1\], digit <- y 10 classes/);
    assert.match(r.stdout, /Epoch 1\/1 .* loss: [\d.]+ - decoded_loss: [\d.]+ - digit_loss: [\d.]+ - digit_accuracy: [\d.]+/);
  });
});
