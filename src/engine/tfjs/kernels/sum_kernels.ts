/**
 * Sum over every axis but the last: the gradient of a bias (Dense and Conv layers add one per channel). The stock
 * wasm Sum moves the reduced axes innermost with a full transpose first (75 ms for conv1's [512,26,26,32]
 * gradient at batch 512); one pass over the rows with a running total per channel reads the tensor once
 * (~15 ms in JS; on wasm our f32x4 kernel on every core, ./wasm/sumRows.ts). Other reductions go to the stock
 * kernel.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { TensorAccess } from './tensor_access';
import type { HeapAccess } from './wasm/heapKernels';

export interface SumDeps {
  access(backend: object): TensorAccess;
  stock: KernelFunc;
  /** wasm: our own kernel (f32x4, every core) for channel counts that are multiples of 4. */
  heap?: HeapAccess;
}

/** True when `axis` (tfjs' attr: a number or a list, negatives allowed) names exactly the axes 0..rank-2. */
export function reducesLeadingAxes(axis: unknown, rank: number): boolean {
  if (rank < 2) return false;
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (typeof a === 'number' && a < 0 ? a + rank : a));
  const unique = new Set(list);
  if (unique.size !== rank - 1 || list.length !== rank - 1) return false;
  for (let i = 0; i < rank - 1; i++) if (!unique.has(i)) return false;
  return true;
}

/** out[c] = sum over rows of x[row, c], accumulated in float64 (then rounded once to float32). */
export function sumRows(x: Float32Array, channels: number, out: Float32Array): void {
  const acc = new Float64Array(channels);
  for (let base = 0; base < x.length; base += channels) {
    for (let c = 0; c < channels; c++) acc[c] += x[base + c];
  }
  for (let c = 0; c < channels; c++) out[c] = acc[c];
}

export function sumKernel(deps: SumDeps): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs ?? {};
    const rank = x.shape.length;
    const channels = x.shape[rank - 1];
    if (x.dtype !== 'float32' || !reducesLeadingAxes(attrs.axis, rank) || channels === 0) return deps.stock(args);
    const a = deps.access(args.backend);
    const shape = attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
    const heap = deps.heap;
    if (!heap || channels % 4 !== 0) return a.output(shape, (out) => sumRows(a.read(x), channels, out));
    const out = a.output(shape, () => {});
    const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    heap.withScratch(channels, (scratch) => heap.kernels.sumRows(heap.pointer(x), heap.pointer(out), rows, channels, scratch));
    return out;
  };
}
