/**
 * Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput as im2col + ONE matrix product on the backend's own
 * matmul (tfjs' blocked JS matmul on cpu; on wasm our own product kernel for the filter gradient and XNNPACK's
 * forward convolution for a stride-1 input gradient). The stock cpu kernels walk TensorBuffer.get per element
 * (Conv2DBackpropFilter: ~2.4 s for one 8-sample mnist-cnn step), and wasm has no Conv2DBackpropFilter at all
 * and a naive Conv2DBackpropInput loop.
 */
import type { backend_util as BackendUtil, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { colCols, colRows, nhwcGeometry, type WindowGeometry } from './geometry';
import { col2imAdd, im2col, im2colTransposed } from './im2col';
import { as2d, type TensorAccess } from './tensor_access';
import type { HeapAccess } from './wasm/heapKernels';

type Rank4 = [number, number, number, number];
type KernelArgs = Parameters<KernelFunc>[0];

export interface ConvDeps {
  backendUtil: typeof BackendUtil;
  access(backend: object): TensorAccess;
  /** The kernel this one replaces, for configurations the fast path does not handle; null if the backend has none. */
  stock: KernelFunc | null;
  name: string;
  /** The backend's own forward convolution, when it is fast (wasm: XNNPACK): the input gradient of a stride-1
   * convolution is then one forward convolution of dy with the flipped filter. */
  forwardConv?: KernelFunc;
  /** Our own wasm kernels on the backend's heap (wasm only), and where a tensor lies in that heap. */
  heap?: HeapAccess;
}

function geometry(deps: ConvDeps, inShape: number[], filterShape: number[], attrs: NamedAttrMap, dilations: unknown): WindowGeometry | null {
  const bu = deps.backendUtil;
  const dataFormat = bu.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC');
  const info = bu.computeConv2DInfo(
    inShape as Rank4,
    filterShape as Rank4,
    attrs.strides as [number, number] | number,
    (dilations ?? 1) as [number, number] | number,
    attrs.pad as 'valid' | 'same' | number | BackendUtil.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
  return nhwcGeometry(info);
}

function fallback(deps: ConvDeps, args: KernelArgs): TensorInfo | TensorInfo[] {
  if (deps.stock) return deps.stock(args);
  throw new Error(`${deps.name}: this backend has no kernel for channels_first or dilated convolutions.`);
}

/** The im2col matrix of x as a new [N*OH*OW, KH*KW*Cin] tensor. */
function columns(a: TensorAccess, x: TensorInfo, g: WindowGeometry): TensorInfo {
  // read(x) inside fill: on wasm the heap view must be taken after output() allocated.
  return a.output([colRows(g), colCols(g)], (cols) => im2col(a.read(x), g, cols));
}

export function conv2dKernel(deps: ConvDeps): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    if (x.dtype !== 'float32' || filter.dtype !== 'float32') return fallback(deps, args);
    const g = geometry(deps, x.shape, filter.shape, args.attrs ?? {}, args.attrs?.dilations);
    if (!g) return fallback(deps, args);
    const a = deps.access(args.backend);
    const cols = columns(a, x, g);
    const y = a.matmul(cols, as2d(filter, colCols(g), g.outC));
    a.dispose(cols);
    y.shape = [g.batch, g.outH, g.outW, g.outC];
    return y;
  };
}

export function conv2dBackpropFilterKernel(deps: ConvDeps): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs ?? {};
    const filterShape = attrs.filterShape as number[];
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return fallback(deps, args);
    const g = geometry(deps, x.shape, filterShape, attrs, 1);
    if (!g) return fallback(deps, args);
    const a = deps.access(args.backend);
    // dW[K,Cout] = cols^T x dy, with cols^T built directly: the product is untransposed (fast on every backend)
    // and its result is already the HWIO filter, so there is no transpose at all.
    const colsT = a.output([colCols(g), colRows(g)], (out) => {
      if (!deps.heap) im2colTransposed(a.read(x), g, out);
    });
    if (deps.heap) deps.heap.kernels.im2colTransposed(deps.heap.pointer(x), deps.heap.pointer(colsT), g);
    const dw = deps.heap && g.outC % 8 === 0 ? heapProduct(deps.heap, a, colsT, dy, g) : a.matmul(colsT, as2d(dy, colRows(g), g.outC));
    a.dispose(colsT);
    dw.shape = [...filterShape];
    return dw;
  };
}

