/**
 * ONNX import says no rather than compute something else (issue 14): broadcasting over the batch axis, casts
 * that round, and the layouts TF.js runs on the last axis only (Softmax, BatchNormalization) go through a
 * Permute; `verify` takes a fixed batch size from the file. Each checked against ONNX Runtime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelFile } from '../../../src/core/types';
import { verifyModelFile, verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { attr, floatTensor, halfToNumber, numberToHalf, onnx } from '../../../src/formats/onnx/proto';
import { input, model, refused } from './nodeGraphs';
import { tempDir } from '../../helpers/paths';

test('an Add broadcasting over the batch axis ([2, 3] + [1, 3]) is refused at import, not computed otherwise', () => {
  refused(model([['a', [2, 3]], ['b', [1, 3]]], [['Add', ['a', 'b'], 'y']]), /Add n0: broadcasts over the batch axis \(batch sizes 2 and 1\)/);
});

test('Cast to float16 or a narrow integer type of float data is refused (it rounds or saturates); to int32 it is Keras\' Cast; to float it is the same tensor', () => {
  refused(model([['x', ['N', 4]]], [['Cast', ['x'], 'y', { to: onnx.TensorProto.DataType.FLOAT16 }]]), /Cast n0 to FLOAT16: Keras layers compute in float32/);
  refused(model([['x', ['N', 4]]], [['Cast', ['x'], 'y', { to: onnx.TensorProto.DataType.INT16 }]]), /Cast n0 to INT16/);
  assert.deepEqual(importOnnx(model([['x', ['N', 4]]], [['Cast', ['x'], 'y', { to: onnx.TensorProto.DataType.INT32 }]]), 'm.onnx').graph.layers[1]!.config, { dtype: 'int32' });
  const m = importOnnx(model([['x', ['N', 4]]], [['Cast', ['x'], 'c', { to: 1 }], ['Relu', ['c'], 'y']]), 'm.onnx');
  assert.deepEqual(m.graph.layers.map((l) => l.className), ['InputLayer', 'Activation']);
});

test('Selu with other alpha or gamma than Keras\' is refused; HardSigmoid only with Keras 3\'s alpha 1/6', () => {
  refused(model([['x', ['N', 4]]], [['Selu', ['x'], 'y', { alpha: { float: 2 } }]]), /Selu n0: only Keras' alpha and gamma/);
  refused(model([['x', ['N', 4]]], [['HardSigmoid', ['x'], 'y']]), /HardSigmoid n0: only alpha 1\/6/);
});

test('Softmax over a middle axis and BatchNormalization on NCHW data run on the last axis after a Permute, as ONNX Runtime computes', async () => {
  const bytes = model(
    [['x', ['N', 3, 4, 2]]],
    [
      ['BatchNormalization', ['x', 's', 'b', 'm', 'v'], 'h', { epsilon: { float: 1e-3 } }],
      ['Softmax', ['h'], 'y', { axis: 1 }],
    ],
    [floatTensor('s', [3], [0.5, 2, -1]), floatTensor('b', [3], [0.1, -0.2, 0.3]), floatTensor('m', [3], [0.2, -0.1, 0]), floatTensor('v', [3], [1, 0.5, 2])],
  );
  const m = importOnnx(bytes, 'm.onnx');
  const bn = m.graph.layers.find((l) => l.className === 'BatchNormalization')!;
  assert.equal(bn.config.axis, -1);
  assert.ok(!m.graph.layers.some((l) => l.className === 'Softmax'), 'softmax is an activation on the last axis');
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
});

test('verify takes a fixed batch size from the .onnx file (torch.onnx.export\'s default) without --batch', async () => {
  const file = path.join(tempDir(), 'fixed.onnx');
  writeFileSync(file, model([['x', [2, 3]]], [['MatMul', ['x', 'w'], 'y']], [floatTensor('w', [3, 4], Array.from({ length: 12 }, (_, i) => i / 10 - 0.5))]));
  const r = await verifyModelFile(file);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /on random inputs \[2, 3\]/);
});

test('MaxPool with pads or ceil_mode after a Relu (ResNet\'s stem, SqueezeNet) is ZeroPadding + valid pooling, as ONNX Runtime computes', async () => {
  const bytes = model(
    [['x', ['N', 2, 8, 8]]],
    [
      ['Relu', ['x'], 'r'],
      ['MaxPool', ['r'], 'p', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
      ['MaxPool', ['p'], 'y', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
    ],
  );
  const m = importOnnx(bytes, 'm.onnx');
  assert.deepEqual(m.graph.layers.filter((l) => l.className === 'ZeroPadding2D').map((l) => l.config.padding), [[[1, 1], [1, 1]], [[0, 1], [0, 1]]]);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-6 });
  assert.ok(r.ok, r.text);
});

test('explicit pads are refused where zeros are not what ONNX pads with: MaxPool on signed data, AveragePool excluding pads', () => {
  refused(model([['x', ['N', 2, 8, 8]]], [['MaxPool', ['x'], 'y', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }]]), /MaxPool n0: explicit pads on data that may be negative/);
  refused(model([['x', ['N', 2, 8, 8]]], [['AveragePool', ['x'], 'y', { kernel_shape: [3, 3], pads: [1, 0, 1, 0] }]]), /AveragePool n0: explicit pads with count_include_pad=0/);
});

test('ReduceMean over the spatial axes (torch\'s dynamo AdaptiveAvgPool2d(1)) is a global pooling; other axes are refused', async () => {
  const axes = (v: number[]) => ({ name: 'ax', dims: [v.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: v });
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 18 }],
    graph: {
      name: 'g',
      input: [input('x', [1, 3, 5, 4])],
      initializer: [axes([-1, -2])],
      node: [
        { name: 'mean', opType: 'ReduceMean', input: ['x', 'ax'], output: ['m'], attribute: [attr('keepdims', 1)] },
        { name: 'flat', opType: 'Flatten', input: ['m'], output: ['y'] },
      ],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  }).finish();
  const m = importOnnx(bytes, 'm.onnx');
  assert.ok(m.graph.layers.some((l) => l.className === 'GlobalAveragePooling2D'));
  const r = await verifyOnnxExport(m, bytes, { batch: 1, tolerance: 1e-6 });
  assert.ok(r.ok, r.text);
  // Other axes are Keras' Mean operation (operations.ts), the batch axis is refused.
  assert.equal(importOnnx(model([['x', ['N', 3, 5]]], [['ReduceMean', ['x'], 'y', { axes: [1, 2] }]]), 'm.onnx').graph.layers[1]!.className, 'Mean');
  refused(model([['x', ['N', 3, 5]]], [['ReduceMean', ['x'], 'y', { axes: [0, 1] }]]), /ReduceMean n0: over the batch axis/);
});

test('a model that is only an input exports to a valid ONNX graph (its output named apart) and reads back', async () => {
  const m: ModelFile = {
    graph: { name: 'm', kind: 'Functional', layers: [{ name: 'x', className: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32' }, inbound: [] }], inputs: ['x'], outputs: ['x'] },
    weights: [],
  };
  const bytes = exportOnnx(m);
  const r = await verifyOnnxExport(m, bytes);
  assert.ok(r.ok, r.text);
  assert.deepEqual(importOnnx(bytes, 'm.onnx').graph.outputs, ['x']);
});

test('float16 files: weights read, inputs fed as float16, outputs compared as numbers (verify)', async () => {
  const F16 = onnx.TensorProto.DataType.FLOAT16;
  const w = Array.from({ length: 8 }, (_, i) => i / 8 - 0.4);
  const bits = Uint16Array.from(w, numberToHalf);
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      input: [input('x', ['N', 4], F16)],
      initializer: [{ name: 'w', dims: [4, 2], dataType: F16, rawData: new Uint8Array(bits.buffer) }],
      node: [{ name: 'mm', opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
      output: [{ name: 'y', type: { tensorType: { elemType: F16 } } }],
    },
  }).finish();
  const m = importOnnx(bytes, 'half.onnx');
  assert.deepEqual(Array.from(m.weights[0]!.data), Array.from(bits, halfToNumber));
  const file = path.join(tempDir(), 'half.onnx');
  writeFileSync(file, bytes);
  // ONNX Runtime multiplies in float16: within its precision, not float32's.
  const r = await verifyModelFile(file, { tolerance: 5e-3 });
  assert.ok(r.ok, r.text);
});

test('Subtract runs on the TF.js engine (first input minus second) and matches ONNX Runtime\'s Sub after export', async () => {
  const layer = (name: string, className: string, config: Record<string, unknown>, inbound: string[]) => ({ name, className, config, inbound });
  const m = {
    graph: {
      name: 'm',
      kind: 'Functional',
      layers: [
        layer('a', 'InputLayer', { batch_input_shape: [null, 3], dtype: 'float32' }, []),
        layer('b', 'InputLayer', { batch_input_shape: [null, 3], dtype: 'float32' }, []),
        layer('d', 'Subtract', {}, ['a', 'b']),
      ],
      inputs: ['a', 'b'],
      outputs: ['d'],
    },
    weights: [],
  } as unknown as ModelFile;
  const bytes = exportOnnx(m);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-7 });
  assert.ok(r.ok, r.text);
  assert.equal(importOnnx(bytes, 'm.onnx').graph.layers.find((l) => l.name !== 'a' && l.name !== 'b')?.className, 'Subtract');
});
