/**
 * Our wasm kernels for tfjs-backend-wasm, bound to its heap: built once per backend (the module is emitted by
 * ./encoder, so nothing is compiled or downloaded), with relaxed-SIMD FMA when the runtime validates it
 * (Node 20 needs V8's --experimental-wasm-relaxed-simd, set here before compiling; newer runtimes have it on),
 * and run on every core when the heap is shared (./heapThreads). MODEL_STUDIO_WASM_KERNELS=0 turns them off
 * (the stock XNNPACK path is used), MODEL_STUDIO_WASM_RELAXED_SIMD=0 keeps plain SIMD.
 */
import * as v8 from 'node:v8';
import type { TensorInfo } from '@tensorflow/tfjs';
import { moduleBytes } from './encoder';
import { HeapThreads } from './heapThreads';
import { rowsProductFunction } from './rowsProduct';
import { adamStepFunction } from './adamStep';
import { sumRowsFunction } from './sumRows';
import { maxPoolGradFunction } from './maxPoolGrad';
import { im2colTransposedFunction } from './im2colTransposed';
import { reluBackpropFunction } from './reluBackprop';
import { reluBackprop } from '../relu_backprop_kernel';
import type { WindowGeometry } from '../geometry';
import { adamStep, type AdamStepAttrs } from '../adam_kernel';

export interface HeapKernels {
  /** Shares a call is split into (this thread and the worker threads). */
  readonly threads: number;
  /** Whether the module uses relaxed-SIMD FMA. */
  readonly relaxedSimd: boolean;
  /**
   * C[K,N] = A[K,M] x B[M,N], float32 at heap byte addresses, B and C row-major, N a multiple of 8; A row-major
   * [K, M], or [M, K] read transposed when `aTransposed`. `scratch` has room for (threads - 1) * K * N floats (the
   * other threads' partial products, added into C here).
   */
  rowsProduct(a: number, b: number, c: number, k: number, m: number, n: number, scratch: number, aTransposed?: boolean): void;
  /** Keras' Adam step over `count` floats at these heap byte addresses (../adam_kernel.ts), outputs apart from inputs. */
  adamStep(at: AdamAddresses, count: number, attrs: AdamStepAttrs): void;
  /**
   * out[C] = the sum over the rows of x[rows, C] (C a multiple of 4). `scratch` has room for (threads - 1) * C
   * floats (the other threads' partial sums).
   */
  sumRows(x: number, out: number, rows: number, channels: number, scratch: number): void;
  /**
   * The gradient of 2x2, stride-2, unpadded max pooling (../pooling.ts semantics) over NHWC with inC a multiple
   * of 4; `flags` has room for `threads` int32. False when some window needs tfjs' sequential scan (NaN or
   * -Infinity in it): the caller then computes the gradient itself.
   */
  maxPoolGrad2x2(x: number, dy: number, dx: number, g: WindowGeometry, flags: number): boolean;
  /** colsT[KH*KW*Cin, N*OH*OW] of x (NHWC) for the convolution `g` (../im2col.ts `im2colTransposed`). */
  im2colTransposed(x: number, colsT: number, g: WindowGeometry): void;
  /** out = dy where y > 0, else 0, over `count` floats (../relu_backprop_kernel.ts). */
  reluBackprop(dy: number, y: number, out: number, count: number): void;
}

/** The kernels bound to a backend, and where a tensor lies in its heap. */
export interface HeapAccess {
  kernels: HeapKernels;
  pointer(t: TensorInfo): number;
  /**
   * Runs `run` with the heap address of a scratch buffer of `floatsPerShare` floats for each thread but this one
   * (the threads' partial results; 0 when there is one thread), freed afterwards.
   */
  withScratch<T>(floatsPerShare: number, run: (scratch: number) => T): T;
}

export interface AdamAddresses {
  g: number;
  w: number;
  m: number;
  v: number;
  wOut: number;
  mOut: number;
  vOut: number;
}

