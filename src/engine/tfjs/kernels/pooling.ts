/**
 * Max-pool gradient on flat NHWC Float32Arrays. Semantics copy tfjs-backend-cpu's MaxPoolGrad
 * (kernels/MaxPoolGrad.ts + utils/pool_utils.ts maxPoolPositions): within each window (padding excluded) the
 * FIRST strictly-greatest input, scanned row-major, receives the whole upstream gradient; a window with no
 * value > -Infinity (all NaN / -Inf) passes nothing. Ties matter in practice: pooling after ReLU sees windows of
 * zeros, and the first zero must win, as in the reference.
 */
import type { WindowGeometry } from './geometry';

/** dx (x's shape, any contents) = the routed dy. */
export function maxPoolGradNHWC(x: Float32Array, dy: Float32Array, g: WindowGeometry, dx: Float32Array): void {
  if (g.kH === 2 && g.kW === 2 && g.strideH >= 2 && g.strideW >= 2 && g.padTop === 0 && g.padLeft === 0 && (g.outH - 1) * g.strideH + 2 <= g.inH && (g.outW - 1) * g.strideW + 2 <= g.inW) {
    // (The last window ends inside the image: with 'same' padding it may reach into the bottom/right padding.)
    // Disjoint windows (Keras' default MaxPooling2D): every pixel gets exactly one value, written once.
    if (g.strideH !== 2 || g.strideW !== 2 || 2 * g.outH !== g.inH || 2 * g.outW !== g.inW) dx.fill(0);
    maxPoolGrad2x2Disjoint(x, dy, g, dx);
    return;
  }
  dx.fill(0);
  maxPoolGradWindows(x, dy, g, dx);
}

/**
 * 2x2 windows that do not overlap and lie inside the image: each window's four pixels are written (dy to the
 * first strictly greatest, 0 to the others), so dx needs no zeroing pass and no read-modify-write. Pixels in
 * no window are left as they are (the caller zeroes dx when the windows do not tile it).
 */
function maxPoolGrad2x2Disjoint(x: Float32Array, dy: Float32Array, g: WindowGeometry, dx: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, strideH, strideW } = g;
  const rowStride = inW * inC;
  let d = 0;
  for (let n = 0; n < batch; n++) {
    const xBatch = n * inH * rowStride;
    for (let oh = 0; oh < outH; oh++) {
      const rowBase = xBatch + oh * strideH * rowStride;
      for (let ow = 0; ow < outW; ow++) {
        const p0 = rowBase + ow * strideW * inC;
        for (let c = 0; c < inC; c++, d++) {
          const a = p0 + c, b = a + inC, e = a + rowStride, f = e + inC;
          // A branch-free tournament (comparisons as 0/1 pick indices): the first strictly greatest of each
          // row, then the bottom row's only if strictly greater. Pooling after ReLU makes the sequential
          // if-chain's branches unpredictable; this is ~1.8x faster and picks the same pixel.
          const top = a + +(x[b] > x[a]) * inC;
          const bottom = e + +(x[f] > x[e]) * inC;
          let win = top + +(x[bottom] > x[top]) * (bottom - top);
          // The sequential scan skips NaN and lets no -Infinity win; the tournament differs only when a NaN
          // leads a row or the winner is not above -Infinity: scan those windows in order.
          if (!(x[win] > -Infinity) || x[a] !== x[a] || x[e] !== x[e]) win = firstGreatest(x, a, b, e, f);
          dx[a] = 0;
          dx[b] = 0;
          dx[e] = 0;
          dx[f] = 0;
          if (win >= 0) dx[win] = dy[d];
        }
      }
    }
  }
}

/** The first of the four pixels holding a value greater than every earlier one and than -Infinity, else -1. */
function firstGreatest(x: Float32Array, a: number, b: number, e: number, f: number): number {
  let best = -Infinity;
  let win = -1;
  for (const p of [a, b, e, f]) {
    if (x[p] > best) {
      best = x[p];
      win = p;
    }
  }
  return win;
}

/** Any window (overlapping, padded): dx, zeroed, += routed dy. */
function maxPoolGradWindows(x: Float32Array, dy: Float32Array, g: WindowGeometry, dx: Float32Array): void {
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
