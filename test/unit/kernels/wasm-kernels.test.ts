/**
 * Our own wasm kernel (src/engine/tfjs/kernels/wasm): the emitted module validates, and rowsProduct equals a
 * float64 reference on a heap of its own, shared or not, with and without relaxed-SIMD FMA, on 1 to 3 threads
 * (the shares' partial products added), for K not a multiple of its 4-row blocks and M across its 256-row chunks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moduleBytes } from '../../../src/engine/tfjs/kernels/wasm/encoder';
import { createHeapKernels, relaxedSimdAvailable } from '../../../src/engine/tfjs/kernels/wasm/heapKernels';
import { rowsProductFunction } from '../../../src/engine/tfjs/kernels/wasm/rowsProduct';

function reference(heap: Float32Array, a: number, b: number, k: number, m: number, n: number): Float64Array {
  const c = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) c[i * n + j] += heap[a + i * m + r] * heap[b + r * n + j];
  return c;
}

function check(shared: boolean, relaxed: boolean, threads: number): number {
  const env = { MODEL_STUDIO_WASM_RELAXED_SIMD: relaxed ? '1' : '0' };
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, ...(shared ? { shared: true } : {}) });
  const kernels = createHeapKernels(memory, threads, env);
  assert.ok(kernels, 'the kernels start');
  assert.equal(kernels.relaxedSimd, relaxed);
  assert.equal(kernels.threads, shared ? threads : 1, 'workers only on a shared heap');
  let worst = 0;
  for (const [k, m, n] of [[9, 5000, 32], [6, 700, 8], [1, 300, 16], [27, 2000, 64]]) {
    const heap = new Float32Array(memory.buffer);
    const a = 64;
    const b = a + k * m;
    const c = b + m * n;
    const scratch = c + k * n;
    let seed = k * 7 + m;
    for (let i = a; i < c; i++) heap[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    heap.fill(99, c, scratch + (threads - 1) * k * n); // outputs are overwritten, not accumulated
    kernels.rowsProduct(a * 4, b * 4, c * 4, k, m, n, scratch * 4);
    const want = reference(heap, a, b, k, m, n);
    for (let i = 0; i < k * n; i++) worst = Math.max(worst, Math.abs(heap[c + i] - want[i]) / (1 + Math.abs(want[i])));
  }
  return worst;
}

test('the emitted module validates, plain and (where the runtime has it) relaxed SIMD', () => {
  assert.ok(WebAssembly.validate(moduleBytes([rowsProductFunction(false)], true)));
  assert.ok(WebAssembly.validate(moduleBytes([rowsProductFunction(false)], false)));
  // Node 20 has relaxed SIMD behind a V8 flag that relaxedSimdAvailable turns on; Node >= 22 has it on.
  assert.ok(relaxedSimdAvailable({}), 'relaxed SIMD available on this runtime');
  assert.ok(WebAssembly.validate(moduleBytes([rowsProductFunction(true)], true)));
});

test('rowsProduct equals the float64 reference (1e-4), every heap kind, FMA or not, 1-3 threads', () => {
  for (const shared of [false, true])
    for (const relaxed of [false, true])
      for (const threads of shared ? [1, 2, 3] : [1]) {
        const worst = check(shared, relaxed, threads);
        assert.ok(worst < 1e-4, `shared ${shared}, relaxed ${relaxed}, threads ${threads}: relative error ${worst}`);
      }
});

test('MODEL_STUDIO_WASM_KERNELS=0 turns the kernels off', () => {
  assert.equal(createHeapKernels(new WebAssembly.Memory({ initial: 1 }), 1, { MODEL_STUDIO_WASM_KERNELS: '0' }), null);
});
