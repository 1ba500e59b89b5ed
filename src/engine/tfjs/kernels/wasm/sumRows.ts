/**
 * `sumRows(x, out, rows, C)`: out[c] = sum over the rows of x[row, c] (x row-major [rows, C], C a multiple of 4),
 * float32: the bias gradient (kernels/sum_kernels.ts). Sixteen channels at a time in four f32x4 accumulators;
 * rows are added in chunks of 256 into a chunk total that is then added to the grand total, so the rounding
 * error grows with 256 + rows/256 rather than with the row count. Each pass reads 64 bytes of every row, so x
 * is read once over all passes. Threads split the rows (each into its own `out`).
 */
import { I32, V128, op, whileNot, type Bytes, type FunctionSpec } from './encoder';

const CHUNK = 256;
const [X, OUT, ROWS, C] = [0, 1, 2, 3];
const [CB, R, R1, P, STRIDE] = [4, 5, 6, 7, 8];
const PART = 9; // 4 v128 chunk totals, then 4 grand totals
const TOTAL = 13;

const get = op.localGet;
const set = op.localSet;
const i32 = op.i32Const;
const addTo = (local: number, delta: Bytes): Bytes => [...get(local), ...delta, ...op.i32Add, ...set(local)];
const vAdd = (into: number, value: Bytes): Bytes => [...get(into), ...value, ...op.f32x4Add, ...set(into)];

/** Sum `lanes` (1 or 4) f32x4 columns starting at channel cb over every row. */
function columnBlock(lanes: number): Bytes {
  const js = Array.from({ length: lanes }, (_, j) => j);
  const chunk: Bytes = [
    // r1 = min(r + CHUNK, rows)
    ...get(ROWS), ...get(R), ...i32(CHUNK), ...op.i32Add, ...get(R), ...i32(CHUNK), ...op.i32Add, ...get(ROWS), ...op.i32GtS, ...op.select, ...set(R1),
    ...js.flatMap((j) => [...op.v128Zero, ...set(PART + j)]),
    ...whileNot([...get(R), ...get(R1), ...op.i32GeS], [
      ...js.flatMap((j) => vAdd(PART + j, [...get(P), ...op.v128Load(16 * j)])),
      ...addTo(P, get(STRIDE)),
      ...addTo(R, i32(1)),
    ]),
    ...js.flatMap((j) => vAdd(TOTAL + j, get(PART + j))),
  ];
  return [
    ...js.flatMap((j) => [...op.v128Zero, ...set(TOTAL + j)]),
    // p = x + cb*4
    ...get(X), ...get(CB), ...i32(4), ...op.i32Mul, ...op.i32Add, ...set(P),
    ...i32(0), ...set(R),
    ...whileNot([...get(R), ...get(ROWS), ...op.i32GeS], chunk),
    ...js.flatMap((j) => [...get(OUT), ...get(CB), ...i32(4), ...op.i32Mul, ...op.i32Add, ...get(TOTAL + j), ...op.v128Store(16 * j)]),
    ...addTo(CB, i32(4 * lanes)),
  ];
}

export function sumRowsFunction(): FunctionSpec {
  const body: Bytes = [
    ...get(C), ...i32(4), ...op.i32Mul, ...set(STRIDE),
    ...i32(0), ...set(CB),
    // 16 channels while cb + 16 <= C, then 4 at a time
    ...whileNot([...get(CB), ...i32(16), ...op.i32Add, ...get(C), ...op.i32GtS], columnBlock(4)),
    ...whileNot([...get(CB), ...get(C), ...op.i32GeS], columnBlock(1)),
  ];
  return { exportName: 'sumRows', params: new Array<number>(4).fill(I32), locals: [[5, I32], [8, V128]], body };
}
