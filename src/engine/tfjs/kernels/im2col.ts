/**
 * im2col / col2im on flat NHWC Float32Arrays. A convolution becomes one matrix product over the "column"
 * matrix `cols[N*OH*OW, KH*KW*Cin]` whose column order equals the HWIO filter's flattened [KH*KW*Cin, Cout]
 * rows, so forward = cols x W, dW = cols^T x dy, dCols = dy x W^T (then col2im-add into dx).
 */
import type { WindowGeometry } from './geometry';

/** Fill `cols` (length colRows*colCols, need not be zeroed) from `x` (NHWC). Padding taps are written as 0. */
export function im2col(x: Float32Array, g: WindowGeometry, cols: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rowLen = kH * kW * inC;
  const tapRow = kW * inC;
  let r = 0;
  for (let n = 0; n < batch; n++) {
    const xBatch = n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++, r += rowLen) {
        const iw0 = ow * strideW - padLeft;
        for (let kh = 0; kh < kH; kh++) {
          const ih = ih0 + kh;
          const dst0 = r + kh * tapRow;
          if (ih < 0 || ih >= inH) {
            cols.fill(0, dst0, dst0 + tapRow);
            continue;
          }
          const xRow = xBatch + ih * inW * inC;
          for (let kw = 0; kw < kW; kw++) {
            const iw = iw0 + kw;
            const dst = dst0 + kw * inC;
            if (iw < 0 || iw >= inW) {
              cols.fill(0, dst, dst + inC);
            } else if (inC === 1) {
              cols[dst] = x[xRow + iw];
            } else {
              // copyWithin-style block copy: Cin floats are contiguous in NHWC on both sides.
              const src = xRow + iw * inC;
              for (let c = 0; c < inC; c++) cols[dst + c] = x[src + c];
            }
          }
        }
      }
    }
  }
}

/**
 * The im2col matrix transposed, `colsT[KH*KW*Cin, N*OH*OW]`, written directly (no transpose pass: the backend's
 * Transpose of a 70 MB matrix took longer than the product). The filter gradient is then the untransposed
 * product dW = colsT x dy, the fast path of every matmul. Image by image, so one image's pixels stay in cache
 * while its rows of every tap are written.
 */
export function im2colTransposed(x: Float32Array, g: WindowGeometry, colsT: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rows = batch * outH * outW;
  for (let n = 0; n < batch; n++) {
    const xBatch = n * inH * inW * inC;
    const r0 = n * outH * outW;
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        // Output columns whose tap lands inside the image: iw = ow*strideW - padLeft + kw in [0, inW).
        const owStart = Math.min(outW, Math.max(0, Math.ceil((padLeft - kw) / strideW)));
        const owEnd = Math.max(owStart, Math.min(outW, Math.floor((inW - 1 + padLeft - kw) / strideW) + 1));
        for (let ci = 0; ci < inC; ci++) {
          let dst = ((kh * kW + kw) * inC + ci) * rows + r0;
          for (let oh = 0; oh < outH; oh++, dst += outW) {
            const ih = oh * strideH - padTop + kh;
            if (ih < 0 || ih >= inH) {
              colsT.fill(0, dst, dst + outW);
              continue;
            }
            if (owStart > 0) colsT.fill(0, dst, dst + owStart);
            if (owEnd < outW) colsT.fill(0, dst + owEnd, dst + outW);
            const step = strideW * inC;
            let src = xBatch + (ih * inW + owStart * strideW - padLeft + kw) * inC + ci;
            for (let ow = owStart; ow < owEnd; ow++, src += step) colsT[dst + ow] = x[src];
          }
        }
      }
    }
  }
}

/** Scatter-add `cols` back into `dx` (NHWC). `dx` must be zeroed by the caller; padding taps are dropped. */
export function col2imAdd(cols: Float32Array, g: WindowGeometry, dx: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rowLen = kH * kW * inC;
  const tapRow = kW * inC;
  let r = 0;
  for (let n = 0; n < batch; n++) {
    const xBatch = n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++, r += rowLen) {
        const iw0 = ow * strideW - padLeft;
        for (let kh = 0; kh < kH; kh++) {
          const ih = ih0 + kh;
          if (ih < 0 || ih >= inH) continue;
          const src0 = r + kh * tapRow;
          const xRow = xBatch + ih * inW * inC;
          for (let kw = 0; kw < kW; kw++) {
            const iw = iw0 + kw;
            if (iw < 0 || iw >= inW) continue;
            const src = src0 + kw * inC;
            const dst = xRow + iw * inC;
            for (let c = 0; c < inC; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/** out[c][r] = a[r][c] for a row-major [rows, cols] matrix. Blocked so both sides stay in cache. */
export function transpose2d(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const ar = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = a[ar + c];
      }
    }
  }
}
