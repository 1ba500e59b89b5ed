/**
 * Arithmetic with a constant operand as Keras preprocessing layers (import/scaling.ts): one value is a
 * Rescaling, one value per feature a Normalization with given statistics, a following shift folds into it;
 * each checked against ONNX Runtime. What no such layer computes is refused with the reason, and nothing is made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { importOnnx } from '../../../src/formats/onnx/import';
import { floatTensor } from '../../../src/formats/onnx/proto';
import { model, refused } from './nodeGraphs';

const scalar = (name: string, v: number) => floatTensor(name, [], [v]);

async function matchesOrt(bytes: Uint8Array): Promise<string[]> {
  const m = importOnnx(bytes, 'm.onnx');
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  return m.graph.layers.slice(1).map((l) => `${l.className}${JSON.stringify(l.config)}`);
}

test('a scalar constant: x / 255 - 0.5 is one Rescaling, c - x and -x are Rescaling(-1, c), as ONNX Runtime computes', async () => {
  const div = model([['x', ['N', 4]]], [['Div', ['x', 'c'], 'h'], ['Sub', ['h', 'm'], 'y']], [scalar('c', 255), scalar('m', 0.5)]);
  assert.deepEqual(await matchesOrt(div), [`Rescaling{"scale":${1 / 255},"offset":-0.5}`]);
  const rsub = model([['x', ['N', 3, 2]]], [['Sub', ['c', 'x'], 'h'], ['Neg', ['h'], 'y']], [scalar('c', 2)]);
  assert.deepEqual(await matchesOrt(rsub), ['Rescaling{"scale":-1,"offset":2}', 'Rescaling{"scale":-1,"offset":0}']);
  const mul = model([['x', ['N', 4]]], [['Mul', ['c', 'x'], 'h'], ['Add', ['h', 'b'], 'y']], [scalar('c', -3), floatTensor('b', [1, 1], [0.25])]);
  assert.deepEqual(await matchesOrt(mul), ['Rescaling{"scale":-3,"offset":0.25}']);
});

test('a constant per feature: an NCHW x * s + b (BatchNormalization as Unsqueeze + Mul + Add) is one inverted Normalization; x - m and x / d are Normalization', async () => {
  const bn = model(
    [['x', ['N', 3, 2, 2]]],
    [['Mul', ['x', 's'], 'h'], ['Add', ['h', 'b'], 'y']],
    [floatTensor('s', [3, 1, 1], [0.5, 2, 1.5]), floatTensor('b', [3, 1, 1], [0.1, -0.2, 0.3])],
  );
  const layers = await matchesOrt(bn);
  assert.deepEqual(layers, ['Normalization{"axis":1,"mean":[0.10000000149011612,-0.20000000298023224,0.30000001192092896],"variance":[0.25,4,2.25],"invert":true}']);
  const sub = model([['x', ['N', 2, 3]]], [['Sub', ['x', 'm'], 'h'], ['Div', ['h', 'd'], 'y']], [floatTensor('m', [3], [1, 2, 3]), floatTensor('d', [3], [2, 4, 0.5])]);
  assert.deepEqual((await matchesOrt(sub)).map((l) => l.replace(/\{.*/, '')), ['Normalization', 'Normalization']);
});

test('constant operands no Keras layer computes are refused with the reason', () => {
  refused(model([['x', ['N', 4]]], [['Div', ['c', 'x'], 'y']], [scalar('c', 2)]), /Div n0: a constant divided by a tensor/);
  refused(model([['x', ['N', 4]]], [['Div', ['x', 'c'], 'y']], [scalar('c', 0)]), /Div n0: a division by zero/);
  refused(model([['x', ['N', 3]]], [['Mul', ['x', 's'], 'y']], [floatTensor('s', [3], [1, -2, 3])]), /Mul n0: a per-feature scale below 1e-7/);
  refused(model([['x', ['N', 3]]], [['Sub', ['m', 'x'], 'y']], [floatTensor('m', [3], [1, 2, 3])]), /Sub n0: a per-feature constant minus or divided by a tensor/);
  refused(model([['x', [2, 3]]], [['Add', ['x', 'b'], 'y']], [floatTensor('b', [2, 1], [1, 2])]), /Add n0: a constant of shape \[2, 1\] that is not one value per position of one axis/);
  refused(model([['x', ['N', 3]]], [['Add', ['x', 'b'], 'y']], [floatTensor('b', [2, 1, 3], [1, 2, 3, 4, 5, 6])]), /Add n0: a constant of higher rank than the tensor/);
  refused(model([['x', ['N', 3]]], [['Mul', ['x', 'c'], 'y']], [scalar('c', Number.NaN)]), /Mul n0: a constant that is not a finite number/);
});
