/**
 * Faster kernels for the CPU engines, registered over the stock ones with `tf.registerKernel` after the engine
 * picks a backend. What they replace and why (measured on a 2-core x86 machine, mnist-cnn batch 128):
 * - cpu: Conv2D / Conv2DBackpropFilter / Conv2DBackpropInput as im2col + a register-blocked JS GEMM, MaxPoolGrad
 *   as a flat loop (the stock kernels read TensorBuffer.get per element: ~1 sample/s), and BatchMatMul /
 *   _FusedMatMul on the same GEMM (2-4x the stock blocked loop).
 * - cpu and wasm: Sum over every axis but the last (bias gradients) in one pass (sum_kernels.ts); wasm's
 *   Identity shares the buffer instead of copying it, as cpu's does (identity_kernel.ts); Keras' Adam step in
 *   one pass per variable (adam_kernel.ts, a kernel of our own that the optimizer uses where it is registered).
 *   wasm only: the ReLU mask of the fused Conv2D (relu_backprop_kernel.ts; cpu's stock FusedConv2D bypasses
 *   our im2col Conv2D and would be slower than the unfused layer there).
 * - wasm: the missing Conv2DBackpropFilter (without it CNNs cannot train on wasm at all), Conv2DBackpropInput
 *   (stock: a naive loop, 163 ms; stride 1: XNNPACK's forward conv with the flipped filter) and MaxPoolGrad
 *   (65 ms), and BatchMatMul / _FusedMatMul with transposed operands (stock: a slow loop 10-20x behind
 *   XNNPACK). Where our own wasm kernels start (./wasm: on tfjs' heap, every core), the filter gradient, the
 *   Dense weight gradient, bias sums, 2x2 max-pool gradients, Adam and the ReLU mask run on them. Kernels wasm lacks
 *   altogether, added only while the backend has none: UnsortedSegmentSum (Embedding's gradient) and
 *   DepthwiseConv2dNativeBackpropFilter / -Input (DepthwiseConv2D, SeparableConv2D), as flat typed-array loops.
 * - webgpu: Conv2DBackpropFilter as a split-K implicit GEMM (stock: one thread per filter element looping
 *   over batch x H x W) and Conv2DBackpropInput on the backend's tiled matmul program, see webgpu/index.ts.
 * Configurations the fast paths do not cover (channels_first, dilation, non-float32) go to the stock kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf';
import { cpuBatchMatMul, cpuFusedMatMul } from './cpu_matmul';
import { conv2dBackpropFilterKernel, conv2dBackpropInputKernel, conv2dKernel } from './conv_kernels';
import { depthwiseBackpropFilterKernel, depthwiseBackpropInputKernel } from './depthwise_kernels';
import { maxPoolGradKernel } from './pool_kernels';
import { unsortedSegmentSumKernel } from './segment_kernels';
import { sumKernel } from './sum_kernels';
import { ADAM_STEP, adamStepKernel } from './adam_kernel';
import { RELU_BACKPROP, reluBackpropKernel } from './relu_backprop_kernel';
import { sharingIdentityKernel } from './identity_kernel';
import { cpuAccess, wasmAccess, type TensorAccess } from './tensor_access';
import { untransposingMatMul } from './wasm_matmul';
import { webgpuKernels } from './webgpu';
import { heapKernelsFor, type HeapAccess } from './wasm/heapKernels';
import { wasmThreadsWanted } from '../wasmThreads';

interface WasmBackendHeap {
  // The threaded build keeps its (shared) heap on the module, the single-threaded one exports it.
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Our own wasm kernels on the wasm backend's heap, with tensor addresses; undefined if they cannot start. */
function wasmHeap(tf: Tf): HeapAccess | undefined {
  const backend = tf.findBackend('wasm') as unknown as WasmBackendHeap | null;
  const memory = backend?.wasm?.wasmMemory ?? backend?.wasm?.asm?.memory;
  const kernels = memory ? heapKernelsFor(memory, wasmThreadsWanted()) : null;
  if (!backend || !kernels) return undefined;
  const pointer = (t: TensorInfo): number => {
    const data = backend.dataIdMap.get(t.dataId);
    if (!data) throw new Error('wasm kernel: a tensor is not in the wasm heap.');
    return data.memoryOffset;
  };
  return {
    kernels,
    pointer,
    withScratch(floatsPerShare, run) {
      const others = kernels.threads - 1;
      const scratch = others > 0 ? backend.makeOutput([others * floatsPerShare], 'float32') : null;
      try {
        return run(scratch ? pointer(scratch) : 0);
      } finally {
        if (scratch) backend.disposeData(scratch.dataId);
      }
    },
  };
}

/**
 * Changes whenever a kernel here changes what it computes or how fast: part of the key under which `auto`
 * remembers the fastest CPU engine for a model (../autoEngine.ts), so a build with other kernels measures again.
 */
export const KERNELS_REVISION = '2026-12-01';

