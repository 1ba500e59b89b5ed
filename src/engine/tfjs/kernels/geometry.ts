/**
 * Geometry of a 2-D convolution or pooling window over an NHWC tensor, reduced to the integers the typed-array
 * loops need. Built from tfjs' own `backend_util.computeConv2DInfo` / `computePool2DInfo` so padding ('same',
 * 'valid', explicit) and rounding follow tfjs exactly.
 */
import type { backend_util } from '@tensorflow/tfjs';

export interface WindowGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  /** Output channels (convolution) or inC (pooling). */
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * The geometry when the fast loops handle this configuration: channels-last and no dilation. Anything else
 * (channels_first, dilated kernels) returns null and the caller falls back to the backend's stock kernel.
 */
export function nhwcGeometry(info: backend_util.Conv2DInfo): WindowGeometry | null {
  if (info.dataFormat !== 'channelsLast') return null;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Rows of the im2col matrix: one per output pixel (N * OH * OW). */
export function colRows(g: WindowGeometry): number {
  return g.batch * g.outH * g.outW;
}

/** Columns of the im2col matrix: one per filter tap (KH * KW * Cin), in the filter's HWIO order. */
export function colCols(g: WindowGeometry): number {
  return g.kH * g.kW * g.inC;
}
