/**
 * BatchMatMul and _FusedMatMul for the pure-JS cpu backend on the register-blocked `gemm` (2-4x the stock
 * blocked loop on this machine). Transposed operands are copied untransposed first (O(size), cheap next to the
 * O(m*k*n) product). Broadcast batch dimensions and non-float32 go to the stock kernel.
 */
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { gemm } from './gemm';
import { transpose2d } from './im2col';

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

const sizeOf = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/** a x b on flat row-major float32 data, with optional transposes, for equal batch dims; null when unsupported. */
export function matmulValues(
  a: TensorInfo, av: Float32Array, b: TensorInfo, bv: Float32Array, transposeA: boolean, transposeB: boolean,
): { shape: number[]; values: Float32Array } | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  if (ra !== rb || outerA.some((d, i) => d !== outerB[i])) return null;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null;
  const batch = sizeOf(outerA);
  const out = new Float32Array(batch * m * n);
  const ta = transposeA ? new Float32Array(m * k) : null;
  const tb = transposeB ? new Float32Array(k * n) : null;
  for (let i = 0; i < batch; i++) {
    let as = av.subarray(i * m * k, (i + 1) * m * k);
    let bs = bv.subarray(i * k * n, (i + 1) * k * n);
    if (ta) {
      transpose2d(as, k, m, ta);
      as = ta;
    }
    if (tb) {
      transpose2d(bs, n, k, tb);
      bs = tb;
    }
    gemm(as, bs, m, k, n, out.subarray(i * m * n, (i + 1) * m * n));
  }
  return { shape: [...outerA, m, n], values: out };
}

export function cpuBatchMatMul(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs ?? {};
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const backend = args.backend as CpuBackendLike;
    const r = matmulValues(
      a, backend.data.get(a.dataId).values as Float32Array, b, backend.data.get(b.dataId).values as Float32Array,
      !!attrs.transposeA, !!attrs.transposeB,
    );
    if (!r) return stock(args);
    return backend.makeTensorInfo(r.shape, 'float32', r.values);
  };
}

/** Activations of _FusedMatMul that map to one unary kernel (others, e.g. prelu / leakyrelu, go to the stock kernel). */
const activationKernels: Record<string, string | null> = { linear: null, relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };

export function cpuFusedMatMul(stock: KernelFunc, kernel: (name: string) => KernelFunc): KernelFunc {
  const matmul = cpuBatchMatMul(stock);
  return (args) => {
    const { a, b, bias } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
    const attrs: NamedAttrMap = args.attrs ?? {};
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!(activation in activationKernels)) return stock(args);
    const backend = args.backend as CpuBackendLike;
    let out = matmul({ inputs: { a, b }, backend: args.backend, attrs: { transposeA: attrs.transposeA, transposeB: attrs.transposeB } }) as TensorInfo;
    if (bias) {
      const added = kernel('Add')({ inputs: { a: out, b: bias }, backend: args.backend, attrs: {} }) as TensorInfo;
      backend.disposeIntermediateTensorInfo(out);
      out = added;
    }
    const act = activationKernels[activation];
    if (act) {
      const activated = kernel(act)({ inputs: { x: out }, backend: args.backend, attrs: {} }) as TensorInfo;
      backend.disposeIntermediateTensorInfo(out);
      out = activated;
    }
    return out;
  };
}