const [ROWS_PRODUCT, ADAM_STEP, SUM_ROWS, MAX_POOL_GRAD, IM2COL_T, RELU_BACKPROP] = [0, 1, 2, 3, 4, 5];
const FUNCTIONS = ['rowsProduct', 'adamStep', 'sumRows', 'maxPoolGrad2x2', 'im2colT', 'reluBackprop'];
/** Below this many floats an Adam step stays on one thread. */
const THREADED_MIN_ELEMENTS = 1 << 16;
/** Below this many multiply-adds a call stays on one thread (waking a worker costs tens of microseconds). */
const THREADED_MIN_MACS = 1 << 20;

/** Whether this runtime validates relaxed SIMD, after asking V8 for it if it is off by default. */
export function relaxedSimdAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.MODEL_STUDIO_WASM_RELAXED_SIMD === '0') return false;
  const probe = moduleBytes([rowsProductFunction(true)], false);
  if (WebAssembly.validate(probe)) return true;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(probe);
}

/** [0, total) cut into `shares` consecutive [start, end) ranges of near-equal length. */
function splitRange(total: number, shares: number): [number, number][] {
  return Array.from({ length: shares }, (_, s): [number, number] => [Math.floor((total * s) / shares), Math.floor((total * (s + 1)) / shares)]);
}

/**
 * An element-wise kernel's shares: [start, end) ranges of whole f32x4 lanes (one range below
 * THREADED_MIN_ELEMENTS), and the 0-3 floats after them that the caller does in JS.
 */
function laneRanges(count: number, threads: number): { ranges: [number, number][]; end: number; tail: number } {
  const end = count - (count % 4);
  const shares = end < THREADED_MIN_ELEMENTS ? 1 : threads;
  const ranges = splitRange(end / 4, shares).map(([a, b]): [number, number] => [4 * a, 4 * b]);
  return { ranges, end, tail: count - end };
}

/** A view of floats [from, to) of the array at heap byte address p (addresses may pass 2 GiB: unsigned shifts). */
function tailView(memory: WebAssembly.Memory, from: number, to: number): (p: number) => Float32Array {
  const heap = new Float32Array(memory.buffer);
  return (p) => heap.subarray((p >>> 2) + from, (p >>> 2) + to);
}

/** out += each of the shares' partial results after the first (they lie one after another in scratch). */
function addPartials(memory: WebAssembly.Memory, out: number, scratch: number, size: number, shares: number): void {
  if (shares < 2) return;
  const heap = new Float32Array(memory.buffer);
  for (let s = 1; s < shares; s++) {
    const part = (scratch >>> 2) + (s - 1) * size;
    for (let i = 0, o = out >>> 2; i < size; i++) heap[o + i] += heap[part + i];
  }
}

const made = new WeakMap<WebAssembly.Memory, HeapKernels | null>();

/** One set of kernels (and worker threads) per heap, made on first use; none while MODEL_STUDIO_WASM_KERNELS=0. */
export function heapKernelsFor(memory: WebAssembly.Memory, threads: number, env: NodeJS.ProcessEnv = process.env): HeapKernels | null {
  if (env.MODEL_STUDIO_WASM_KERNELS === '0') return null;
  if (!made.has(memory)) made.set(memory, createHeapKernels(memory, threads, env));
  return made.get(memory) ?? null;
}

