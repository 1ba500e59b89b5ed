/**
 * `im2colT(x, colsT, batch, r0, M, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft)`: the
 * transposed im2col matrix of kernels/im2col.ts `im2colTransposed` (colsT[(kh*kW + kw)*inC + ci][r], rows M
 * long) for `batch` images starting at x, written from column r0 on (threads take whole images). Padding taps
 * are 0: out-of-image taps read from x itself and are replaced by 0 with `select`, so the inner loop has no
 * branch. The filter gradient's product then reads it (./rowsProduct.ts).
 */
import { I32, op, whileNot, type Bytes, type FunctionSpec } from './encoder';

const [X, COLS, BATCH, R0, M, IN_H, IN_W, IN_C, OUT_H, OUT_W, K_H, K_W, S_H, S_W, PAD_T, PAD_L] = Array.from({ length: 16 }, (_, i) => i);
const [N, KH, KW, CI, OH, OW, IH, IW, X_IMG, DST, SRC, STEP, ROW_OK, OK, R_BASE] = Array.from({ length: 15 }, (_, i) => 16 + i);

const get = op.localGet;
const set = op.localSet;
const i32 = op.i32Const;
const addTo = (local: number, delta: Bytes): Bytes => [...get(local), ...delta, ...op.i32Add, ...set(local)];
const product = (...terms: Bytes[]): Bytes => [...terms[0], ...terms.slice(1).flatMap((t) => [...t, ...op.i32Mul])];
const countTo = (counter: number, limit: number, body: Bytes): Bytes => [
  ...i32(0), ...set(counter),
  ...whileNot([...get(counter), ...get(limit), ...op.i32GeS], [...body, ...addTo(counter, i32(1))]),
];

export function im2colTransposedFunction(): FunctionSpec {
  const pixel: Bytes = [
    // ok = rowOk & (iw <u inW); the value is x[src] where ok, else 0 (read from xImg, always in bounds)
    ...get(ROW_OK), ...get(IW), ...get(IN_W), ...op.i32LtU, ...op.i32And, ...set(OK),
    ...get(DST),
    ...get(SRC), ...get(X_IMG), ...get(OK), ...op.select, ...op.f32Load(0),
    ...op.f32Const(0), ...get(OK), ...op.select,
    ...op.f32Store(0),
    ...addTo(DST, i32(4)),
    ...addTo(SRC, get(STEP)),
    ...addTo(IW, get(S_W)),
  ];
  const outRow: Bytes = [
    // ih = oh*strideH - padTop + kh; src = xImg + ((ih*inW + kw - padLeft)*inC + ci)*4; iw = kw - padLeft
    ...get(OH), ...get(S_H), ...op.i32Mul, ...get(PAD_T), ...op.i32Sub, ...get(KH), ...op.i32Add, ...set(IH),
    ...get(IH), ...get(IN_H), ...op.i32LtU, ...set(ROW_OK),
    ...get(KW), ...get(PAD_L), ...op.i32Sub, ...set(IW),
    ...get(X_IMG), ...get(IH), ...get(IN_W), ...op.i32Mul, ...get(IW), ...op.i32Add, ...get(IN_C), ...op.i32Mul, ...get(CI), ...op.i32Add, ...i32(4), ...op.i32Mul, ...op.i32Add, ...set(SRC),
    ...countTo(OW, OUT_W, pixel),
  ];
  const tapChannel: Bytes = [
    // dst = colsT + ((kh*kW + kw)*inC + ci)*M*4 + rBase
    ...get(COLS), ...get(KH), ...get(K_W), ...op.i32Mul, ...get(KW), ...op.i32Add, ...get(IN_C), ...op.i32Mul, ...get(CI), ...op.i32Add, ...get(M), ...op.i32Mul, ...i32(4), ...op.i32Mul, ...op.i32Add, ...get(R_BASE), ...op.i32Add, ...set(DST),
    ...countTo(OH, OUT_H, outRow),
  ];
  const image: Bytes = [
    ...get(X), ...product(get(N), get(IN_H), get(IN_W), get(IN_C), i32(4)), ...op.i32Add, ...set(X_IMG),
    ...get(R0), ...product(get(N), get(OUT_H), get(OUT_W)), ...op.i32Add, ...i32(4), ...op.i32Mul, ...set(R_BASE),
    ...countTo(KH, K_H, countTo(KW, K_W, countTo(CI, IN_C, tapChannel))),
  ];
  const body: Bytes = [...product(get(S_W), get(IN_C), i32(4)), ...set(STEP), ...countTo(N, BATCH, image)];
  return { exportName: 'im2colT', params: new Array<number>(16).fill(I32), locals: [[15, I32]], body };
}
