/**
 * `adamStep(g, w, m, v, wOut, mOut, vOut, count, β1', β2', α, ε)`: Keras' Adam update (kernels/adam_kernel.ts)
 * over `count` floats (a multiple of 4) in f32x4 lanes, with the same float32 operations in the same order as
 * the op-by-op rule (no FMA), so the weights are bit for bit those of the tensor ops. The four coefficients
 * come as the bit patterns of float32 values (worker threads get i32 arguments): β1' = 1 - β1, β2' = 1 - β2.
 */
import { I32, V128, op, whileNot, type Bytes, type FunctionSpec } from './encoder';

const [G, W, M, V, W_OUT, M_OUT, V_OUT, COUNT, C1, C2, ALPHA, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const [I, END] = [12, 13];
const [GV, C1V, C2V, AV, EV, MV, VV] = [14, 15, 16, 17, 18, 19, 20];

const get = op.localGet;
const set = op.localSet;
const at = (base: number): Bytes => [...get(base), ...get(I), ...op.i32Add];
const load = (base: number): Bytes => [...at(base), ...op.v128Load(0)];
const splat = (param: number, local: number): Bytes => [...get(param), ...op.f32ReinterpretI32, ...op.f32x4Splat, ...set(local)];

export function adamStepFunction(): FunctionSpec {
  const step: Bytes = [
    ...load(G), ...set(GV),
    // m' = m + (g - m)·β1'
    ...load(M), ...get(GV), ...load(M), ...op.f32x4Sub, ...get(C1V), ...op.f32x4Mul, ...op.f32x4Add, ...set(MV),
    ...at(M_OUT), ...get(MV), ...op.v128Store(0),
    // v' = v + (g² - v)·β2'
    ...load(V), ...get(GV), ...get(GV), ...op.f32x4Mul, ...load(V), ...op.f32x4Sub, ...get(C2V), ...op.f32x4Mul, ...op.f32x4Add, ...set(VV),
    ...at(V_OUT), ...get(VV), ...op.v128Store(0),
    // w' = w - m'·α / (√v' + ε)
    ...at(W_OUT), ...load(W), ...get(MV), ...get(AV), ...op.f32x4Mul, ...get(VV), ...op.f32x4Sqrt, ...get(EV), ...op.f32x4Add, ...op.f32x4Div, ...op.f32x4Sub,
    ...op.v128Store(0),
    ...get(I), ...op.i32Const(16), ...op.i32Add, ...set(I),
  ];
  const body: Bytes = [
    ...splat(C1, C1V), ...splat(C2, C2V), ...splat(ALPHA, AV), ...splat(EPS, EV),
    ...op.i32Const(0), ...set(I),
    ...get(COUNT), ...op.i32Const(4), ...op.i32Mul, ...set(END),
    ...whileNot([...get(I), ...get(END), ...op.i32GeU], step),
  ];
  return { exportName: 'adamStep', params: new Array<number>(12).fill(I32), locals: [[2, I32], [7, V128]], body };
}
