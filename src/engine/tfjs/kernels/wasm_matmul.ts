/**
 * BatchMatMul / _FusedMatMul for the wasm backend with transposed operands. tfjs-backend-wasm hands
 * untransposed products to XNNPACK (~30-37 GFLOP/s here) but transposed ones to a slow loop (1.5-3 GFLOP/s:
 * 128x784^T x 128x512 takes 68 ms instead of 3 ms). Every backward pass of a Dense layer multiplies by a
 * transpose, so materialising the transpose (one cheap copy) and running the untransposed product is 10-20x faster.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';

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
export function untransposingMatMul(stock: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const attrs = args.attrs ?? {};
    const inputs = args.inputs as Record<string, TensorInfo>;
    const { a, b } = inputs;
    if (!attrs.transposeA && !attrs.transposeB) return stock(args);
    const backend = args.backend as { disposeData(dataId: object): boolean };
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