export function conv2dBackpropInputKernel(deps: ConvDeps): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs ?? {};
    const inputShape = attrs.inputShape as number[];
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return fallback(deps, args);
    const g = geometry(deps, inputShape, filter.shape, attrs, 1);
    if (!g) return fallback(deps, args);
    const a = deps.access(args.backend);
    if (deps.forwardConv && g.strideH === 1 && g.strideW === 1) {
      const dx = flippedConvolution(deps.forwardConv, a, args.backend, dy, filter, g);
      if (dx) return dx;
    }
    const k = colCols(g);
    // dCols[M,K] = dy[M,Cout] x W^T[Cout,K]; then each column entry is added back to the input pixel it came from.
    const wT = a.transpose2d(as2d(filter, k, g.outC));
    const dCols = a.matmul(as2d(dy, colRows(g), g.outC), wT);
    a.dispose(wT);
    const dx = a.output([...inputShape], (out) => {
      out.fill(0);
      col2imAdd(a.read(dCols), g, out);
    });
    a.dispose(dCols);
    return dx;
  };
}

/**
 * The input gradient of a stride-1 convolution as a forward convolution: dx[i] = sum over taps of dy[i + pad' -
 * tap'] x W[flipped tap] with the filter's in/out channels swapped, padded by (kernel - 1 - pad) on each side so
 * the output is the input's size. One pass of the backend's convolution (XNNPACK's on wasm: ~70 GFLOP/s here),
 * no [N*OH*OW, KH*KW*Cin] intermediate and no scatter-add. Null when a side's padding exceeds kernel - 1 (then
 * the padded convolution would need cropping; the caller takes the im2col path).
 */
function flippedConvolution(conv: KernelFunc, a: TensorAccess, backend: object, dy: TensorInfo, filter: TensorInfo, g: WindowGeometry): TensorInfo | null {
  const { kH, kW, inC, outC } = g;
  const top = kH - 1 - g.padTop;
  const bottom = g.inH + kH - 1 - g.outH - top;
  const left = kW - 1 - g.padLeft;
  const right = g.inW + kW - 1 - g.outW - left;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) return null;
  // flipped[kh][kw][co][ci] = filter[kH-1-kh][kW-1-kw][ci][co]
  const flipped = a.output([kH, kW, outC, inC], (out) => {
    const w = a.read(filter);
    for (let kh = 0; kh < kH; kh++)
      for (let kw = 0; kw < kW; kw++) {
        const src = ((kH - 1 - kh) * kW + (kW - 1 - kw)) * inC * outC;
        const dst = (kh * kW + kw) * outC * inC;
        for (let ci = 0; ci < inC; ci++) for (let co = 0; co < outC; co++) out[dst + co * inC + ci] = w[src + ci * outC + co];
      }
  });
  try {
    return conv({
      inputs: { x: dy, filter: flipped },
      backend,
      attrs: { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] },
    }) as TensorInfo;
  } finally {
    a.dispose(flipped);
  }
}

/**
 * dW = colsT x dy with our own wasm kernel (./wasm/rowsProduct: no packing of dy, every core): XNNPACK packs all
 * of dy as weights on every call (conv1's dW at batch 512: 57-99 ms against ~5 here).
 */
function heapProduct(heap: HeapAccess, a: TensorAccess, colsT: TensorInfo, dy: TensorInfo, g: WindowGeometry): TensorInfo {
  const k = colCols(g);
  const dw = a.output([k, g.outC], () => {});
  heap.withScratch(k * g.outC, (scratch) => heap.kernels.rowsProduct(heap.pointer(colsT), heap.pointer(dy), heap.pointer(dw), k, colRows(g), g.outC, scratch));
  return dw;
}
