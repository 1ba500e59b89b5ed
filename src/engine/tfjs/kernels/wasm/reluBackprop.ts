/**
 * `reluBackprop(dy, y, out, count)`: out = dy where y > 0, else +0 (a mask AND, exact), over `count` floats (a
 * multiple of 4) in f32x4 lanes: the gradient through a ReLU from its output, as Keras' backends take it
 * (jax.nn.relu's derivative is 0 at 0 and for NaN). One pass instead of tfjs' Step, Cast and Multiply.
 */
import { I32, V128, op, whileNot, type Bytes, type FunctionSpec } from './encoder';

const [DY, Y, OUT, COUNT] = [0, 1, 2, 3];
const [I, END] = [4, 5];
const ZERO = 6;

const get = op.localGet;
const set = op.localSet;
const at = (base: number): Bytes => [...get(base), ...get(I), ...op.i32Add];

export function reluBackpropFunction(): FunctionSpec {
  const step: Bytes = [
    ...at(OUT),
    ...at(DY), ...op.v128Load(0),
    ...at(Y), ...op.v128Load(0), ...get(ZERO), ...op.f32x4Gt,
    ...op.v128And,
    ...op.v128Store(0),
    ...get(I), ...op.i32Const(16), ...op.i32Add, ...set(I),
  ];
  const body: Bytes = [
    ...op.v128Zero, ...set(ZERO),
    ...op.i32Const(0), ...set(I),
    ...get(COUNT), ...op.i32Const(4), ...op.i32Mul, ...set(END),
    ...whileNot([...get(I), ...get(END), ...op.i32GeU], step),
  ];
  return { exportName: 'reluBackprop', params: new Array<number>(4).fill(I32), locals: [[2, I32], [1, V128]], body };
}
