/** The cpu GEMM against a naive triple loop, on every remainder of its 4x4 blocking, and transpose2d. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm } from '../../../src/engine/tfjs/kernels/gemm';
import { transpose2d } from '../../../src/engine/tfjs/kernels/im2col';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

test('gemm equals the naive product for m, n = 1..9 and several k', () => {
  const r = lcg(3);
  for (const k of [1, 3, 8, 17, 1300]) {
    for (let m = 1; m <= 9; m++) {
      for (let n = 1; n <= 9; n++) {
        const a = Float32Array.from({ length: m * k }, r);
        const b = Float32Array.from({ length: k * n }, r);
        const c = new Float32Array(m * n).fill(NaN); // stale contents must not leak into the result
        gemm(a, b, m, k, n, c);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let want = 0;
            for (let p = 0; p < k; p++) want += a[i * k + p] * b[p * n + j];
            assert.ok(Math.abs(c[i * n + j] - want) <= 1e-5, `m=${m} k=${k} n=${n} [${i},${j}]: ${c[i * n + j]} vs ${want}`);
          }
        }
      }
    }
  }
});

test('transpose2d transposes non-square matrices larger than its block', () => {
  const rows = 37;
  const cols = 70;
  const a = Float32Array.from({ length: rows * cols }, (_, i) => i);
  const t = new Float32Array(rows * cols);
  transpose2d(a, rows, cols, t);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.equal(t[c * rows + r], a[r * cols + c]);
});
