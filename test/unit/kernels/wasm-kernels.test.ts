/**
 * Our own wasm kernel (src/engine/tfjs/kernels/wasm): the emitted module validates, and rowsProduct equals a
 * float64 reference on a heap of its own, shared or not, with and without relaxed-SIMD FMA, on 1 to 3 threads
 * (the shares' partial products added), for K not a multiple of its 4-row blocks and M across its 256-row chunks;
 * adamStep equals the JS step bit for bit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moduleBytes } from '../../../src/engine/tfjs/kernels/wasm/encoder';
import { createHeapKernels, relaxedSimdAvailable } from '../../../src/engine/tfjs/kernels/wasm/heapKernels';
import { rowsProductFunction } from '../../../src/engine/tfjs/kernels/wasm/rowsProduct';
import { adamStep } from '../../../src/engine/tfjs/kernels/adam_kernel';

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

test('adamStep: bit for bit the JS step (float32 roundings), split over 1-3 threads, with a 1-3 float tail', () => {
  const attrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, alpha: 0.00123 };
  for (const threads of [1, 2, 3]) {
    const memory = new WebAssembly.Memory({ initial: 160, maximum: 1024, shared: true });
    const kernels = createHeapKernels(memory, threads, {});
    assert.ok(kernels);
    for (const count of [70_003, 6, 1]) {
      const heap = new Float32Array(memory.buffer);
      const [g, w, m, v, wOut, mOut, vOut] = Array.from({ length: 7 }, (_, i) => 16 + i * count);
      let seed = count + threads;
      for (let i = g; i < wOut; i++) heap[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) * (i >= v ? 1 : 2) - (i >= v ? 0 : 1);
      kernels.adamStep({ g: g * 4, w: w * 4, m: m * 4, v: v * 4, wOut: wOut * 4, mOut: mOut * 4, vOut: vOut * 4 }, count, attrs);
      const want = { w: new Float32Array(count), m: new Float32Array(count), v: new Float32Array(count) };
      const view = (at: number) => heap.slice(at, at + count);
      adamStep(view(g), view(w), view(m), view(v), want, attrs);
      assert.deepEqual(view(wOut), want.w, `threads ${threads}, count ${count}: w`);
      assert.deepEqual(view(mOut), want.m);
      assert.deepEqual(view(vOut), want.v);
    }
  }
});

test('MODEL_STUDIO_WASM_KERNELS=0 turns the kernels off', () => {
  assert.equal(createHeapKernels(new WebAssembly.Memory({ initial: 1 }), 1, { MODEL_STUDIO_WASM_KERNELS: '0' }), null);
});
