/**
 * BatchMatMul / _FusedMatMul for the wasm backend with transposed operands. tfjs-backend-wasm hands
 * untransposed products to XNNPACK (~30-37 GFLOP/s here) but transposed ones to a slow loop (1.5-3 GFLOP/s:
 * 128x784^T x 128x512 takes 68 ms instead of 3 ms). Every backward pass of a Dense layer multiplies by a
 * transpose, so materialising the transpose (one cheap copy) and running the untransposed product is 10-20x faster;
 * a transposed left operand (the weight gradient x^T dy) goes to our own wasm kernel, which reads it in place.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { HeapAccess } from './wasm/heapKernels';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Wraps the stock kernel: transposes are materialised with the backend's Transpose kernel, then the stock
 * kernel runs with transposeA = transposeB = false. Everything else (bias, activation) passes through.
 */
export function untransposingMatMul(stock: KernelFunc, transpose: KernelFunc, heap?: HeapAccess): KernelFunc {
  return (args) => {
    const attrs = args.attrs ?? {};
    const inputs = args.inputs as Record<string, TensorInfo>;
    const { a, b } = inputs;
    if (!attrs.transposeA && !attrs.transposeB) return stock(args);
    const backend = args.backend as { disposeData(dataId: object): boolean; makeOutput(shape: number[], dtype: 'float32'): TensorInfo };
    if (heap && attrs.transposeA && !attrs.transposeB && Object.keys(inputs).length === 2) {
      const product = transposedAProduct(heap, backend, a, b);
      if (product) return product;
    }
    const made: TensorInfo[] = [];
    const materialise = (t: TensorInfo, flag: unknown): TensorInfo => {
      if (!flag) return t;
      const tt = transpose({ inputs: { x: t }, backend: args.backend, attrs: { perm: swapLastTwo(t.shape.length) } }) as TensorInfo;
      made.push(tt);
      return tt;
    };
    try {
      return stock({
        ...args,
        inputs: { ...inputs, a: materialise(a, attrs.transposeA), b: materialise(b, attrs.transposeB) },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of made) backend.disposeData(t.dataId);
    }
  };
}

/**
 * a^T x b (a [M, K], b [M, N], one matrix each, float32, N a multiple of 8) with our wasm kernel reading a
 * transposed in place: the Dense weight gradient x^T dy, with neither a transpose nor XNNPACK's packing of dy.
 * Null when the shapes are not that.
 */
function transposedAProduct(heap: HeapAccess, backend: { disposeData(dataId: object): boolean; makeOutput(shape: number[], dtype: 'float32'): TensorInfo }, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const single = (t: TensorInfo) => t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !single(a) || !single(b) || a.shape.length !== b.shape.length) return null;
  const [m, k] = a.shape.slice(-2);
  const [mb, n] = b.shape.slice(-2);
  if (m !== mb || n % 8 !== 0 || k === 0 || m === 0) return null;
  const out = backend.makeOutput(a.shape.length === 3 ? [1, k, n] : [k, n], 'float32');
  heap.withScratch(k * n, (scratch) => heap.kernels.rowsProduct(heap.pointer(a), heap.pointer(b), heap.pointer(out), k, m, n, scratch, true));
  return out;
}
