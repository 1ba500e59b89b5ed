/**
 * UnsortedSegmentSum for backends that lack it (tfjs-backend-wasm 4.22 has none). It is the gradient of
 * GatherV2 (tfjs-core gradients/GatherV2_grad.js), so without it an Embedding layer cannot train on wasm.
 *
 * Semantics follow the tfjs cpu kernel (tfjs-backend-cpu kernels/UnsortedSegmentSum.ts), which is a sum of
 * `x * (segmentIds == s)` over axis 0 for each s in [0, numSegments): ids that are negative or >= numSegments
 * contribute to no segment, the output is always float32, and segment ids of rank r > 1 are expanded to
 * `[ids.shape[0], 1 x (x.rank - r), ...ids.shape[1:]]` and broadcast against x before the axis-0 sum (a tfjs
 * quirk, kept so both engines compute the same thing). One difference on purpose: a NaN/Inf in x only affects
 * its own segment here, as in TensorFlow, where the cpu kernel's `0 * NaN` spreads it to every segment.
 */
import type { backend_util as BackendUtil, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { TensorAccess } from './tensor_access';

export interface SegmentDeps {
  backendUtil: typeof BackendUtil;
  access(backend: object): TensorAccess;
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** Row-major strides of `shape` as seen from the broadcast shape `out` (0 along a broadcast dimension). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1, j = out.length - 1; i >= 0; i--, j--) {
    strides[j] = shape[i] === 1 && out[j] !== 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * sums[s * inner + r] += x[i * inner + r] for every row i with 0 <= ids[i] < numSegments: the common case
 * (1-D ids, one per row of x), as Embedding's gradient has it.
 */
export function segmentSumRows(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
  sums: Float64Array,
): void {
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (!(s >= 0 && s < numSegments)) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let r = 0; r < inner; r++) sums[dst + r] += x[src + r];
  }
}

/** The general (broadcast) case: walk every index of the broadcast shape `b` with an odometer. */
function segmentSumBroadcast(
  x: ArrayLike<number>,
  xStrides: number[],
  ids: ArrayLike<number>,
  idStrides: number[],
  b: readonly number[],
  numSegments: number,
  sums: Float64Array,
): void {
  const total = size(b);
  const inner = total / (b[0] || 1);
  const index = new Array<number>(b.length).fill(0);
  let xi = 0;
  let ii = 0;
  for (let flat = 0; flat < total; flat++) {
    const s = ids[ii];
    if (s >= 0 && s < numSegments) sums[s * inner + (flat % inner)] += x[xi];
    // Advance the odometer and the two offsets.
    for (let d = b.length - 1; d >= 0; d--) {
      index[d]++;
      xi += xStrides[d];
      ii += idStrides[d];
      if (index[d] < b[d]) break;
      xi -= xStrides[d] * b[d];
      ii -= idStrides[d] * b[d];
      index[d] = 0;
    }
  }
}

export function unsortedSegmentSumKernel(deps: SegmentDeps): KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = Number(args.attrs?.numSegments);
    if (x.dtype === 'complex64' || x.dtype === 'string') throw new Error(`UnsortedSegmentSum: ${x.dtype} is not supported.`);
    const a = deps.access(args.backend);
    const simple = segmentIds.shape.length === 1 && x.shape.length >= 1 && x.shape[0] === segmentIds.shape[0];
    let b: number[];
    let expanded: number[] = segmentIds.shape;
    if (simple) {
      b = [...x.shape];
    } else {
      const extra = x.shape.length - segmentIds.shape.length;
      if (extra > 0) expanded = [segmentIds.shape[0], ...new Array<number>(extra).fill(1), ...segmentIds.shape.slice(1)];
      b = deps.backendUtil.assertAndGetBroadcastShape(expanded, x.shape);
    }
    const inner = b.length === 0 ? 1 : size(b.slice(1));
    const outShape = [numSegments, ...b.slice(1)];
    const sums = new Float64Array(numSegments * inner);
    return a.output(outShape, (out) => {
      // Views after output() allocated (the wasm heap may have grown).
      const xv = a.readTyped(x);
      const ids = a.readTyped(segmentIds);
      if (simple) segmentSumRows(xv, ids, inner, numSegments, sums);
      else if (b.length > 0) segmentSumBroadcast(xv, broadcastStrides(x.shape, b), ids, broadcastStrides(expanded, b), b, numSegments, sums);
      else segmentSumRows(xv, ids, 1, numSegments, sums); // scalar x and ids
      for (let i = 0; i < sums.length; i++) out[i] = sums[i];
    });
  };
}
