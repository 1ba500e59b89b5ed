/**
 * ONNX comparisons, logic, Where, Mod, Pow of two tensors, ArgMax / ArgMin and Cast as the Keras operations of
 * the catalog (import/operations.ts, export/operations.ts), CastLike and constants folded, Split as Cropping2D:
 * they import and predict what ONNX Runtime computes (booleans and indices exactly), export and run in ONNX
 * Runtime as TF.js runs them, and what Keras cannot compute the same way (a constant operand, other ranks,
 * broadcasting over the batch axis, C's fmod, the last of equal values, the batch axis, sizes known only at run
 * time, a malformed node) is refused with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelFile } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { floatTensor, int64Tensor, onnx } from '../../../src/formats/onnx/proto';
import { graph } from '../core/helpers';
import { input, model, refused } from './nodeGraphs';

const INT32 = onnx.TensorProto.DataType.INT32;
const int64 = (name: string, v: number[]) => int64Tensor(name, [v.length], v);

/** Imports `bytes`, checks our prediction equals ONNX Runtime's exactly, returns the imported classes. */
async function importsExactly(bytes: Uint8Array): Promise<string[]> {
  const m = importOnnx(bytes, 'm.onnx');
  const r = await verifyOnnxExport(m, bytes, { tolerance: 0 });
  assert.ok(r.ok, r.text);
  return m.graph.layers.filter((l) => l.className !== 'InputLayer').map((l) => l.className);
}

function withInputTypes(bytes: Uint8Array, types: Record<string, number>): Uint8Array {
  const p = onnx.ModelProto.decode(bytes);
  p.graph!.input = p.graph!.input!.map((i) => (types[i.name!] ? input(i.name!, (i.type!.tensorType!.shape!.dim ?? []).map((d) => (d.dimParam ? 'N' : Number(d.dimValue))), types[i.name!]!) : i));
  return onnx.ModelProto.encode(p).finish();
}

test('comparisons, logic and Where of tensors import as Keras operations and give ONNX Runtime\'s booleans and values exactly', async () => {
  const bytes = model(
    [['a', ['N', 3, 4]], ['b', ['N', 3, 4]]],
    [
      ['Less', ['a', 'b'], 'lt'],
      ['GreaterOrEqual', ['a', 'b'], 'ge'],
      ['Xor', ['lt', 'ge'], 'x'],
      ['Not', ['x'], 'nx'],
      ['Greater', ['a', 'b'], 'gt'],
      ['LessOrEqual', ['a', 'b'], 'le'],
      ['And', ['gt', 'le'], 'never'],
      ['Equal', ['a', 'b'], 'eq'],
      ['Or', ['never', 'eq'], 'o'],
      ['Or', ['o', 'nx'], 'c'],
      ['Where', ['c', 'a', 'b'], 'y'],
    ],
  );
  assert.deepEqual(await importsExactly(bytes), ['Less', 'GreaterEqual', 'LogicalXor', 'LogicalNot', 'Greater', 'LessEqual', 'LogicalAnd', 'Equal', 'LogicalOr', 'LogicalOr', 'Where']);
});

