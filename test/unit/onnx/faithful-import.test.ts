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
import { attr, floatTensor, halfToNumber, numberToHalf, onnx, type AttrValue } from '../../../src/formats/onnx/proto';
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
  assert.deepEqual(m.graph.layers.filter((l) => l.className === 'ZeroPadding2D').map((l) => l.config.padding), [[[1, 1], [1, 1]]]);
  // ceil_mode's overhang here is Keras' 'same' split: 'same' pooling, no padding layer.
  assert.deepEqual(m.graph.layers.filter((l) => l.className === 'MaxPooling2D').map((l) => l.config.padding), ['valid', 'same']);
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

const ramp = (n: number, scale = 0.05) => Array.from({ length: n }, (_, i) => ((i * 7) % 13) * scale - 0.3);

test('Conv with group=2 (ResNeXt, ShuffleNet) is a Keras Conv2D with groups, 3-D Conv and pooling are Conv3D/MaxPooling3D, and all predict what ONNX Runtime predicts', async () => {
  const bytes = model(
    [['x', ['N', 4, 6, 5]]],
    [
      ['Conv', ['x', 'w', 'b'], 'h', { group: 2, kernel_shape: [3, 3], pads: [1, 1, 1, 1] }],
      ['Relu', ['h'], 'y'],
    ],
    [floatTensor('w', [6, 2, 3, 3], ramp(108)), floatTensor('b', [6], [0.1, -0.1, 0.2, 0, 0.3, -0.2])],
  );
  const m = importOnnx(bytes, 'grouped.onnx');
  const conv = m.graph.layers.find((l) => l.className === 'Conv2D')!;
  assert.equal(conv.config.groups, 2);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  const volume = model(
    [['x', ['N', 2, 5, 4, 6]]],
    [
      ['Conv', ['x', 'w'], 'h', { kernel_shape: [2, 2, 3], strides: [1, 2, 1] }],
      ['MaxPool', ['h'], 'y', { kernel_shape: [2, 1, 2], strides: [2, 1, 2] }],
    ],
    [floatTensor('w', [3, 2, 2, 2, 3], ramp(72))],
  );
  const v = importOnnx(volume, 'volume.onnx');
  assert.deepEqual(v.graph.layers.map((l) => l.className).filter((c) => c !== 'InputLayer' && c !== 'Permute'), ['Conv3D', 'MaxPooling3D']);
  const rv = await verifyOnnxExport(v, volume, { tolerance: 1e-5 });
  assert.ok(rv.ok, rv.text);
});

test('Conv with strides and dilations (Keras refuses both on one layer) is the stride-1 dilated Conv sampled by a 1-wide MaxPooling, as ONNX Runtime computes', async () => {
  // ONNX Runtime computes no SAME_UPPER with dilations; the spec's pads for it here (output ceil(in / stride))
  // are [2, 1, 2, 2], which it does compute.
  const dilatedConv = (pads: Record<string, AttrValue>) =>
    model(
      [['x', ['N', 2, 9, 8]]],
      [['Conv', ['x', 'w', 'b'], 'y', { kernel_shape: [3, 3], strides: [2, 3], dilations: [2, 2], ...pads }]],
      [floatTensor('w', [3, 2, 3, 3], ramp(54)), floatTensor('b', [3], [0.1, 0, -0.1])],
    );
  const variants: [Record<string, AttrValue>, Uint8Array | undefined][] = [
    [{ pads: [2, 1, 2, 1] }, undefined],
    [{ auto_pad: 'SAME_UPPER' }, dilatedConv({ pads: [2, 1, 2, 2] })],
  ];
  for (const [pads, bytes] of variants) {
    const m = importOnnx(dilatedConv(pads), 'dilated.onnx');
    const conv = m.graph.layers.find((l) => l.className === 'Conv2D')!;
    assert.deepEqual([conv.config.strides, conv.config.dilation_rate], [[1, 1], [2, 2]]);
    const pool = m.graph.layers.find((l) => l.className === 'MaxPooling2D')!;
    assert.deepEqual([pool.config.pool_size, pool.config.strides], [[1, 1], [2, 3]]);
    const r = await verifyOnnxExport(m, bytes ?? dilatedConv(pads), { tolerance: 1e-5 });
    assert.ok(r.ok, `${JSON.stringify(pads)}: ${r.text}`);
  }
});

