/**
 * Shape arithmetic folded to constants (import/shapes.ts): Shape, Size, ConstantOfShape, Range and Expand, and
 * Gather / Slice / Concat / Unsqueeze / Squeeze / arithmetic / comparisons / Cast of constants, the batch size
 * carried as unknown: torch.onnx's dynamic-batch Reshape imports and predicts what ONNX Runtime computes, and
 * a value that needs the batch size (a constant as large as the batch, the batch size moved to another axis, an
 * operand) is refused with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { importOnnx } from '../../../src/formats/onnx/import';
import { int64Tensor } from '../../../src/formats/onnx/proto';
import { model, refused } from './nodeGraphs';

const ints = (name: string, v: number[], dims = [v.length]) => int64Tensor(name, dims, v);

test('Shape -> Gather -> Unsqueeze -> Concat -> Reshape (torch.onnx\'s dynamic batch) folds and imports as Flatten, as ONNX Runtime computes', async () => {
  const bytes = model(
    [['x', ['N', 3, 4]]],
    [
      ['Shape', ['x'], 's'],
      ['Gather', ['s', 'zero'], 'b', { axis: 0 }],
      ['Unsqueeze', ['b', 'axes'], 'b1'],
      ['Concat', ['b1', 'minus1'], 'target', { axis: 0 }],
      ['Reshape', ['x', 'target'], 'y'],
    ],
    [ints('zero', [0], []), ints('axes', [0]), ints('minus1', [-1])],
  );
  const m = importOnnx(bytes, 'm.onnx');
  assert.deepEqual(m.graph.layers.slice(1).map((l) => l.className), ['Flatten']);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 0 });
  assert.ok(r.ok, r.text);
});

test('Size, Slice, Range, ConstantOfShape, Expand and integer Div of folded shapes give ONNX\'s values', async () => {
  // Sizes 3 and 4 by Slice and Gather, their product halved; a 2 from ConstantOfShape, Cast and arithmetic.
  const bytes = model(
    [['x', ['N', 2, 3, 4]]],
    [
      ['Shape', ['x'], 's', { start: 1 }],
      ['Slice', ['s', 'one', 'three'], 'tail'],
      ['Gather', ['tail', 'zero'], 'h', { axis: 0 }],
      ['Gather', ['tail', 'one0'], 'w', { axis: 0 }],
      ['Mul', ['h', 'w'], 'hw'],
      ['Div', ['hw', 'two'], 'half'],
      ['Size', ['s'], 'rank'],
      ['Range', ['zero', 'rank', 'one0'], 'idx'],
      ['ConstantOfShape', ['rank1'], 'zeros'],
      ['Cast', ['zeros'], 'izeros', { to: 7 }],
      ['Add', ['izeros', 'one'], 'ones'],
      ['Unsqueeze', ['half', 'axes'], 'half1'],
      ['Mul', ['ones', 'two1'], 'two2'],
      ['Concat', ['minus1', 'two2', 'half1', 'two1'], 'target', { axis: 0 }],
      ['Expand', ['x', 'shapeOnes'], 'x2'],
      ['Reshape', ['x2', 'target'], 'y'],
    ],
    [ints('one', [1]), ints('three', [3]), ints('zero', [0], []), ints('one0', [1], []), ints('two', [2], []), ints('rank1', [1]), ints('axes', [0]), ints('minus1', [-1]), ints('two1', [2]), ints('shapeOnes', [1, 1, 1])],
  );
  const m = importOnnx(bytes, 'm.onnx');
  // Size is 3 (s is [2, 3, 4]); hw / 2 is 6; the Range is folded and unused; Expand to ones is the tensor itself.
  assert.deepEqual(m.graph.layers.slice(1).map((l) => [l.className, l.config.target_shape]), [['Reshape', [2, 6, 2]]]);
  const r = await verifyOnnxExport(m, bytes, { tolerance: 0 });
  assert.ok(r.ok, r.text);
});

test('folded values that need the batch size, or a tensor Expand grows, are refused with the reason', () => {
  const shapeOf = (rest: [string, string[], string, Record<string, number>?][], inits = [ints('zero', [0], []), ints('axes', [0])]) =>
    model([['x', ['N', 3, 4]]], [['Shape', ['x'], 's'], ['Gather', ['s', 'zero'], 'b', { axis: 0 }], ['Unsqueeze', ['b', 'axes'], 'b1'], ...rest], [...inits, ints('three', [3]), ints('four', [4]), ints('big', [3, 4, 5])]);
  refused(shapeOf([['ConstantOfShape', ['b1'], 'y']]), /ConstantOfShape n3: a tensor as large as the batch, which no constant holds/);
  refused(shapeOf([['Concat', ['three', 'b1', 'four'], 't', { axis: 0 }], ['Reshape', ['x', 't'], 'y']]), /Reshape n4: a shape that moves the batch size to another axis/);
  refused(model([['x', ['N', 3, 1]]], [['Expand', ['x', 'big'], 'y']], [ints('big', [1, 3, 5])]), /Expand n0: grows the tensor to \[1, 3, 5\]/);
  refused(model([['x', ['N', 'T', 4]]], [['Shape', ['x'], 'y']]), /Shape n0: a size known only at run time/);
  refused(model([['x', ['N', 4]]], [['Expand', ['x', 's'], 'y']]), /Expand n0: a shape computed at run time/);
});