test('ArgMax / ArgMin along one axis, Mod of integers and Pow with a tensor exponent import exactly', async () => {
  for (const [op, attrs, config] of [['ArgMax', { axis: 1, keepdims: 1 }, ['Argmax', 1, true]], ['ArgMin', { axis: -1, keepdims: 0 }, ['Argmin', -1, false]]] as const) {
    const p = onnx.ModelProto.decode(model([['x', ['N', 3, 4]]], [[op, ['x'], 'y', attrs]]));
    p.graph!.output![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.INT64;
    const arg = onnx.ModelProto.encode(p).finish();
    const m = importOnnx(arg, 'm.onnx');
    assert.deepEqual(m.graph.layers.slice(1).map((l) => [l.className, l.config.axis, l.config.keepdims]), [config]);
    const r = await verifyOnnxExport(m, arg, { tolerance: 0 });
    assert.ok(r.ok, r.text);
  }
  const mod = withInputTypes(model([['a', ['N', 5]], ['b', ['N', 5]]], [['Mod', ['a', 'b'], 'y']]), { a: INT32, b: INT32 });
  const mm = importOnnx(mod, 'm.onnx');
  assert.deepEqual(mm.graph.layers.slice(2).map((l) => l.className), ['Mod']);
  const pow = model([['a', ['N', 5]], ['b', ['N', 5]]], [['Abs', ['a'], 'p'], ['Pow', ['p', 'b'], 'y']]);
  const m2 = importOnnx(pow, 'm.onnx');
  assert.deepEqual(m2.graph.layers.slice(2).map((l) => l.className), ['Absolute', 'Power']);
  const r = await verifyOnnxExport(m2, pow, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
});

test('what these Keras operations cannot compute as ONNX does is refused with the reason', () => {
  refused(model([['a', ['N', 3]]], [['Less', ['a', 'k'], 'y']], [floatTensor('k', [], [0])]), /Less n0: a constant operand/);
  refused(model([['a', ['N', 3, 4]], ['b', ['N', 4]]], [['Equal', ['a', 'b'], 'y']]), /Equal n0: inputs of ranks 3, 2 \(ONNX aligns them from the last axis/);
  refused(model([['a', [1, 3]], ['b', [2, 3]]], [['Greater', ['a', 'b'], 'y']]), /Greater n0: broadcasts over the batch axis \(batch sizes 1 and 2\)/);
  refused(model([['a', ['N', 3]], ['b', ['N', 3]]], [['Mod', ['a', 'b'], 'y', { fmod: 1 }]]), /Mod n0: fmod=1 \(C's fmod/);
  refused(model([['x', ['N', 3]]], [['ArgMax', ['x'], 'y']]), /ArgMax n0: along the batch axis/);
  refused(model([['x', ['N', 3]]], [['ArgMin', ['x'], 'y', { axis: 1, select_last_index: 1 }]]), /ArgMin n0: select_last_index=1 \(the last of equal values; Keras' argmin gives the first\)/);
  refused(model([['x', ['N', 3]]], [['ArgMax', ['x'], 'y', { axis: 2 }]]), /ArgMax n0: axis 2 out of range for rank 2/);
  refused(withInputTypes(model([['a', ['N', 3]], ['b', ['N', 3]]], [['Pow', ['a', 'b'], 'y']]), { a: INT32 }), /Pow n0: an integer base with a float exponent/);
  // A malformed node: Where with two inputs.
  refused(model([['c', ['N', 3]], ['a', ['N', 3]]], [['Where', ['c', 'a'], 'y']]), /Where n0: 2 inputs \(it takes 3\)/);
});

/** Exports `file`, runs it in ONNX Runtime, checks it equals TF.js within `tol`; returns the ONNX operators. */
async function exportsExactly(file: ModelFile, tol = 0): Promise<string[]> {
  const bytes = exportOnnx(file);
  const r = await verifyOnnxExport(file, bytes, { tolerance: tol });
  assert.ok(r.ok, r.text);
  return onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType ?? '').filter((o) => o !== 'Identity');
}

test('comparisons, logic, Where, Argmax, Mod and Power export to ONNX and run in ONNX Runtime as TF.js runs them', async () => {
  const two = (cls: string, more: [string, string, Record<string, unknown>, string[]][] = []) =>
    ({ graph: graph([['a', 'InputLayer', { batch_input_shape: [null, 3, 4] }, []], ['b', 'InputLayer', { batch_input_shape: [null, 3, 4] }, []], ['op', cls, {}, ['a', 'b']], ...more] as never, [more.length ? more[more.length - 1]![0] : 'op'], cls), weights: [] }) as ModelFile;
  assert.deepEqual(await exportsExactly(two('Less', [['not', 'LogicalNot', {}, ['op']], ['pick', 'Where', {}, ['not', 'a', 'b']]])), ['Less', 'Not', 'Where']);
  // Logic of float tensors reads non-zero as true: a Cast to BOOL first.
  assert.deepEqual(await exportsExactly(two('LogicalXor')), ['Cast', 'Cast', 'Xor']);
  assert.deepEqual(await exportsExactly(two('GreaterEqual', [['eq', 'Equal', {}, ['op', 'op']]])), ['GreaterOrEqual', 'Equal']);
  const arg: ModelFile = { graph: graph([['a', 'InputLayer', { batch_input_shape: [null, 3, 4] }, []], ['op', 'Argmax', { axis: 1, keepdims: true }, ['a']]], ['op'], 'arg'), weights: [] };
  assert.deepEqual(await exportsExactly(arg), ['ArgMax', 'Cast']);
  // Float Mod: ONNX's fmod moved to the divisor's sign, as numpy's mod.
  assert.ok((await exportsExactly(two('Mod'), 1e-5)).includes('Mod'));
  const power: ModelFile = { graph: graph([['a', 'InputLayer', { batch_input_shape: [null, 3, 4] }, []], ['b', 'InputLayer', { batch_input_shape: [null, 3, 4] }, []], ['abs', 'Absolute', {}, ['a']], ['op', 'Power', {}, ['abs', 'b']]], ['op'], 'power'), weights: [] };
  assert.deepEqual(await exportsExactly(power, 1e-5), ['Abs', 'Pow']);
});

test('Cast changes values only where Keras\' Cast does: booleans and floats to int32 or float32, non-zero to bool; same-type casts are no layer', async () => {
  const bytes = model(
    [['a', ['N', 3, 4]], ['b', ['N', 3, 4]]],
    [
      ['Cast', ['a'], 'same', { to: onnx.TensorProto.DataType.FLOAT }],
      ['Less', ['same', 'b'], 'lt'],
      ['Cast', ['lt'], 'f', { to: onnx.TensorProto.DataType.FLOAT }],
      ['Add', ['f', 'b'], 'sum'],
      ['Cast', ['sum'], 'i', { to: onnx.TensorProto.DataType.INT32 }],
      ['Cast', ['i'], 'y', { to: onnx.TensorProto.DataType.FLOAT }],
    ],
  );
  assert.deepEqual(await importsExactly(bytes), ['Less', 'Cast', 'Add', 'Cast', 'Cast']);
  const m = importOnnx(bytes, 'm.onnx');
  assert.deepEqual(m.graph.layers.filter((l) => l.className === 'Cast').map((l) => l.config.dtype), ['float32', 'int32', 'float32']);
  const toBool = model([['a', ['N', 3]], ['b', ['N', 3]]], [['Cast', ['a'], 'c', { to: onnx.TensorProto.DataType.BOOL }], ['Where', ['c', 'a', 'b'], 'y']]);
  assert.deepEqual(await importsExactly(toBool), ['Cast', 'Where']);
  // int64 from floats: values past int32 would differ (Keras tensors here hold int32).
  refused(model([['a', ['N', 3]]], [['Cast', ['a'], 'y', { to: onnx.TensorProto.DataType.INT64 }]]), /Cast n0 to INT64: Keras layers compute in float32/);
  // Integer data from a Cast: the layers that compute in float refuse it, as for integer inputs.
  refused(model([['a', ['N', 3]], ['b', ['N', 3]]], [['Cast', ['a'], 'i', { to: onnx.TensorProto.DataType.INT32 }], ['Cast', ['b'], 'j', { to: onnx.TensorProto.DataType.INT32 }], ['Div', ['i', 'j'], 'y']]), /Div n2: of integer data/);
});

test('CastLike to a tensor\'s type, Constant numbers and element-wise functions of constants fold to constants', async () => {
  const bytes = model(
    [['x', ['N', 3]]],
    [
      ['Constant', [], 'two', { value_float: { float: 2 } }],
      ['Sqrt', ['two'], 'root'],
      ['CastLike', ['root', 'x'], 'k'],
      ['Mul', ['x', 'k'], 'y'],
    ],
  );
  const m = importOnnx(bytes, 'm.onnx');
  assert.deepEqual(m.graph.layers.slice(1).map((l) => [l.className, l.config.scale]), [['Rescaling', Math.fround(Math.SQRT2)]]);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-6 });
  assert.ok(r.ok, r.text);
  refused(model([['x', ['N', 3]]], [['CastLike', ['x', 'k'], 'y']], [floatTensor('k', [], [1])]), /CastLike n0: the type to cast to is a constant's or unknown/);
  refused(model([['x', ['N', 3]]], [['Constant', [], 'y', { value_string: 'a' }]]), /Constant n0: only tensor and number values are supported/);
});

test('Cast exports as ONNX Cast and runs in ONNX Runtime as TF.js runs it', async () => {
  const file: ModelFile = {
    graph: graph([['a', 'InputLayer', { batch_input_shape: [null, 3, 4] }, []], ['i', 'Cast', { dtype: 'int32' }, ['a']], ['b', 'Cast', { dtype: 'bool' }, ['i']], ['f', 'Cast', { dtype: 'float32' }, ['b']]], ['f'], 'cast'),
    weights: [],
  };
  assert.deepEqual(await exportsExactly(file), ['Cast', 'Cast', 'Cast']);
});

/** `bytes` with `names` as its graph outputs (float). */
function withOutputs(bytes: Uint8Array, names: string[]): Uint8Array {
  const p = onnx.ModelProto.decode(bytes);
  p.graph!.output = names.map((name) => ({ name, type: { tensorType: { elemType: 1 } } }));
  return onnx.ModelProto.encode(p).finish();
}

test('Split along a known axis imports as Cropping2D of the tensor seen as (batch, before, axis, after) and gives ONNX Runtime\'s parts exactly', async () => {
  const given = withOutputs(model([['x', ['N', 2, 5, 3]]], [['Split', ['x', 's'], 'a', { axis: 2 }]], [int64('s', [2, 3])]), ['a', 'b']);
  const p = onnx.ModelProto.decode(given);
  p.graph!.node![0]!.output = ['a', 'b'];
  const bytes = onnx.ModelProto.encode(p).finish();
  const m = importOnnx(bytes, 'm.onnx');
  assert.deepEqual(m.graph.layers.slice(1).map((l) => [l.className, l.config.cropping ?? l.config.target_shape]), [['Cropping2D', [[0, 0], [0, 3]]], ['Cropping2D', [[0, 0], [2, 0]]]]);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 0 });
  assert.ok(r.ok, r.text);
  // Opset 18's num_outputs: equal parts, the last smaller; a rank-3 tensor is seen through a Reshape.
  const q = onnx.ModelProto.decode(model([['x', ['N', 7, 2]]], [['Split', ['x'], 'a', { axis: -2, num_outputs: 3 }]]));
  q.opsetImport = [{ domain: '', version: 18 }];
  q.graph!.node![0]!.output = ['a', 'b', 'c'];
  const three = withOutputs(onnx.ModelProto.encode(q).finish(), ['a', 'b', 'c']);
  const m3 = importOnnx(three, 'm.onnx');
  assert.deepEqual(m3.graph.layers.filter((l) => l.className === 'Cropping2D').map((l) => l.config.cropping), [[[0, 0], [0, 4]], [[0, 0], [3, 1]], [[0, 0], [6, 0]]]);
  const r3 = await verifyOnnxExport(m3, three, { tolerance: 0 });
  assert.ok(r3.ok, r3.text);
});

test('Split along the batch axis, of sizes known only at run time, or into parts that do not add up is refused with the reason', () => {
  const two = (bytes: Uint8Array) => {
    const p = onnx.ModelProto.decode(bytes);
    p.graph!.node![0]!.output = ['a', 'b'];
    return withOutputs(onnx.ModelProto.encode(p).finish(), ['a', 'b']);
  };
  refused(two(model([['x', ['N', 4]]], [['Split', ['x'], 'a']])), /Split n0: along the batch axis/);
  refused(two(model([['x', ['N', 4]], ['s', ['N', 2]]], [['Split', ['x', 's'], 'a', { axis: 1 }]])), /Split n0: the sizes of the parts are computed at run time/);
  refused(two(model([['x', ['N', 4]]], [['Split', ['x', 's'], 'a', { axis: 1 }]], [int64('s', [1, 2])])), /Split n0: parts \[1, 2\] do not cut 4 values into 2 non-empty outputs/);
  refused(two(model([['x', ['N', 'T', 4]]], [['Split', ['x'], 'a', { axis: 2 }]])), /Split n0: of a tensor with sizes known only at run time/);
  refused(two(model([['x', ['N', 5]]], [['Split', ['x'], 'a', { axis: 1 }]])), /Split n0: 2 equal parts of 5 values/);
});
