/**
 * The few things the replacement kernels need from a backend, for the two backends they target: read a tensor's
 * floats, make an output and fill it, multiply two matrices with the backend's own matmul, free an
 * intermediate. The cpu backend keeps each tensor in a JS typed array; the wasm backend keeps it in the module's
 * heap, so a view must be taken right before use (any allocation may grow, and so detach, the heap).
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { gemm } from './gemm';
import { transpose2d as transposeInto } from './im2col';

export interface TensorAccess {
  /** The tensor's float32 values (a view on wasm: use it before the next allocation). */
  read(t: TensorInfo): Float32Array;
  /** The values in the tensor's own dtype (int32 ids, bool masks), same lifetime rule as `read`. */
  readTyped(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** A new float32 tensor whose values `fill` writes (the array is NOT zeroed on wasm). */
  output(shape: number[], fill: (out: Float32Array) => void): TensorInfo;
  /** a[m,k] x b[k,n] as [m,n], both row-major, no transposes (wasm: XNNPACK's fast path; cpu: ./gemm). */
  matmul(a: TensorInfo, b: TensorInfo): TensorInfo;
  /** A tensor's transpose as a new [cols, rows] tensor. */
  transpose2d(t: TensorInfo): TensorInfo;
  dispose(t: TensorInfo): void;
}

/** The same data seen with another shape (no copy): the kernels pass NHWC tensors as 2-D matrices. */
export function as2d(t: TensorInfo, rows: number, cols: number): TensorInfo {
  return { dataId: t.dataId, shape: [rows, cols], dtype: t.dtype };
}

// Structural views of the two backends: only the members used here, so no backend package is imported
// for its types (the wasm package may be absent from a bundle that never loads it).
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): boolean;
}

/** The wasm backend's own kernels the access layer calls (captured before any replacement is registered). */
export type WasmStockKernels = { batchMatMul: KernelFunc; transpose: KernelFunc };

export function cpuAccess(backend: object): TensorAccess {
  const b = backend as CpuBackendLike;
  const access: TensorAccess = {
    read: (t) => b.data.get(t.dataId).values as Float32Array,
    readTyped: (t) => b.data.get(t.dataId).values as Float32Array | Int32Array | Uint8Array,
    output(shape, fill) {
      const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
      fill(values);
      return b.makeTensorInfo(shape, 'float32', values);
    },
    matmul(x, y) {
      const [m, k] = x.shape;
      const n = y.shape[1];
      return access.output([m, n], (out) => gemm(access.read(x), access.read(y), m, k, n, out));
    },
    transpose2d(t) {
      const [rows, cols] = t.shape;
      const src = access.read(t);
      return access.output([cols, rows], (out) => transposeInto(src, rows, cols, out));
    },
    dispose: (t) => b.disposeIntermediateTensorInfo(t),
  };
  return access;
}

export function wasmAccess(backend: object, stock: WasmStockKernels): TensorAccess {
  const b = backend as WasmBackendLike;
  const transpose = stock.transpose;
  return {
    read: (t) => b.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: 'float32' }) as Float32Array,
    readTyped: (t) => b.typedArrayFromHeap(t),
    output(shape, fill) {
      const out = b.makeOutput(shape, 'float32');
      fill(b.typedArrayFromHeap(out) as Float32Array);
      return out;
    },
    matmul: (x, y) =>
      stock.batchMatMul({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo,
    transpose2d: (t) => transpose({ inputs: { x: t }, backend, attrs: { perm: [1, 0] } }) as TensorInfo,
    dispose: (t) => {
      b.disposeData(t.dataId);
    },
  };
}
