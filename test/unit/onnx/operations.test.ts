/**
 * The Keras operations of the catalog through ONNX (import/operations.ts, export/operations.ts): element-wise
 * ONNX operators and reductions over constant axes import as Keras operations and predict what ONNX Runtime
 * computes; models with Keras operations export and run in ONNX Runtime as TF.js runs them (1e-5); what has
 * no Keras operation (another exponent, the batch axis, axes known only at run time, integer data) is refused
 * with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelFile } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { floatTensor, int64Tensor, onnx } from '../../../src/formats/onnx/proto';
import { chain } from './models';
import { input, model, refused } from './nodeGraphs';

/** Imports `bytes`, checks our prediction equals ONNX Runtime's within 1e-5, returns the imported classes. */
async function importsExactly(bytes: Uint8Array): Promise<string[]> {
  const m = importOnnx(bytes, 'm.onnx');
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  return m.graph.layers.slice(1).map((l) => l.className);
}

test('element-wise ONNX operators import as Keras operations and compute what ONNX Runtime computes', async () => {
  // Abs first keeps Sqrt and Log finite on the random inputs; Reciprocal after Exp stays away from 0.
  const bytes = model(
    [['x', ['N', 3, 4]]],
    [
      ['Abs', ['x'], 'a'],
      ['Sqrt', ['a'], 'b'],
      ['Log', ['b'], 'c'],
      ['Exp', ['c'], 'd'],
      ['Reciprocal', ['d'], 'e'],
      ['Sin', ['e'], 'f'],
      ['Cos', ['f'], 'g'],
      ['Tan', ['g'], 'h'],
      ['Erf', ['h'], 'i'],
      ['Sign', ['i'], 'j'],
      ['Floor', ['j'], 'k'],
      ['Ceil', ['k'], 'y'],
    ],
  );
  assert.deepEqual(await importsExactly(bytes), ['Absolute', 'Sqrt', 'Log', 'Exp', 'Reciprocal', 'Sin', 'Cos', 'Tan', 'Erf', 'Sign', 'Floor', 'Ceil']);
  const pow = model([['x', ['N', 5]]], [['Pow', ['x', 'two'], 'a'], ['Pow', ['a', 'half'], 'b'], ['Pow', ['b', 'one'], 'y']], [floatTensor('two', [], [2]), floatTensor('half', [], [0.5]), floatTensor('one', [], [1])]);
  assert.deepEqual(await importsExactly(pow), ['Square', 'Sqrt']);
});

