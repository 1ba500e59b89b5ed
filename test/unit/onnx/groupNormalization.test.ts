/**
 * InstanceNormalization and GroupNormalization with constant scale and bias as Keras' GroupNormalization,
 * LpNormalization p 2 as UnitNormalization and p 1 as Normalize (import/groupNormalization.ts): they predict what ONNX Runtime
 * computes; run-time scale and bias, p 3, the batch axis and mismatched sizes are refused with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import type { JsonObject } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { floatTensor, onnx } from '../../../src/formats/onnx/proto';
import { chain } from './models';
import { importVerified, model, refused } from './nodeGraphs';

const ramp = (n: number, k: number) => Array.from({ length: n }, (_, i) => 0.5 + ((i * k) % 7) / 5);

function atOpset(bytes: Uint8Array, opset: number): Uint8Array {
  const proto = onnx.ModelProto.decode(bytes);
  proto.opsetImport = [{ domain: '', version: opset }];
  proto.irVersion = opset >= 21 ? 10 : 8;
  return onnx.ModelProto.encode(proto).finish();
}

const importsExactly = async (bytes: Uint8Array) => (await importVerified(bytes)).graph.layers.slice(1).map((l) => l.className);

test('InstanceNormalization with constant scale and bias is GroupNormalization with one group per channel', async () => {
  const bytes = model([['x', ['N', 4, 5, 3]]], [['InstanceNormalization', ['x', 's', 'b'], 'y', { epsilon: { float: 0.01 } }]], [floatTensor('s', [4], ramp(4, 3)), floatTensor('b', [4], ramp(4, 5))]);
  assert.deepEqual(await importsExactly(bytes), ['Permute', 'GroupNormalization', 'Permute']);
  const gn = importOnnx(bytes, 'm.onnx').graph.layers.find((l) => l.className === 'GroupNormalization')!;
  assert.deepEqual([gn.config.groups, gn.config.epsilon], [4, Math.fround(0.01)]);
});

test('GroupNormalization: per-channel scale (opset 21) and per-group scale (opset 18) import as Keras GroupNormalization', async () => {
  const perChannel = model([['x', ['N', 6, 5]]], [['GroupNormalization', ['x', 's', 'b'], 'y', { num_groups: 2 }]], [floatTensor('s', [6], ramp(6, 3)), floatTensor('b', [6], ramp(6, 2))]);
  assert.deepEqual(await importsExactly(atOpset(perChannel, 21)), ['Permute', 'GroupNormalization', 'Permute']);
  const perGroup = model([['x', ['N', 6, 5]]], [['GroupNormalization', ['x', 's', 'b'], 'y', { num_groups: 3 }]], [floatTensor('s', [3], [0.5, 1.5, 2]), floatTensor('b', [3], [0.1, -0.2, 0.3])]);
  const m = importOnnx(atOpset(perGroup, 18), 'm.onnx');
  const r = await verifyOnnxExport(m, atOpset(perGroup, 18), { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  assert.deepEqual(Array.from(m.weights.find((w) => w.name.endsWith('/gamma'))!.data), [0.5, 0.5, 1.5, 1.5, 2, 2]);
});

test('LpNormalization over a non-batch axis: p 2 is UnitNormalization, p 1 Keras\' Normalize operation of order 1', async () => {
  assert.deepEqual(await importsExactly(model([['x', ['N', 3, 4]]], [['LpNormalization', ['x'], 'y', { axis: 1 }]])), ['UnitNormalization']);
  assert.deepEqual(await importsExactly(model([['x', ['N', 3, 4]]], [['LpNormalization', ['x'], 'y']])), ['UnitNormalization']);
  assert.deepEqual(await importsExactly(model([['x', ['N', 3, 4]]], [['LpNormalization', ['x'], 'y', { p: 1, axis: 1 }]])), ['Normalize']);
});

test('what these Keras layers do not compute is refused with the reason, nothing imported', () => {
  refused(model([['x', ['N', 4, 5]], ['s', ['N', 4]]], [['InstanceNormalization', ['x', 's', 'b'], 'y']], [floatTensor('b', [4], ramp(4, 1))]), /InstanceNormalization n0: scale and bias must be constants \(initializers\)/);
  refused(model([['x', ['N', 4, 5]]], [['InstanceNormalization', ['x', 's', 'b'], 'y']], [floatTensor('s', [3], ramp(3, 1)), floatTensor('b', [3], ramp(3, 1))]), /InstanceNormalization n0: 3 scale values for 4 channels/);
  refused(model([['x', ['N', 4, 5]]], [['InstanceNormalization', ['x', 's', 'b'], 'y']], [floatTensor('s', [4], ramp(4, 1)), floatTensor('b', [2], ramp(2, 1))]), /InstanceNormalization n0: scale and bias of different sizes/);
  refused(atOpset(model([['x', ['N', 6, 5]]], [['GroupNormalization', ['x', 's', 'b'], 'y']], [floatTensor('s', [6], ramp(6, 1)), floatTensor('b', [6], ramp(6, 1))]), 21), /GroupNormalization n0: num_groups 0/);
  refused(model([['x', ['N', 3]]], [['LpNormalization', ['x'], 'y', { p: 3 }]]), /LpNormalization n0: p 3 \(only 1 and 2\)/);
  refused(model([['x', ['N', 3]]], [['LpNormalization', ['x'], 'y', { axis: 0 }]]), /LpNormalization n0: axis 0 is the batch axis/);
  refused(model([['x', ['N', 3]]], [['LayerNormalization', ['x', 's'], 'y', { axis: 0 }]], [floatTensor('s', [3], ramp(3, 1))]), /LayerNormalization n0: axis 0 takes in the batch axis/);
});

test('Keras\' Normalize operation exports to ONNX (orders 1 and 2; opsets 13 and 18) and runs in ONNX Runtime as TF.js runs it', async () => {
  const cases: [number, JsonObject][] = [[13, { order: 1, axis: 1 }], [18, { order: 1 }], [13, {}], [18, { order: 2, epsilon: 0.5 }]];
  for (const [opset, config] of cases) {
    const file = chain(`normalize_${opset}`, [3, 4], [['Normalize', config]]);
    const r = await verifyOnnxExport(file, exportOnnx(file, { opset }), { tolerance: 1e-5 });
    assert.ok(r.ok, `${JSON.stringify(config)} ${opset}: ${r.text}`);
  }
  assert.match(analyze(chain('normalize_batch', [3], [['Normalize', { axis: 0 }]]).graph).diagnostics.map((d) => d.message).join('; '), /cannot normalize along the batch axis/);
});
