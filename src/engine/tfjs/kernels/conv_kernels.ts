/**
 * Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput as im2col + ONE matrix product on the backend's own
 * matmul (XNNPACK on wasm, tfjs' blocked JS matmul on cpu). The stock cpu kernels walk TensorBuffer.get per
 * element (Conv2DBackpropFilter: ~2.4 s for one 8-sample mnist-cnn step), and wasm has no
 * Conv2DBackpropFilter at all and a naive Conv2DBackpropInput loop.
 */
import type { backend_util as BackendUtil, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { colCols, colRows, nhwcGeometry, type WindowGeometry } from './geometry';
import { col2imAdd, im2col } from './im2col';
import { as2d, type TensorAccess } from './tensor_access';

type Rank4 = [number, number, number, number];
type KernelArgs = Parameters<KernelFunc>[0];

export interface ConvDeps {
  backendUtil: typeof BackendUtil;
  access(backend: object): TensorAccess;
  /** The kernel this one replaces, for configurations the fast path does not handle; null if the backend has none. */
  stock: KernelFunc | null;
  name: string;
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
    const m = colRows(g);
    const k = colCols(g);
    const cols = columns(a, x, g);
    const dy2d = as2d(dy, m, g.outC);
    let dw: TensorInfo;
    // dW[K,Cout] = cols^T x dy. Matmuls are fast only untransposed, so materialise the smaller transpose:
    // either cols^T (M*K values) or dy^T (M*Cout) and then the small [Cout,K] result.
    if (k <= g.outC) {
      const colsT = a.transpose2d(cols);
      dw = a.matmul(colsT, dy2d);
      a.dispose(colsT);
    } else {
      const dyT = a.transpose2d(dy2d);
      const dwT = a.matmul(dyT, cols);
      a.dispose(dyT);
      dwT.shape = [g.outC, k];
      dw = a.transpose2d(dwT);
      a.dispose(dwT);
    }
    a.dispose(cols);
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
