/**
 * Trilu through ONNX (import/matrix.ts, export/matrixOps.ts): with a constant k on a tensor of rank 3 or more it
 * is Keras' Tril / Triu and predicts what ONNX Runtime computes; a k given at run time and a rank-2 tensor (rows
 * = samples) are refused with the reason; Tril and Triu export (Trilu from opset 14, a constant mask before) and
 * run in ONNX Runtime as TF.js runs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import type { JsonObject } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { int64Tensor } from '../../../src/formats/onnx/proto';
import { chain } from './models';
import { importVerified, model, refused } from './nodeGraphs';

test('Trilu with a constant k on (batch, rows, columns) is Keras\' Tril or Triu', async () => {
  const lower = await importVerified(model([['x', ['N', 3, 4]]], [['Trilu', ['x', 'k'], 'y', { upper: 0 }]], [int64Tensor('k', [], [-1])]));
  assert.deepEqual(lower.graph.layers.slice(1).map((l) => [l.className, l.config.k]), [['Tril', -1]]);
  const upper = await importVerified(model([['x', ['N', 2, 3, 4]]], [['Trilu', ['x'], 'y']]));
  assert.deepEqual(upper.graph.layers.slice(1).map((l) => [l.className, l.config.k]), [['Triu', 0]]);
});

test('Trilu that Keras\' tril / triu cannot compute per sample is refused with the reason, nothing imported', () => {
  refused(model([['x', ['N', 4]]], [['Trilu', ['x'], 'y']]), /Trilu n0: on a rank-2 tensor, whose rows are the batch axis/);
  refused(model([['x', ['N', 3, 4]], ['k', ['N', 1]]], [['Trilu', ['x', 'k'], 'y']]), /Trilu n0: k given at run time/);
});

test('Tril and Triu export to ONNX (opsets 13 and 17) and run in ONNX Runtime as TF.js runs them', async () => {
  const cases: [number, string, JsonObject][] = [[13, 'Tril', { k: 1 }], [13, 'Triu', {}], [17, 'Tril', { k: -2 }], [17, 'Triu', { k: 1 }]];
  for (const [opset, cls, config] of cases) {
    const file = chain(`tri_${opset}_${cls}`, [3, 4], [[cls, config]]);
    const r = await verifyOnnxExport(file, exportOnnx(file, { opset }), { tolerance: 1e-5 });
    assert.ok(r.ok, `${cls} ${opset}: ${r.text}`);
  }
});

test('Tril of a rank-2 input is an error on the layer: its rows would be the samples', () => {
  const g = chain('tri_rank2', [4], [['Tril', {}]]).graph;
  assert.match(analyze(g).diagnostics.map((d) => d.message).join('; '), /an input of rank 2: its matrix rows would be the batch axis/);
});
