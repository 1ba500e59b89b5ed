/**
 * Single-threaded float32 GEMM for the pure-JS cpu backend: C[m,n] = A[m,k] x B[k,n], row-major.
 * B is packed into 4-column panels (contiguous in k) and a 4x4 block of C is accumulated in 16 locals, so each
 * step of k loads 8 values for 16 multiply-adds (tfjs-backend-cpu's blocked loop loads 2 per 1). k is cut into
 * KC-long slices so the 4 rows of A and the B panel being combined stay in L1 even when k is huge (the
 * conv filter gradient has k = N*OH*OW, 62k at batch 512).
 */
const NR = 4;
const KC = 512;

export function gemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, c: Float32Array): void {
  c.fill(0, 0, m * n);
  const panels = Math.ceil(n / NR);
  const packed = new Float32Array(panels * Math.min(k, KC) * NR);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    // packed[p][kk][0..3] = B[k0+kk][p*4 .. p*4+3], zero past n
    for (let p = 0; p < panels; p++) {
      const j0 = p * NR;
      const w = Math.min(NR, n - j0);
      let o = p * kc * NR;
      for (let kk = 0; kk < kc; kk++, o += NR) {
        const src = (k0 + kk) * n + j0;
        packed[o] = b[src];
        packed[o + 1] = w > 1 ? b[src + 1] : 0;
        packed[o + 2] = w > 2 ? b[src + 2] : 0;
        packed[o + 3] = w > 3 ? b[src + 3] : 0;
      }
    }
    blockProduct(a, packed, m, k, k0, kc, n, panels, c);
  }
}

/** C += A[:, k0:k0+kc] x packed panels. */
function blockProduct(
  a: Float32Array, packed: Float32Array, m: number, k: number, k0: number, kc: number, n: number, panels: number, c: Float32Array,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * k + k0, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let p = 0; p < panels; p++) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let o = p * kc * NR;
      for (let kk = 0; kk < kc; kk++, o += NR) {
        const b0 = packed[o], b1 = packed[o + 1], b2 = packed[o + 2], b3 = packed[o + 3];
        const x0 = a[a0 + kk], x1 = a[a1 + kk], x2 = a[a2 + kk], x3 = a[a3 + kk];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      add4(c, i * n, p * NR, n, c00, c01, c02, c03);
      add4(c, (i + 1) * n, p * NR, n, c10, c11, c12, c13);
      add4(c, (i + 2) * n, p * NR, n, c20, c21, c22, c23);
      add4(c, (i + 3) * n, p * NR, n, c30, c31, c32, c33);
    }
  }
  for (; i < m; i++) {
    const a0 = i * k + k0;
    for (let p = 0; p < panels; p++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let o = p * kc * NR;
      for (let kk = 0; kk < kc; kk++, o += NR) {
        const x = a[a0 + kk];
        c0 += x * packed[o]; c1 += x * packed[o + 1]; c2 += x * packed[o + 2]; c3 += x * packed[o + 3];
      }
      add4(c, i * n, p * NR, n, c0, c1, c2, c3);
    }
  }
}

function add4(c: Float32Array, row: number, j0: number, n: number, v0: number, v1: number, v2: number, v3: number): void {
  const w = n - j0;
  c[row + j0] += v0;
  if (w > 1) c[row + j0 + 1] += v1;
  if (w > 2) c[row + j0 + 2] += v2;
  if (w > 3) c[row + j0 + 3] += v3;
}
