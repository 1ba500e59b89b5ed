/**
 * Keras operations (core/layers/operations.ts) in Keras files: written as Keras 3 writes them (module, class as
 * registered name, name plus the constructor's arguments, no trainable/dtype, always a functional model), read
 * back the same, and read from the entries Keras 3.15 itself wrote; a reduction over the batch axis is a
 * diagnostic on the layer. (Keras loading our files and predicting what we predict: test/keras/layers.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { analyze } from '../../../src/core/analysis';
import type { Json, JsonObject } from '../../../src/core/types';
import { graphFromKerasConfig } from '../../../src/formats/keras-config-read';
import { readModel, writeModel } from '../../../src/formats/registry';
import { functionalBody } from '../../../src/core/codegen/kerasModel';
import { chain } from '../core/helpers';
import { chain as modelChain } from '../onnx/models';
import { tempDir } from './helpers';

test('a chain with Keras operations is written as a functional .keras model whose entries are Keras 3\'s, and reads back the same', async (t) => {
  const model = modelChain('ops', [3, 4], [['Absolute', {}], ['Sum', { axis: -1, keepdims: true }], ['Dense', { units: 2 }]]);
  const g = model.graph;
  const file = path.join(tempDir(t), 'ops.keras');
  await writeModel(file, model);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(file)))['config.json']!)) as JsonObject;
  assert.equal(config.class_name, 'Functional');
  const layers = (config.config as JsonObject).layers as JsonObject[];
  const { inbound_nodes: _n, ...abs } = layers[1]!;
  assert.deepEqual(abs, { module: 'keras.src.ops.numpy', class_name: 'Absolute', config: { name: 'l0' }, registered_name: 'Absolute', name: 'l0' });
  assert.deepEqual(layers[2]!.config, { name: 'l1', axis: -1, keepdims: true });
  const back = await readModel(file);
  assert.deepEqual(back.graph.layers.map((l) => [l.className, l.inbound]), g.layers.map((l) => [l.className, l.inbound]));
  assert.deepEqual(back.graph.layers[2]!.config, { axis: -1, keepdims: true });
});

test('the operation entries Keras 3.15 writes (keras.ops.absolute, .erf, .max with initial) are read as catalog entries', () => {
  const kt = (from: string, shape: Json) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [from, 0, 0] } });
  const op = (module: string, cls: string, name: string, config: JsonObject, from: string, shape: Json) => ({ module, class_name: cls, config: { name, ...config }, registered_name: cls, name, inbound_nodes: [{ args: [kt(from, shape)], kwargs: {} }] });
  const g = graphFromKerasConfig({
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 3, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
        op('keras.src.ops.numpy', 'Absolute', 'absolute', {}, 'input_layer', [null, 3, 4]),
        op('keras.src.ops.math', 'Erf', 'erf', {}, 'absolute', [null, 3, 4]),
        op('keras.src.ops.numpy', 'Max', 'max', { axis: -1, keepdims: false, initial: null }, 'erf', [null, 3, 4]),
      ],
      input_layers: [['input_layer', 0, 0]],
      output_layers: [['max', 0, 0]],
    },
    registered_name: 'Functional',
  });
  assert.deepEqual(g.layers.map((l) => l.className), ['InputLayer', 'Absolute', 'Erf', 'Max']);
  const a = analyze(g);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(a.layers.get('max')?.outputShape, [null, 3]);
});

test('a reduction over the batch axis, or over every axis (axis None), is an error on the layer with a hint', () => {
  for (const [axis, re] of [[0, /the batch axis \(0\) cannot be reduced/], [null, /axis None reduces over the batch axis too/], [[1, 1], /an axis is named twice/]] as [Json, RegExp][]) {
    const d = analyze(chain([null, 3, 4], [['Mean', { axis }]])).diagnostics.filter((x) => x.severity === 'error');
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.match(d[0]!.message, re);
    assert.ok(d[0]!.hint, 'a hint');
  }
});

test('Divide, an operation of two tensors, is written called on them as separate arguments (x1, x2), as Keras does, and reads back', async (t) => {
  const model = modelChain('div', [3, 4], [['Exp', {}]]);
  const g = model.graph;
  g.layers.push({ name: 'total', className: 'Sum', config: { axis: -1, keepdims: true }, inbound: ['l0'] }, { name: 'share', className: 'Divide', config: {}, inbound: ['l0', 'total'] });
  g.outputs = ['share'];
  const file = path.join(tempDir(t), 'div.keras');
  await writeModel(file, model);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(file)))['config.json']!)) as JsonObject;
  const entry = ((config.config as JsonObject).layers as JsonObject[]).find((l) => l.name === 'share')!;
  const args = ((entry.inbound_nodes as JsonObject[])[0]!.args as JsonObject[]).map((a) => ((a.config as JsonObject).keras_history as Json[])[0]);
  assert.deepEqual(args, ['l0', 'total']);
  const back = await readModel(file);
  assert.deepEqual(back.graph.layers.find((l) => l.name === 'share')?.inbound, ['l0', 'total']);
  assert.deepEqual(analyze(back.graph).layers.get('share')?.outputShape, [null, 3, 4]);
});

test('Divide of shapes that do not broadcast, or of different ranks, is an error on the layer', () => {
  const g = chain([null, 3, 4], [['Sum', { axis: -1 }]]);
  g.layers.push({ name: 'bad', className: 'Divide', config: {}, inbound: [g.layers[0]!.name, g.layers[1]!.name] });
  const d = analyze(g).diagnostics.filter((x) => x.severity === 'error' && x.layer === 'bad');
  assert.match(d[0]?.message ?? '', /inputs of ranks 3 and 2: the batch axes would not line up/);
});

test('Where, an operation of three tensors, and Cast are written as Keras writes them (separate arguments; dtype given), read back, and generate keras.ops calls with every argument Keras requires', async (t) => {
  const model = modelChain('where', [3, 4], [['Exp', {}]]);
  const g = model.graph;
  g.layers.push(
    { name: 'big', className: 'Greater', config: {}, inbound: ['l0', 'x'] },
    { name: 'pick', className: 'Where', config: {}, inbound: ['big', 'l0', 'x'] },
    { name: 'arg', className: 'Argmax', config: { axis: -1, keepdims: true }, inbound: ['pick'] },
    { name: 'as_float', className: 'Cast', config: { dtype: 'float32' }, inbound: ['arg'] },
  );
  g.outputs = ['as_float'];
  const file = path.join(tempDir(t), 'where.keras');
  await writeModel(file, model);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(file)))['config.json']!)) as JsonObject;
  const layers = (config.config as JsonObject).layers as JsonObject[];
  const entry = layers.find((l) => l.name === 'pick')!;
  const args = ((entry.inbound_nodes as JsonObject[])[0]!.args as JsonObject[]).map((a) => ((a.config as JsonObject).keras_history as Json[])[0]);
  assert.deepEqual(args, ['big', 'l0', 'x']);
  assert.deepEqual(layers.find((l) => l.name === 'as_float')!.config, { name: 'as_float', dtype: 'float32' });
  assert.equal(layers.find((l) => l.name === 'as_float')!.module, 'keras.src.ops.core');
  const back = await readModel(file);
  assert.deepEqual(back.graph.layers.find((l) => l.name === 'pick')?.inbound, ['big', 'l0', 'x']);
  assert.deepEqual(analyze(back.graph).layers.get('as_float')?.outputShape, [null, 3, 1]);
  const code = functionalBody(back.graph).join('\n');
  assert.match(code, /= keras\.ops\.where\(\w+, \w+, \w+\)/);
  assert.match(code, /= keras\.ops\.cast\(\w+, "float32"\)/);
  assert.match(code, /= keras\.ops\.argmax\(\w+, axis=-1, keepdims=True\)/);
});
