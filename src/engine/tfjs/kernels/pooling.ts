/**
 * Max-pool gradient on flat NHWC Float32Arrays. Semantics copy tfjs-backend-cpu's MaxPoolGrad
 * (kernels/MaxPoolGrad.ts + utils/pool_utils.ts maxPoolPositions): within each window (padding excluded) the
 * FIRST strictly-greatest input, scanned row-major, receives the whole upstream gradient; a window with no
 * value > -Infinity (all NaN / -Inf) passes nothing. Ties matter in practice: pooling after ReLU sees windows of
 * zeros, and the first zero must win, as in the reference.
 */
import type { WindowGeometry } from './geometry';

/** dx (zeroed by the caller, x's shape) += routed dy. */
export function maxPoolGradNHWC(x: Float32Array, dy: Float32Array, g: WindowGeometry, dx: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rowStride = inW * inC;
  for (let n = 0; n < batch; n++) {
    const xBatch = n * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * strideH - padTop;
      const ihStart = Math.max(0, ih0);
      const ihEnd = Math.min(inH, ih0 + kH);
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const iwStart = Math.max(0, iw0);
        const iwEnd = Math.min(inW, iw0 + kW);
        const dyBase = ((n * outH + oh) * outW + ow) * inC;
        const winBase = xBatch + ihStart * rowStride + iwStart * inC;
        if (ihEnd - ihStart === 2 && iwEnd - iwStart === 2) {
          // The common 2x2 window, unrolled (same first-strict-max order: top-left, top-right, bottom-left, bottom-right).
          for (let c = 0; c < inC; c++) {
            const p0 = winBase + c;
            const p2 = p0 + rowStride;
            let pos = -1;
            let best = -Infinity;
            if (x[p0] > best) { best = x[p0]; pos = p0; }
            if (x[p0 + inC] > best) { best = x[p0 + inC]; pos = p0 + inC; }
            if (x[p2] > best) { best = x[p2]; pos = p2; }
            if (x[p2 + inC] > best) { pos = p2 + inC; }
            if (pos >= 0) dx[pos] += dy[dyBase + c];
          }
          continue;
        }
        // Channel outermost: the window's few pixels stay in cache and the running max lives in registers.
        for (let c = 0; c < inC; c++) {
          let best = -Infinity;
          let pos = -1;
          for (let ih = ihStart, rowBase = winBase + c; ih < ihEnd; ih++, rowBase += rowStride) {
            for (let iw = iwStart, p = rowBase; iw < iwEnd; iw++, p += inC) {
              const v = x[p];
              if (v > best) {
                best = v;
                pos = p;
              }
            }
          }
          if (pos >= 0) dx[pos] += dy[dyBase + c];
        }
      }
    }
  }
}