/** What our own wasm kernels run with, for the engine's device line ("own kernels: FMA, 2 threads"); undefined off wasm. */
export function ownKernelsNote(tf: Tf): string | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const heap = wasmHeap(tf);
  if (!heap) return 'own kernels off';
  const threads = heap.kernels.threads;
  return `own kernels: ${heap.kernels.relaxedSimd ? 'FMA' : 'SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Stock configs of replaced kernels, per backend, so they can be restored (and used as fallbacks). */
const stockConfigs = new Map<string, Map<string, KernelConfig | null>>();

function plan(tf: Tf, backendName: string): Map<string, KernelFunc> | null {
  const stock = (name: string): KernelConfig | null => {
    try {
      return tf.getKernel(name, backendName) ?? null;
    } catch {
      return null;
    }
  };
  const stockFunc = (name: string): KernelFunc => {
    const k = stock(name);
    if (!k) throw new Error(`Backend '${backendName}' has no ${name} kernel.`);
    return k.kernelFunc;
  };
  const kernels = new Map<string, KernelFunc>();
  if (backendName === 'cpu') {
    const access = (b: object): TensorAccess => cpuAccess(b);
    const conv = (name: string) => ({ backendUtil: tf.backend_util, access, stock: stock(name)?.kernelFunc ?? null, name });
    kernels.set('Conv2D', conv2dKernel(conv('Conv2D')));
    kernels.set('Conv2DBackpropFilter', conv2dBackpropFilterKernel(conv('Conv2DBackpropFilter')));
    kernels.set('Conv2DBackpropInput', conv2dBackpropInputKernel(conv('Conv2DBackpropInput')));
    kernels.set('MaxPoolGrad', maxPoolGradKernel(conv('MaxPoolGrad')));
    kernels.set('Sum', sumKernel({ access, stock: stockFunc('Sum') }));
    kernels.set(ADAM_STEP, adamStepKernel(access));
    const batchMatMul = stockFunc('BatchMatMul');
    kernels.set('BatchMatMul', cpuBatchMatMul(batchMatMul));
    kernels.set('_FusedMatMul', cpuFusedMatMul(stockFunc('_FusedMatMul'), stockFunc));
    return kernels;
  }
  if (backendName === 'wasm') {
    const transpose = stockFunc('Transpose');
    const batchMatMul = stockFunc('BatchMatMul');
    // The conv kernels call the stock (untransposed, XNNPACK) matmul directly.
    const deps = { batchMatMul, transpose };
    const access = (b: object): TensorAccess => wasmAccess(b, deps);
    const heap = wasmHeap(tf);
    const conv = (name: string) => ({ backendUtil: tf.backend_util, access, stock: stock(name)?.kernelFunc ?? null, name, ...(heap ? { heap } : {}) });
    // Conv2D forward stays stock: XNNPACK's convolution is faster than im2col + matmul here; the input gradient
    // of a stride-1 convolution uses it too (a forward convolution with the flipped filter).
    kernels.set('Conv2DBackpropFilter', conv2dBackpropFilterKernel(conv('Conv2DBackpropFilter')));
    kernels.set('Conv2DBackpropInput', conv2dBackpropInputKernel({ ...conv('Conv2DBackpropInput'), forwardConv: stockFunc('Conv2D') }));
    kernels.set('MaxPoolGrad', maxPoolGradKernel(conv('MaxPoolGrad')));
    kernels.set('Sum', sumKernel({ access, stock: stockFunc('Sum'), ...(heap ? { heap } : {}) }));
    kernels.set('Identity', sharingIdentityKernel(stockFunc('Identity')));
    kernels.set(ADAM_STEP, adamStepKernel(access, heap));
    kernels.set(RELU_BACKPROP, reluBackpropKernel(access, heap));
    kernels.set('BatchMatMul', untransposingMatMul(batchMatMul, transpose, heap));
    const fused = stock('_FusedMatMul');
    if (fused) kernels.set('_FusedMatMul', untransposingMatMul(fused.kernelFunc, transpose));
    // Kernels the stock backend lacks (training would stop with "Kernel '...' not registered"). Only added
    // where missing: a later tfjs-backend-wasm that ships its own keeps it.
    const plain = { backendUtil: tf.backend_util, access };
    const missing: [string, () => KernelFunc][] = [
      ['UnsortedSegmentSum', () => unsortedSegmentSumKernel(plain)],
      ['DepthwiseConv2dNativeBackpropFilter', () => depthwiseBackpropFilterKernel(plain)],
      ['DepthwiseConv2dNativeBackpropInput', () => depthwiseBackpropInputKernel(plain)],
    ];
    for (const [name, make] of missing) if (!stock(name)) kernels.set(name, make());
    return kernels;
  }
  if (backendName === 'webgpu') return webgpuKernels(tf, stockFunc);
  return null;
}

/**
 * Replace the slow kernels of `backendName` ('cpu', 'wasm' or 'webgpu'; others are left alone) and return the names of the
 * kernels replaced. Call after the backend is initialised (tf.setBackend + tf.ready). Idempotent.
 */
export function registerFastKernels(tf: Tf, backendName: string): string[] {
  const existing = stockConfigs.get(backendName);
  if (existing) return [...existing.keys()];
  const kernels = plan(tf, backendName);
  if (!kernels) return [];
  const saved = new Map<string, KernelConfig | null>();
  for (const [name, kernelFunc] of kernels) {
    let old: KernelConfig | null = null;
    try {
      old = tf.getKernel(name, backendName) ?? null;
    } catch {
      old = null;
    }
    if (old) tf.unregisterKernel(name, backendName);
    // Keep the stock setupFunc: the wrappers call the stock kernel, whose wasm bindings are made in setup when
    // the backend initialises (if it already has, registerKernel does not run it again).
    tf.registerKernel({ kernelName: name, backendName, kernelFunc, ...(old?.setupFunc ? { setupFunc: old.setupFunc } : {}) });
    saved.set(name, old);
  }
  stockConfigs.set(backendName, saved);
  return [...saved.keys()];
}

/** Undo registerFastKernels (tests and the before/after benchmark use it). Returns the names restored. */
export function restoreStockKernels(tf: Tf, backendName: string): string[] {
  const saved = stockConfigs.get(backendName);
  if (!saved) return [];
  for (const [name, old] of saved) {
    tf.unregisterKernel(name, backendName);
    if (old) tf.registerKernel(old);
  }
  stockConfigs.delete(backendName);
  return [...saved.keys()];
}