test('Conv whose group does not divide its channels, or SAME padding with strides and dilations on an unknown size, is refused with the reason', () => {
  refused(model([['x', ['N', 4, 6, 5]]], [['Conv', ['x', 'w'], 'y', { group: 3 }]], [floatTensor('w', [6, 1, 3, 3], ramp(54))]), /Conv n0: group=3 does not divide 4 channels and 6 filters/);
  refused(
    model([['x', ['N', 2, 'H', 8]]], [['Conv', ['x', 'w'], 'y', { strides: [2, 2], dilations: [2, 2], auto_pad: 'SAME_UPPER' }]], [floatTensor('w', [3, 2, 3, 3], ramp(54))]),
    /Conv n0: 'same' padding on a dimension of unknown size/,
  );
});

/** The same graph declared at another opset. */
const atOpset = (bytes: Uint8Array, version: number) => {
  const m = onnx.ModelProto.decode(bytes);
  m.opsetImport = [{ domain: '', version }];
  return onnx.ModelProto.encode(m).finish();
};

test("PRelu before opset 7 runs a slope of C values along the channels (torch's PReLU(C) export), as ONNX Runtime computes; other slope shapes there are refused", async () => {
  const bytes = atOpset(model([['x', ['N', 3, 4, 5]]], [['PRelu', ['x', 's'], 'y']], [floatTensor('s', [3], [0.1, -0.5, 2])]), 6);
  const m = importOnnx(bytes, 'prelu6.onnx');
  const prelu = m.graph.layers.find((l) => l.className === 'PReLU')!;
  assert.ok(prelu, 'a PReLU layer');
  // ONNX Runtime has no PRelu-6; the same slope as [3, 1, 1] at opset 7 (numpy broadcasting) is its meaning.
  const reference = model([['x', ['N', 3, 4, 5]]], [['PRelu', ['x', 's'], 'y']], [floatTensor('s', [3, 1, 1], [0.1, -0.5, 2])]);
  const r = await verifyOnnxExport(m, reference, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  refused(atOpset(model([['x', ['N', 3, 4]]], [['PRelu', ['x', 's'], 'y']], [floatTensor('s', [3, 4], ramp(12))]), 6), /PRelu n0: an opset 6 slope of shape \[3,4\]/);
});

test("MaxPool and AveragePool (count_include_pad=0) whose pads or ceil_mode overhang are Keras' 'same' split are 'same' pooling (padding left out of the max and the count), as ONNX Runtime computes", async () => {
  for (const [op, extra] of [
    ['MaxPool', { ceil_mode: 1 }],
    ['AveragePool', { ceil_mode: 1 }],
    ['AveragePool', { pads: [1, 1, 1, 1] }],
  ] as [string, Record<string, AttrValue>][]) {
    const bytes = model([['x', ['N', 2, 6, 6]]], [[op, ['x'], 'y', { kernel_shape: [3, 3], strides: extra.pads ? [1, 1] : [2, 2], ...extra }]]);
    const m = importOnnx(bytes, 'pool.onnx');
    const pool = m.graph.layers.find((l) => /Pooling2D$/.test(l.className))!;
    assert.equal(pool.config.padding, 'same', `${op} ${JSON.stringify(extra)}`);
    assert.ok(!m.graph.layers.some((l) => l.className === 'ZeroPadding2D'));
    const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-5 });
    assert.ok(r.ok, `${op} ${JSON.stringify(extra)}: ${r.text}`);
  }
  // Pads plus an overhang that are not the 'same' split (6 wide, kernel 2, stride 2, one pad before) stay refused for the average.
  refused(model([['x', ['N', 2, 6, 6]]], [['AveragePool', ['x'], 'y', { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0], ceil_mode: 1 }]]), /AveragePool n0: ceil_mode=1 with a partial last window/);
});

test('CastLike to a FLOAT16 graph input (read as float32) is refused: ONNX would round to half precision', () => {
  const m = onnx.ModelProto.decode(model([['x', ['N', 4]], ['like', ['N', 4]]], [['CastLike', ['x', 'like'], 'y']]));
  m.graph!.input![1]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.FLOAT16;
  refused(onnx.ModelProto.encode(m).finish(), /CastLike n0: casts to FLOAT16 \(the type of like\), which Keras layers do not compute in/);
});
