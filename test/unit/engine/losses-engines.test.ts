/**
 * Every loss gives the same values on each CPU engine: the Keras suite compares the cpu backend with Keras,
 * and the engines' own kernels must not depart from it (tfjs-backend-wasm's OneHot once turned every sparse
 * crossentropy into denormal garbage there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { LOSS_IDS, lossFn } from '../../../src/engine/tfjs/training/losses';

const yTrueDense = [
  [0, 1, 0],
  [1, 0, 0],
];
const yPred = [
  [0.2, 0.7, 0.1],
  [0.5, 0.3, 0.2],
];

test('each loss is equal on the cpu and wasm engines (1e-6)', async () => {
  const values: Record<string, Record<string, number[]>> = {};
  for (const engine of ['cpu', 'wasm'] as const) {
    const { tf } = await loadEngine(engine);
    values[engine] = {};
    for (const id of LOSS_IDS) {
      const sparse = id.startsWith('sparse_');
      const t = sparse ? tf.tensor1d([1, 0], 'int32') : tf.tensor2d(yTrueDense);
      const out = lossFn(tf, id)(t, tf.tensor2d(yPred));
      values[engine][id] = Array.from(await out.data());
      tf.dispose([t, out]);
    }
  }
  for (const id of LOSS_IDS) {
    const [c, w] = [values.cpu[id], values.wasm[id]];
    assert.equal(c.length, w.length, id);
    c.forEach((v, i) => assert.ok(Math.abs(v - w[i]) <= 1e-6 * Math.max(1, Math.abs(v)), `${id}: cpu ${v}, wasm ${w[i]}`));
  }
  assert.ok(values.wasm.sparse_categorical_crossentropy[0] > 0.3, 'a sparse crossentropy of a 0.7 prediction is -log 0.7');
});
