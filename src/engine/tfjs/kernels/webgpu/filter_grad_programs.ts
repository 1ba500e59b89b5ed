/**
 * WGSL programs for the filter gradient of a 2-D convolution (NHWC, no dilation) as an implicit-im2col GEMM:
 *   dW[m, n] = sum_k A[k, m] * dy[k, n],  m = (kh*KW + kw)*Cin + ci,  n = co,  k = (b*OH + oy)*OW + ox,
 *   A[k, m] = x[b, oy*sH + kh - padTop, ox*sW + kw - padLeft, ci]  (0 outside the image).
 * The output (KH*KW*Cin x Cout) is small and the reduction (batch*OH*OW) is long, so the reduction is split
 * ("split-K"): workgroup (i, j, z) computes a TM x TN output tile over the z-th chunk of k, staging TK rows of A
 * and dy in workgroup memory, and writes a partial sum; a second program adds the partials. tfjs-webgpu's own
 * Conv2DDerFilterProgram instead runs one thread per filter element over all of batch*OH*OW, which leaves a GPU
 * with a few thousand long serial threads and reads x and dy without reuse.
 */
import type { WebGpuProgram } from './program';

/** Threads per workgroup along n (x) and m (y); each thread owns (TM/8) x (TN/8) outputs. */
const THREADS = 8;
/** k rows staged per step. */
const TK = 32;

export interface FilterGradTiling {
  /** Output tile rows (m) and columns (n): 8, 16 or 32. */
  tm: number;
  tn: number;
  /** Number of k chunks (partial sums) and the k rows in each (a multiple of TK). */
  splits: number;
  kChunk: number;
}

const tileFor = (extent: number): number => (extent <= 8 ? 8 : extent <= 16 ? 16 : 32);

/**
 * Tile sizes and the split of the reduction. Enough workgroups to fill a large GPU (~1k), at least 8 staged
 * steps per workgroup so the partials stay small next to the inputs, and at most 16M partial floats.
 */
export function filterGradTiling(m: number, n: number, k: number): FilterGradTiling {
  const tm = tileFor(m);
  const tn = tileFor(n);
  const tiles = Math.ceil(m / tm) * Math.ceil(n / tn);
  const kTiles = Math.ceil(k / TK);
  let splits = Math.max(1, Math.min(Math.ceil(1024 / tiles), Math.floor(kTiles / 8), Math.floor((16 << 20) / (m * n))));
  const kChunk = Math.ceil(kTiles / splits) * TK;
  splits = Math.ceil(k / kChunk);
  return { tm, tn, splits, kChunk };
}