/** The kernels on `memory` with `threads` shares (1: this thread only), or null when the module does not start. */
export function createHeapKernels(memory: WebAssembly.Memory, threads: number, env: NodeJS.ProcessEnv = process.env): HeapKernels | null {
  if (env.MODEL_STUDIO_WASM_KERNELS === '0') return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const relaxedSimd = relaxedSimdAvailable(env);
  let pool: HeapThreads;
  try {
    const module = new WebAssembly.Module(moduleBytes([rowsProductFunction(relaxedSimd), adamStepFunction(), sumRowsFunction(), maxPoolGradFunction(), im2colTransposedFunction(), reluBackpropFunction()], shared));
    pool = new HeapThreads(module, memory, FUNCTIONS, shared ? threads : 1);
  } catch {
    return null;
  }
  return {
    get threads() {
      return pool.threads;
    },
    relaxedSimd,
    rowsProduct(a, b, c, k, m, n, scratch, aTransposed = false) {
      const [sk, sm] = aTransposed ? [4, 4 * k] : [4 * m, 4];
      const shares = k * m * n < THREADED_MIN_MACS ? 1 : Math.min(pool.threads, Math.max(1, Math.floor(m / 64)));
      pool.run(ROWS_PRODUCT, splitRange(m, shares).map(([m0, m1], s) => [a, b, s === 0 ? c : scratch + (s - 1) * k * n * 4, k, sk, n, m0, m1, sm]));
      addPartials(memory, c, scratch, k * n, shares);
    },
    sumRows(x, out, rows, channels, scratch) {
      const shares = rows * channels < THREADED_MIN_ELEMENTS ? 1 : Math.min(pool.threads, Math.max(1, Math.floor(rows / 256)));
      pool.run(SUM_ROWS, splitRange(rows, shares).map(([r0, r1], s) => [x + r0 * channels * 4, s === 0 ? out : scratch + (s - 1) * channels * 4, r1 - r0, channels]));
      addPartials(memory, out, scratch, channels, shares);
    },
    maxPoolGrad2x2(x, dy, dx, g, flags) {
      const image = g.inH * g.inW * g.inC * 4;
      const dyImage = g.outH * g.outW * g.inC * 4;
      const shares = g.batch * g.inH * g.inW * g.inC < THREADED_MIN_ELEMENTS ? 1 : Math.min(pool.threads, g.batch);
      pool.run(MAX_POOL_GRAD, splitRange(g.batch, shares).map(([n0, n1], s) => [x + n0 * image, dy + n0 * dyImage, dx + n0 * image, n1 - n0, g.inH, g.inW, g.inC, g.outH, g.outW, flags + 4 * s]));
      const flagged = new Int32Array(memory.buffer, flags, shares);
      return flagged.every((f) => f === 0);
    },
    im2colTransposed(x, colsT, g) {
      const rows = g.batch * g.outH * g.outW;
      const image = g.inH * g.inW * g.inC * 4;
      const shares = rows * g.kH * g.kW * g.inC < THREADED_MIN_ELEMENTS ? 1 : Math.min(pool.threads, g.batch);
      const geometry = [rows, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft];
      pool.run(IM2COL_T, splitRange(g.batch, shares).map(([n0, n1]) => [x + n0 * image, colsT, n1 - n0, n0 * g.outH * g.outW, ...geometry]));
    },
    reluBackprop(dy, y, out, count) {
      const lanes = laneRanges(count, pool.threads);
      pool.run(RELU_BACKPROP, lanes.ranges.map(([start, end]) => [dy + start * 4, y + start * 4, out + start * 4, end - start]));
      if (lanes.tail === 0) return;
      const view = tailView(memory, lanes.end, count);
      reluBackprop(view(dy), view(y), view(out));
    },
    adamStep(at, count, attrs) {
      const bits = new Int32Array(Float32Array.from([1 - attrs.beta1, 1 - attrs.beta2, attrs.alpha, attrs.epsilon]).buffer);
      const lanes = laneRanges(count, pool.threads);
      pool.run(ADAM_STEP, lanes.ranges.map(([start, end]) => [...[at.g, at.w, at.m, at.v, at.wOut, at.mOut, at.vOut].map((p) => p + start * 4), end - start, ...bits]));
      if (lanes.tail === 0) return;
      // The last 1-3 floats, in JS with the same roundings.
      const view = tailView(memory, lanes.end, count);
      adamStep(view(at.g), view(at.w), view(at.m), view(at.v), { w: view(at.wOut), m: view(at.mOut), v: view(at.vOut) }, attrs);
    },
  };
}
