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
import { maxPoolGradNHWC } from '../../../src/engine/tfjs/kernels/pooling';
import { im2colTransposed } from '../../../src/engine/tfjs/kernels/im2col';
import { reluBackprop } from '../../../src/engine/tfjs/kernels/relu_backprop_kernel';

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
    // The same A stored as [M, K] and read transposed.
    const at = scratch + (threads - 1) * k * n;
    for (let i = 0; i < k; i++) for (let r = 0; r < m; r++) heap[at + r * k + i] = heap[a + i * m + r];
    heap.fill(99, c, c + k * n);
    kernels.rowsProduct(at * 4, b * 4, c * 4, k, m, n, scratch * 4, true);
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

test('rowsProduct equals the float64 reference (1e-4), A as [K, M] or [M, K], every heap kind, FMA or not, 1-3 threads', () => {
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

test('sumRows: the float64 column sums (1e-5 relative), 1-3 threads, 4 to 68 channels', () => {
  for (const threads of [1, 2, 3]) {
    const memory = new WebAssembly.Memory({ initial: 160, maximum: 1024, shared: true });
    const kernels = createHeapKernels(memory, threads, {});
    assert.ok(kernels);
    for (const [rows, channels] of [[70_000, 4], [3_001, 20], [600, 68], [1, 8]]) {
      const heap = new Float32Array(memory.buffer);
      const x = 16;
      const out = x + rows * channels;
      const scratch = out + channels;
      let seed = rows + channels;
      for (let i = x; i < out; i++) heap[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 0.9;
      heap.fill(5, out, scratch + 2 * channels);
      kernels.sumRows(x * 4, out * 4, rows, channels, scratch * 4);
      for (let c = 0; c < channels; c++) {
        let want = 0;
        for (let r = 0; r < rows; r++) want += heap[x + r * channels + c];
        assert.ok(Math.abs(heap[out + c] - want) <= 1e-5 * Math.max(1, Math.abs(want)) + 1e-4, `threads ${threads}, ${rows}x${channels}, channel ${c}: ${heap[out + c]} vs ${want}`);
      }
    }
  }
});

test('maxPoolGrad2x2: the JS gradient exactly, 1-3 threads; NaN or -Infinity windows are handed back', () => {
  for (const threads of [1, 2, 3]) {
    const memory = new WebAssembly.Memory({ initial: 160, maximum: 1024, shared: true });
    const kernels = createHeapKernels(memory, threads, {});
    assert.ok(kernels);
    // special: 0 none; 1 NaN trailing a row (the tournament agrees); 2 NaN leading a row; 3 a window all -Infinity
    // (40 images of 26x26x32 are split over the threads; a special there sits in the last image, the last share)
    for (const [batch, side, inC, special] of [[40, 26, 32, 0], [3, 6, 4, 0], [2, 4, 8, 1], [2, 4, 8, 2], [2, 4, 8, 3], [40, 26, 32, 2]]) {
      const g = { batch, inH: side, inW: side, inC, outH: side / 2, outW: side / 2, outC: inC, kH: 2, kW: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0 };
      const size = batch * side * side * inC;
      const dySize = size / 4;
      const heap = new Float32Array(memory.buffer);
      const [x, dy, dx, flags] = [16, 16 + size, 16 + size + dySize, 16 + 2 * size + dySize];
      let seed = size + threads;
      // Few distinct values (ties, as after ReLU).
      for (let i = x; i < dx; i++) heap[i] = Math.floor(((seed = (seed * 16807) % 2147483647) / 2147483647) * 4) - 1;
      // pixel (h, w) channel 1 of the last image; the window at (0, 1) covers w = 2, 3 of rows 0 and 1
      const at = (h: number, w: number) => x + (((batch - 1) * side + h) * side + w) * inC + 1;
      if (special === 1) heap[at(0, 3)] = NaN;
      if (special === 2) heap[at(1, 2)] = NaN;
      if (special === 3) for (const [h, w] of [[0, 2], [0, 3], [1, 2], [1, 3]]) heap[at(h, w)] = -Infinity;
      heap.fill(7, dx, dx + size);
      const whole = kernels.maxPoolGrad2x2(x * 4, dy * 4, dx * 4, g, flags * 4);
      if (special >= 2) {
        assert.equal(whole, false, `case ${special} is handed back`);
        continue;
      }
      assert.equal(whole, true);
      const want = new Float32Array(size);
      maxPoolGradNHWC(heap.slice(x, x + size), heap.slice(dy, dy + dySize), g, want);
      assert.deepEqual(heap.slice(dx, dx + size), want, `threads ${threads}, ${batch}x${side}x${side}x${inC}`);
    }
  }
});

test('im2colTransposed: the JS matrix exactly, 1-3 threads, padding and strides', () => {
  const geometries = [
    { batch: 40, inH: 13, inW: 13, inC: 32, outH: 11, outW: 11, outC: 64, kH: 3, kW: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 },
    { batch: 5, inH: 9, inW: 8, inC: 3, outH: 5, outW: 4, outC: 8, kH: 3, kW: 2, strideH: 2, strideW: 2, padTop: 1, padLeft: 0 },
    { batch: 3, inH: 6, inW: 7, inC: 1, outH: 6, outW: 7, outC: 8, kH: 5, kW: 3, strideH: 1, strideW: 1, padTop: 2, padLeft: 1 },
  ];
  for (const threads of [1, 2, 3]) {
    const memory = new WebAssembly.Memory({ initial: 160, maximum: 1024, shared: true });
    const kernels = createHeapKernels(memory, threads, {});
    assert.ok(kernels);
    for (const g of geometries) {
      const size = g.batch * g.inH * g.inW * g.inC;
      const colsSize = g.batch * g.outH * g.outW * g.kH * g.kW * g.inC;
      const heap = new Float32Array(memory.buffer);
      const [x, cols] = [16, 16 + size];
      for (let i = 0; i < size; i++) heap[x + i] = i + 1;
      heap.fill(NaN, cols, cols + colsSize);
      kernels.im2colTransposed(x * 4, cols * 4, g);
      const want = new Float32Array(colsSize);
      im2colTransposed(heap.slice(x, x + size), g, want);
      assert.deepEqual(heap.slice(cols, cols + colsSize), want, `threads ${threads}, ${JSON.stringify(g)}`);
    }
  }
});

test('reluBackprop: the JS mask exactly (0, -0, NaN, negatives), 1-3 threads, with a 1-3 float tail', () => {
  for (const threads of [1, 2, 3]) {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
    const kernels = createHeapKernels(memory, threads, {});
    assert.ok(kernels);
    for (const count of [100_003, 7, 2]) {
      const heap = new Float32Array(memory.buffer);
      const [dy, y, out] = [16, 16 + count, 16 + 2 * count];
      const special = [0, -0, NaN, -1, 2, Infinity, -Infinity, 1e-40];
      for (let i = 0; i < count; i++) {
        heap[dy + i] = i % 5 === 0 ? NaN : i - 3;
        heap[y + i] = special[i % special.length];
      }
      kernels.reluBackprop(dy * 4, y * 4, out * 4, count);
      const want = new Float32Array(count);
      reluBackprop(heap.slice(dy, dy + count), heap.slice(y, y + count), want);
      assert.deepEqual(heap.slice(out, out + count), want, `threads ${threads}, count ${count}`);
    }
  }
});

test('heap addresses past 2 GiB: the JS tails and the threads\' partial sums land where they should', () => {
  const memory = new WebAssembly.Memory({ initial: 32_800, maximum: 65_536, shared: true });
  const kernels = createHeapKernels(memory, 2, {});
  assert.ok(kernels && kernels.threads === 2);
  const base = 2 ** 31 + 4096; // bytes
  const heap = new Float32Array(memory.buffer);
  const f = base / 4;
  // reluBackprop over 7 floats: 4 in wasm, a tail of 3 in JS
  for (let i = 0; i < 7; i++) [heap[f + i], heap[f + 8 + i]] = [i + 1, 1];
  heap.fill(99, f + 16, f + 23);
  kernels.reluBackprop(base, base + 32, base + 64, 7);
  assert.deepEqual([...heap.subarray(f + 16, f + 23)], [1, 2, 3, 4, 5, 6, 7]);
  // sumRows split over two threads: the second share's partial is added from scratch
  const rows = 40_000;
  const x = f + 64;
  heap.fill(0.5, x, x + rows * 4);
  kernels.sumRows(x * 4, (x + rows * 4) * 4, rows, 4, (x + rows * 4 + 4) * 4);
  assert.deepEqual([...heap.subarray(x + rows * 4, x + rows * 4 + 4)], [20_000, 20_000, 20_000, 20_000]);
});

test('MODEL_STUDIO_WASM_KERNELS=0 turns the kernels off', () => {
  assert.equal(createHeapKernels(new WebAssembly.Memory({ initial: 1 }), 1, { MODEL_STUDIO_WASM_KERNELS: '0' }), null);
});
