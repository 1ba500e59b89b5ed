/**
 * `maxPoolGrad2x2(x, dy, dx, batch, inH, inW, inC, outH, outW, flag)`: the gradient of Keras' default
 * MaxPooling2D (2x2 windows, strides 2, 'valid') over NHWC float32, four channels per f32x4 (inC a multiple of
 * 4). The same tournament as the JS kernel (kernels/pooling.ts): the first strictly greatest of each row, then
 * the bottom row's only if strictly greater; each window's four pixels get dy or +0 (a mask AND, exact). Where
 * the tournament and tfjs' sequential scan could differ (a NaN leading a row, a winner not above -Infinity)
 * it sets *flag to 1 and the caller redoes the whole gradient with the JS scan. Pixels outside every window
 * are not written (the caller zeroes dx when the windows do not tile it).
 */
import { I32, V128, op, whileNot, type Bytes, type FunctionSpec } from './encoder';

const [X, DY, DX, BATCH, IN_H, IN_W, IN_C, OUT_H, OUT_W, FLAG] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [N, OH, OW, P, PEND, PDY, C4, RS, DXOFF, ROW, ANY] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const [A, B, E, F, MB, MF, MBOT, TOP, BOT, NEG_INF, DYV] = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];

const get = op.localGet;
const set = op.localSet;
const i32 = op.i32Const;
const addTo = (local: number, delta: Bytes): Bytes => [...get(local), ...delta, ...op.i32Add, ...set(local)];
const mul = (...locals: number[]): Bytes => [...get(locals[0]), ...locals.slice(1).flatMap((l) => [...get(l), ...op.i32Mul])];

/** p + the given byte offsets (locals). */
const addr = (...offsets: number[]): Bytes => [...get(P), ...offsets.flatMap((o) => [...get(o), ...op.i32Add])];

/** Four channels of one window. */
function channels(): Bytes {
  const load = (into: number, ...offsets: number[]): Bytes => [...addr(...offsets), ...op.v128Load(0), ...set(into)];
  const gt = (into: number, l: number, r: number): Bytes => [...get(l), ...get(r), ...op.f32x4Gt, ...set(into)];
  const pick = (into: number, l: number, r: number, mask: number): Bytes => [...get(l), ...get(r), ...get(mask), ...op.v128Bitselect, ...set(into)];
  const store = (mask: Bytes, ...offsets: number[]): Bytes => [...addr(DXOFF, ...offsets), ...get(DYV), ...mask, ...op.v128And, ...op.v128Store(0)];
  return [
    ...load(A), ...load(B, C4), ...load(E, RS), ...load(F, RS, C4),
    ...get(PDY), ...op.v128Load(0), ...set(DYV),
    ...gt(MB, B, A), ...pick(TOP, B, A, MB),
    ...gt(MF, F, E), ...pick(BOT, F, E, MF),
    ...gt(MBOT, BOT, TOP),
    // a flagged lane: the winner is not above -Infinity, or a NaN leads a row
    ...get(ANY),
    ...get(BOT), ...get(TOP), ...get(MBOT), ...op.v128Bitselect, ...get(NEG_INF), ...op.f32x4Gt, ...op.v128Not,
    ...get(A), ...get(A), ...op.f32x4Ne, ...op.v128Or, ...get(E), ...get(E), ...op.f32x4Ne, ...op.v128Or,
    ...op.v128AnyTrue, ...op.i32Or, ...set(ANY),
    // winners: a = ~(mbot | mb), b = mb & ~mbot, e = mbot & ~mf, f = mbot & mf
    ...store([...get(MBOT), ...get(MB), ...op.v128Or, ...op.v128Not]),
    ...store([...get(MB), ...get(MBOT), ...op.v128AndNot], C4),
    ...store([...get(MBOT), ...get(MF), ...op.v128AndNot], RS),
    ...store([...get(MBOT), ...get(MF), ...op.v128And], RS, C4),
    ...addTo(P, i32(16)),
    ...addTo(PDY, i32(16)),
  ];
}

export function maxPoolGradFunction(): FunctionSpec {
  const window: Bytes = [
    // p = row + ow*2*inC*4; the window's channels run to p + inC*4
    ...get(ROW), ...get(OW), ...i32(2), ...op.i32Mul, ...get(C4), ...op.i32Mul, ...op.i32Add, ...set(P),
    ...get(P), ...get(C4), ...op.i32Add, ...set(PEND),
    ...whileNot([...get(P), ...get(PEND), ...op.i32GeU], channels()),
    ...addTo(OW, i32(1)),
  ];
  const outRow: Bytes = [
    // row = x + ((n*inH + 2*oh) * inW) * inC*4
    ...get(X), ...get(N), ...get(IN_H), ...op.i32Mul, ...get(OH), ...i32(2), ...op.i32Mul, ...op.i32Add, ...get(IN_W), ...op.i32Mul, ...get(C4), ...op.i32Mul, ...op.i32Add, ...set(ROW),
    ...i32(0), ...set(OW),
    ...whileNot([...get(OW), ...get(OUT_W), ...op.i32GeS], window),
    ...addTo(OH, i32(1)),
  ];
  const image: Bytes = [...i32(0), ...set(OH), ...whileNot([...get(OH), ...get(OUT_H), ...op.i32GeS], outRow), ...addTo(N, i32(1))];
  const body: Bytes = [
    ...get(IN_C), ...i32(4), ...op.i32Mul, ...set(C4),
    ...mul(IN_W, C4), ...set(RS),
    ...get(DX), ...get(X), ...op.i32Sub, ...set(DXOFF),
    ...get(DY), ...set(PDY),
    ...op.f32Const(-Infinity), ...op.f32x4Splat, ...set(NEG_INF),
    ...i32(0), ...set(ANY),
    ...i32(0), ...set(N),
    ...whileNot([...get(N), ...get(BATCH), ...op.i32GeS], image),
    ...get(FLAG), ...get(ANY), ...op.i32Store(0),
  ];
  return { exportName: 'maxPoolGrad2x2', params: new Array<number>(10).fill(I32), locals: [[11, I32], [11, V128]], body };
}
