/**
 * RMSNormalization through ONNX (import/rmsNormalization.ts, export/rmsNormalization.ts): the opset 23 operator
 * with a constant scale imports as Keras' RMSNormalization and predicts what ONNX Runtime computes; a run-time
 * scale, a broadcast scale and the batch axis are refused with the reason; the layer exports (opsets 13, 17 and
 * 18) and runs in ONNX Runtime as TF.js runs it; the catalog refuses axes that are not the last ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import type { JsonObject } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { floatTensor, onnx } from '../../../src/formats/onnx/proto';
import { chain } from './models';
import { importVerified, model, refused } from './nodeGraphs';

const ramp = (n: number) => Array.from({ length: n }, (_, i) => 0.5 + (i % 7) / 4);

function opset23(bytes: Uint8Array): Uint8Array {
  const proto = onnx.ModelProto.decode(bytes);
  proto.opsetImport = [{ domain: '', version: 23 }];
  proto.irVersion = 10;
  return onnx.ModelProto.encode(proto).finish();
}

test('RMSNormalization with a constant scale is Keras\' RMSNormalization, over the last axis or the last two', async () => {
  const last = await importVerified(opset23(model([['x', ['N', 3, 5]]], [['RMSNormalization', ['x', 'w'], 'y']], [floatTensor('w', [5], ramp(5))])));
  assert.deepEqual(last.graph.layers.slice(1).map((l) => [l.className, l.config.axis, l.config.epsilon]), [['RMSNormalization', -1, 1e-5]]);
  const two = await importVerified(opset23(model([['x', ['N', 2, 3, 4]]], [['RMSNormalization', ['x', 'w'], 'y', { axis: -2, epsilon: { float: 0.1 } }]], [floatTensor('w', [3, 4], ramp(12))])));
  assert.deepEqual(two.graph.layers[1]!.config.axis, [2, 3]);
});

test('RMSNormalization that Keras\' layer does not compute is refused with the reason, nothing imported', () => {
  refused(opset23(model([['x', ['N', 3, 5]], ['w', ['N', 5]]], [['RMSNormalization', ['x', 'w'], 'y']])), /RMSNormalization n0: scale must be a constant/);
  refused(opset23(model([['x', ['N', 3, 5]]], [['RMSNormalization', ['x', 'w'], 'y', { axis: 1 }]], [floatTensor('w', [5], ramp(5))])), /RMSNormalization n0: scale of 5 values for a normalized shape of 15 \(only the full shape\)/);
  refused(opset23(model([['x', ['N', 3, 5]]], [['RMSNormalization', ['x', 'w'], 'y', { axis: 0 }]], [floatTensor('w', [5], ramp(5))])), /RMSNormalization n0: axis 0 takes in the batch axis/);
});

test('RMSNormalization exports to ONNX and runs in ONNX Runtime as TF.js runs it (opsets 13, 17, 18)', async () => {
  const cases: [number, JsonObject][] = [[13, {}], [17, { axis: [-2, -1], epsilon: 0.1 }], [18, { axis: -1 }]];
  for (const [opset, config] of cases) {
    const file = chain(`rms_${opset}`, [3, 4], [['RMSNormalization', config]]);
    const r = await verifyOnnxExport(file, exportOnnx(file, { opset }), { tolerance: 1e-5 });
    assert.ok(r.ok, r.text);
  }
});

test('RMSNormalization over an axis that is not the last is an error on the layer (Keras lines scale up with the last axes)', () => {
  const g = chain('rms_axis', [3, 4], [['RMSNormalization', { axis: 1 }]]).graph;
  assert.match(analyze(g).diagnostics.map((d) => d.message).join('; '), /axes \[1\] of a rank-3 input are not the last ones/);
});