/** Partial filter gradients: output [splits, M, N] (or the filter shape itself when splits is 1). */
export class FilterGradPartialProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['x', 'dy'];
  uniforms =
    'pads : vec2<i32>, strides : vec2<i32>, inH : i32, inW : i32, inC : i32, filterW : i32, outH : i32, outW : i32, dimM : i32, dimN : i32, dimK : i32, kChunk : i32,';
  workgroupSize: [number, number, number] = [THREADS * THREADS, 1, 1];
  private readonly tm: number;
  private readonly tn: number;

  constructor(outputShape: number[], m: number, n: number, tiling: FilterGradTiling) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.tm = tiling.tm;
    this.tn = tiling.tn;
    this.dispatch = [Math.ceil(n / this.tn), Math.ceil(m / this.tm), tiling.splits];
    this.shaderKey = `msConv2DFilterGradPartial_${this.tm}_${this.tn}`;
  }

  getUserCode(): string {
    const { tm, tn } = this;
    const wg = THREADS * THREADS;
    const rm = tm / THREADS;
    const rn = tn / THREADS;
    const aLoads = (TK * tm) / wg;
    const bLoads = (TK * tn) / wg;
    const lines = (count: number, f: (i: number) => string): string => Array.from({ length: count }, (_, i) => f(i)).join('\n');
    return `
  var<workgroup> tileA : array<f32, ${TK * tm}>;
  var<workgroup> tileB : array<f32, ${TK * tn}>;
  // Per staged k row: x offset of (b, iy0, ix0, 0), iy0, ix0, and 1 when k is inside this chunk.
  var<workgroup> rowInfo : array<vec4<i32>, ${TK}>;

  fn main(index : i32) {
    let lid = i32(localIndex);
    let tx = lid % ${THREADS};
    let ty = lid / ${THREADS};
    let m0 = i32(workgroupId.y) * ${tm};
    let n0 = i32(workgroupId.x) * ${tn};
    let z = i32(workgroupId.z);
    let kStart = z * uniforms.kChunk;
    let kEnd = min(uniforms.dimK, kStart + uniforms.kChunk);
    let outHW = uniforms.outH * uniforms.outW;

    // The A column this thread stages is fixed (${tm} divides ${wg}): decompose m once.
    let aCol = lid % ${tm};
    let mA = m0 + aCol;
    let kwc = uniforms.filterW * uniforms.inC;
    let khA = mA / kwc;
    let kwA = (mA % kwc) / uniforms.inC;
    let ciA = mA % uniforms.inC;
    let offA = (khA * uniforms.inW + kwA) * uniforms.inC + ciA;
    let validA = mA < uniforms.dimM;
    let bCol = lid % ${tn};
    let nB = n0 + bCol;

    var acc : array<array<f32, ${rn}>, ${rm}>;
    // The trip count comes from uniforms only: WGSL needs barriers in uniform control flow, and tfjs hands
    // workgroupId over in a private variable, which the uniformity analysis treats as non-uniform.
    for (var step = 0; step < uniforms.kChunk / ${TK}; step = step + 1) {
      let kt = kStart + step * ${TK};
      if (lid < ${TK}) {
        let k = kt + lid;
        let b = k / outHW;
        let r = k - b * outHW;
        let oy = r / uniforms.outW;
        let ox = r - oy * uniforms.outW;
        let iy0 = oy * uniforms.strides.x - uniforms.pads.x;
        let ix0 = ox * uniforms.strides.y - uniforms.pads.y;
        rowInfo[lid] = vec4<i32>(((b * uniforms.inH + iy0) * uniforms.inW + ix0) * uniforms.inC, iy0, ix0, select(0, 1, k < kEnd));
      }
      workgroupBarrier();
${lines(aLoads, (i) => `      {
        let kk = lid / ${tm} + ${(i * wg) / tm};
        let info = rowInfo[kk];
        let iy = info.y + khA;
        let ix = info.z + kwA;
        var v = 0.0;
        if (validA && info.w == 1 && iy >= 0 && iy < uniforms.inH && ix >= 0 && ix < uniforms.inW) {
          v = x[info.x + offA];
        }
        tileA[kk * ${tm} + aCol] = v;
      }`)}
${lines(bLoads, (i) => `      {
        let kk = lid / ${tn} + ${(i * wg) / tn};
        let k = kt + kk;
        var v = 0.0;
        if (k < kEnd && nB < uniforms.dimN) {
          v = dy[k * uniforms.dimN + nB];
        }
        tileB[kk * ${tn} + bCol] = v;
      }`)}
      workgroupBarrier();
      for (var kk = 0; kk < ${TK}; kk = kk + 1) {
${lines(rm, (r) => `        let a${r} = tileA[kk * ${tm} + ty + ${r * THREADS}];`)}
${lines(rn, (c) => `        let b${c} = tileB[kk * ${tn} + tx + ${c * THREADS}];`)}
${lines(rm, (r) => lines(rn, (c) => `        acc[${r}][${c}] = fma(a${r}, b${c}, acc[${r}][${c}]);`))}
      }
      workgroupBarrier();
    }
${lines(rm, (r) => `    {
      let m = m0 + ty + ${r * THREADS};
${lines(rn, (c) => `      {
        let n = n0 + tx + ${c * THREADS};
        if (m < uniforms.dimM && n < uniforms.dimN) {
          result[(z * uniforms.dimM + m) * uniforms.dimN + n] = acc[${r}][${c}];
        }
      }`)}
    }`)}
  }
`;
  }
}

/** Sums the [splits, M*N] partials into the filter gradient. */
export class SumPartialsProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey = 'msSumPartials';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['partials'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const n = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(n / 64), 1, 1];
  }

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index < uniforms.size) {
      var s = 0.0;
      for (var z = 0; z < uniforms.splits; z = z + 1) {
        s = s + partials[z * uniforms.size + index];
      }
      result[index] = s;
    }
  }
`;
  }
}
