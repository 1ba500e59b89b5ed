/**
 * DepthwiseConv2dNativeBackpropFilter / DepthwiseConv2dNativeBackpropInput for backends that lack them
 * (tfjs-backend-wasm 4.22 has only the forward DepthwiseConv2dNative), as flat loops over NHWC typed arrays.
 * Without them DepthwiseConv2D and SeparableConv2D cannot train on wasm.
 *
 * Layouts as tfjs has them: x [N,H,W,C], filter [KH,KW,C,M], dy [N,OH,OW,C*M] with output channel c*M+m.
 * Geometry comes from backend_util.computeConv2DInfo(..., depthwise = true), so padding and rounding follow
 * tfjs. Dilation is honoured (tap (kr,kc) reads x at row oy*strideH + kr*dilationH - padTop); tfjs-core's
 * gradient refuses dilated depthwise convolutions anyway (gradients/DepthwiseConv2dNative_grad.js).
 */
import type { backend_util as BackendUtil, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { TensorAccess } from './tensor_access';

export interface DepthwiseDeps {
  backendUtil: typeof BackendUtil;
  access(backend: object): TensorAccess;
}

export interface DepthwiseGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  /** Channel multiplier M. */
  mult: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

function depthwiseGeometry(deps: DepthwiseDeps, inShape: number[], filterShape: number[], attrs: NamedAttrMap): DepthwiseGeometry {
  const info = deps.backendUtil.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    (attrs.dilations ?? 1) as [number, number] | number,
    attrs.pad as 'valid' | 'same' | number | BackendUtil.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    true,
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    mult: info.outChannels / info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilH: info.dilationHeight,
    dilW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * dW[kr,kc,c,m] = sum over n, oy, ox of x[n, iy, ix, c] * dy[n, oy, ox, c*M+m]. Accumulated in float64: each
 * filter element sums N*OH*OW products (100k for a batch of 128 on 28x28), too many for float32 to stay at 1e-5.
 */
export function depthwiseFilterGrad(x: ArrayLike<number>, dy: ArrayLike<number>, g: DepthwiseGeometry, acc: Float64Array): void {
  const outC = g.inC * g.mult;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let kr = 0; kr < g.kH; kr++) {
        const iy = oy * g.strideH + kr * g.dilH - g.padTop;
        if (iy < 0 || iy >= g.inH) continue;
        for (let ox = 0; ox < g.outW; ox++) {
          const dyBase = ((n * g.outH + oy) * g.outW + ox) * outC;
          for (let kc = 0; kc < g.kW; kc++) {
            const ix = ox * g.strideW + kc * g.dilW - g.padLeft;
            if (ix < 0 || ix >= g.inW) continue;
            const xBase = ((n * g.inH + iy) * g.inW + ix) * g.inC;
            const wBase = (kr * g.kW + kc) * outC;
            for (let c = 0; c < g.inC; c++) {
              const xv = x[xBase + c];
              const o = c * g.mult;
              for (let m = 0; m < g.mult; m++) acc[wBase + o + m] += xv * dy[dyBase + o + m];
            }
          }
        }
      }
    }
  }
}

/**
 * dx[n,iy,ix,c] = sum over the taps that read (iy, ix) of filter[kr,kc,c,m] * dy[n,oy,ox,c*M+m]: gathered per
 * input pixel (so each dx value is written once) with the channel sums in a small float64 row.
 */
export function depthwiseInputGrad(dy: ArrayLike<number>, filter: ArrayLike<number>, g: DepthwiseGeometry, dx: Float32Array): void {
  const outC = g.inC * g.mult;
  const row = new Float64Array(g.inC);
  for (let n = 0; n < g.batch; n++) {
    for (let iy = 0; iy < g.inH; iy++) {
      for (let ix = 0; ix < g.inW; ix++) {
        row.fill(0);
        for (let kr = 0; kr < g.kH; kr++) {
          const ty = iy + g.padTop - kr * g.dilH;
          if (ty < 0 || ty % g.strideH !== 0) continue;
          const oy = ty / g.strideH;
          if (oy >= g.outH) continue;
          for (let kc = 0; kc < g.kW; kc++) {
            const tx = ix + g.padLeft - kc * g.dilW;
            if (tx < 0 || tx % g.strideW !== 0) continue;
            const ox = tx / g.strideW;
            if (ox >= g.outW) continue;
            const dyBase = ((n * g.outH + oy) * g.outW + ox) * outC;
            const wBase = (kr * g.kW + kc) * outC;
            for (let c = 0; c < g.inC; c++) {
              const o = c * g.mult;
              let s = 0;
              for (let m = 0; m < g.mult; m++) s += filter[wBase + o + m] * dy[dyBase + o + m];
              row[c] += s;
            }
          }
        }
        const dxBase = ((n * g.inH + iy) * g.inW + ix) * g.inC;
        for (let c = 0; c < g.inC; c++) dx[dxBase + c] = row[c];
      }
    }
  }
}

function requireFloat(name: string, ...ts: TensorInfo[]): void {
  for (const t of ts) if (t.dtype !== 'float32') throw new Error(`${name}: float32 only on this backend (got ${t.dtype}).`);
}

export function depthwiseBackpropFilterKernel(deps: DepthwiseDeps): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs ?? {};
    requireFloat('DepthwiseConv2dNativeBackpropFilter', x, dy);
    const filterShape = attrs.filterShape as number[];
    const g = depthwiseGeometry(deps, x.shape, filterShape, attrs);
    const a = deps.access(args.backend);
    const acc = new Float64Array(filterShape.reduce((p, d) => p * d, 1));
    return a.output([...filterShape], (dw) => {
      depthwiseFilterGrad(a.read(x), a.read(dy), g, acc);
      dw.set(acc);
    });
  };
}

export function depthwiseBackpropInputKernel(deps: DepthwiseDeps): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs ?? {};
    requireFloat('DepthwiseConv2dNativeBackpropInput', dy, filter);
    const inputShape = attrs.inputShape as number[];
    const g = depthwiseGeometry(deps, inputShape, filter.shape, attrs);
    const a = deps.access(args.backend);
    return a.output([...inputShape], (dx) => depthwiseInputGrad(a.read(dy), a.read(filter), g, dx));
  };
}