test('ReduceSum / Mean / Max / Min over constant axes (attribute or input, keepdims or not) import as Sum / Mean / Max / Min', async () => {
  const attrAxes = model([['x', ['N', 3, 4, 2, 2]]], [['ReduceSum', ['x'], 'a', { axes: [-1], keepdims: 0 }], ['ReduceMax', ['a'], 'y', { axes: [1], keepdims: 1 }]]);
  const proto = onnx.ModelProto.decode(attrAxes);
  proto.opsetImport = [{ domain: '', version: 11 }];
  assert.deepEqual(await importsExactly(onnx.ModelProto.encode(proto).finish()), ['Sum', 'Max']);
  const inputAxes = model([['x', ['N', 3, 4, 2, 2]]], [['ReduceMean', ['x', 'ax'], 'a', { keepdims: 0 }], ['ReduceMin', ['a', 'ax2'], 'y']], [int64Tensor('ax', [2], [1, 3]), int64Tensor('ax2', [1], [-1])]);
  const withOpset18 = onnx.ModelProto.decode(inputAxes);
  withOpset18.opsetImport = [{ domain: '', version: 18 }];
  const m = importOnnx(onnx.ModelProto.encode(withOpset18).finish(), 'm.onnx');
  assert.deepEqual(m.graph.layers.slice(1).map((l) => [l.className, l.config.axis, l.config.keepdims]), [['Mean', [1, 3], false], ['Min', -1, true]]);
  const r = await verifyOnnxExport(m, onnx.ModelProto.encode(withOpset18).finish(), { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
});

test('what no Keras operation computes is refused with the reason, nothing imported', () => {
  const p = (k: number) => model([['x', ['N', 3]]], [['Pow', ['x', 'k'], 'y']], [floatTensor('k', [], [k])]);
  refused(p(3), /Pow n0: exponent 3 \(only 2, 0\.5, 1 or -1/);
  refused(model([['x', ['N', 3]]], [['Pow', ['x', 'k'], 'y']], [floatTensor('k', [3], [1, 2, 3])]), /Pow n0: a constant exponent other than one value/);
  refused(model([['x', ['N', 3]]], [['ReduceSum', ['x'], 'y', { axes: [0] }]]), /ReduceSum n0: over the batch axis/);
  refused(model([['x', ['N', 3]]], [['ReduceMin', ['x'], 'y']]), /ReduceMin n0: over every axis, the batch axis too/);
  refused(model([['x', ['N', 3]]], [['ReduceSum', ['x'], 'y', { axes: [2] }]]), /ReduceSum n0: axes \[2\] out of range for rank 2/);
  refused(model([['x', ['N', 3]], ['ax', ['N', 1]]], [['ReduceSum', ['x', 'ax'], 'y']]), /ReduceSum n0: axes computed at run time/);
  const intInput = onnx.ModelProto.decode(model([['x', ['N', 3]]], [['Abs', ['x'], 'y']]));
  intInput.graph!.input = [input('x', ['N', 3], onnx.TensorProto.DataType.INT64)];
  refused(onnx.ModelProto.encode(intInput).finish(), /Abs n0: on integer data/);
});

/** Exports `file`, runs it in ONNX Runtime, checks it equals TF.js within 1e-5; returns the ONNX operators. */
async function exportsExactly(file: ModelFile, opset?: number): Promise<string[]> {
  const bytes = exportOnnx(file, opset === undefined ? {} : { opset });
  const r = await verifyOnnxExport(file, bytes, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  return onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType ?? '').filter((o) => o !== 'Identity');
}

test('Keras operations export to ONNX and run in ONNX Runtime as TF.js runs them (opsets 13 and 18)', async () => {
  const elementwise = chain('ops', [3, 4], [['Absolute', {}], ['Sqrt', {}], ['Negative', {}], ['Exp', {}], ['Square', {}], ['Erf', {}]]);
  assert.deepEqual(await exportsExactly(elementwise), ['Abs', 'Sqrt', 'Neg', 'Exp', 'Mul', 'Erf']);
  for (const opset of [13, 18]) {
    const reduce = chain(`reduce_${opset}`, [3, 4, 2], [['Sum', { axis: -1 }], ['Max', { axis: [1], keepdims: true, initial: 0.5 }], ['Mean', { axis: 2 }]]);
    const ops = await exportsExactly(reduce, opset);
    assert.deepEqual(ops.filter((o) => o.startsWith('Reduce') || o === 'Max'), ['ReduceSum', 'ReduceMax', 'Max', 'ReduceMean']);
  }
});

test('Div of two tensors is Keras\' Divide operation, broadcast as ONNX Runtime does; integer data and different ranks are refused', async () => {
  const softmax = model(
    [['x', ['N', 2, 3, 4]]],
    [['ReduceMax', ['x'], 'm', { axes: [-1], keepdims: 1 }], ['Sub', ['x', 'm'], 'd'], ['Exp', ['d'], 'e'], ['ReduceSum', ['e'], 's', { axes: [-1], keepdims: 1 }], ['Div', ['e', 's'], 'y']],
  );
  const proto = onnx.ModelProto.decode(softmax);
  proto.opsetImport = [{ domain: '', version: 11 }];
  assert.deepEqual(await importsExactly(onnx.ModelProto.encode(proto).finish()), ['Max', 'Subtract', 'Exp', 'Sum', 'Divide']);
  const ints = onnx.ModelProto.decode(model([['a', ['N', 3]], ['b', ['N', 3]]], [['Div', ['a', 'b'], 'y']]));
  ints.graph!.input = [input('a', ['N', 3], onnx.TensorProto.DataType.INT8), input('b', ['N', 3], onnx.TensorProto.DataType.INT8)];
  refused(onnx.ModelProto.encode(ints).finish(), /Div n0: of integer data/);
  const relu = onnx.ModelProto.decode(model([['a', ['N', 3]], ['b', ['N', 3]]], [['Relu', ['a'], 'r'], ['Div', ['r', 'b'], 'y']]));
  relu.graph!.input = [input('a', ['N', 3], onnx.TensorProto.DataType.INT16), input('b', ['N', 3])];
  refused(onnx.ModelProto.encode(relu).finish(), /Div n1: of integer data/);
  refused(model([['a', ['N', 3, 4]], ['b', ['N', 4]]], [['Div', ['a', 'b'], 'y']]), /Div n0: of tensors of different ranks/);
});

test('Divide exports as Div and runs in ONNX Runtime as TF.js runs it', async () => {
  const file = chain('divide', [3, 4], [['Exp', {}]]);
  const g = file.graph;
  const exp = g.layers[1]!.name;
  g.layers.push({ name: 'total', className: 'Sum', config: { axis: -1, keepdims: true }, inbound: [exp] }, { name: 'share', className: 'Divide', config: {}, inbound: [exp, 'total'] });
  g.outputs = ['share'];
  assert.deepEqual((await exportsExactly(file)).filter((o) => o !== 'Transpose'), ['Exp', 'ReduceSum', 'Div']);
});

test('Clip with bounds other than a ReLU\'s is Keras\' Clip operation; a missing bound is refused; it exports as Clip', async () => {
  const bytes = model([['x', ['N', 5]]], [['Clip', ['x', 'lo', 'hi'], 'y']], [floatTensor('lo', [], [-0.5]), floatTensor('hi', [], [0.25])]);
  assert.deepEqual(await importsExactly(bytes), ['Clip']);
  refused(model([['x', ['N', 5]]], [['Clip', ['x', 'lo'], 'y']], [floatTensor('lo', [], [-0.5])]), /Clip n0: only with both bounds constant and finite, or a minimum of 0/);
  for (const opset of [13, 17]) assert.deepEqual(await exportsExactly(chain(`clip_${opset}`, [5], [['Clip', { x_min: -0.5, x_max: 0.25 }]]), opset), ['Clip']);
});

test('ReduceProd / ReduceLogSumExp are Prod / Logsumexp; ReduceL1, ReduceL2, ReduceSumSquare and ReduceLogSum chains of Keras operations; all export back', async () => {
  const bytes = model(
    [['x', ['N', 3, 4, 2]]],
    [
      ['ReduceL2', ['x'], 'a', { axes: [-1], keepdims: 1 }],
      ['ReduceLogSumExp', ['a'], 'b', { axes: [2], keepdims: 1 }],
      ['ReduceSumSquare', ['b'], 'c', { axes: [1], keepdims: 1 }],
      ['ReduceL1', ['c'], 'd', { axes: [3], keepdims: 1 }],
      ['ReduceLogSum', ['d'], 'e', { axes: [2], keepdims: 1 }],
      ['ReduceProd', ['x'], 'p', { axes: [1, 2], keepdims: 1 }],
      ['Add', ['e', 'p'], 'y'],
    ],
  );
  const proto = onnx.ModelProto.decode(bytes);
  proto.opsetImport = [{ domain: '', version: 13 }];
  const file = onnx.ModelProto.encode(proto).finish();
  assert.deepEqual(await importsExactly(file), ['Square', 'Sum', 'Sqrt', 'Logsumexp', 'Square', 'Sum', 'Absolute', 'Sum', 'Sum', 'Log', 'Prod', 'Add']);
  const ops = await exportsExactly(importOnnx(file, 'm.onnx'), 18);
  assert.deepEqual(ops.filter((o) => o.startsWith('Reduce')), ['ReduceSum', 'ReduceLogSumExp', 'ReduceSum', 'ReduceSum', 'ReduceSum', 'ReduceProd']);
  refused(model([['x', ['N', 3]]], [['ReduceL1', ['x', 'ax'], 'y', { noop_with_empty_axes: 1 }]], [int64Tensor('ax', [0], [])]), /ReduceL1 n0: noop_with_empty_axes=1 without axes/);
});
