/**
 * `rowsProduct(a, b, c, K, SK, N, m0, m1, SM)`: C[K,N] = A[K, m0:m1] x B[m0:m1, N] for float32 matrices in the
 * heap (byte addresses; B and C row-major with rows N long, N a multiple of 8; A[k, m] at a + k*SK + m*SM, so A
 * is either row-major [K, M] (SK = 4M, SM = 4) or a row-major [M, K] read transposed (SK = 4, SM = 4K): the
 * Dense layer's weight gradient x^T dy without transposing x). This is the shape of
 * a convolution's filter gradient, dW = im2col(x)^T x dy: a contraction over every output pixel of the batch
 * (M = N*OH*OW, up to hundreds of thousands) into a small K x N result. XNNPACK handles it badly: it packs B
 * (all of dy, tens of MB) as GEMM weights on every call, and its row tiles waste most of a 9-row A. Here nothing
 * is packed: M is cut into chunks of MC rows; for each 8 columns of B (the chunk's 8 x MC block stays in L1)
 * four rows of A at a time are streamed against it into 4 x 8 accumulators (8 v128 registers), with
 * relaxed-SIMD FMA where the runtime has it. Threads split the M range (each into its own C).
 */
import { I32, V128, op, whileNot, type Bytes, type FunctionSpec } from './encoder';

const MC = 256;

// Locals: the 9 params (SK, SM: A's strides in bytes between rows k and between rows m), then these.
const [A, B, C, K, SK, N, M0, M1, SM] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [MC0, MC1, NB, KB, ROW, P0, P1, P2, P3, PB, N4, PC] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const ACC = 21; // 8 v128 accumulators: ACC + 2*row + half
const [B0, B1, X] = [29, 30, 31];

const get = op.localGet;
const set = op.localSet;
const i32 = op.i32Const;

/** local = local + delta (delta: instructions leaving an i32). */
const addTo = (local: number, delta: Bytes): Bytes => [...get(local), ...delta, ...op.i32Add, ...set(local)];

/** acc = x * b + acc. */
function fma(acc: number, x: number, b: number, relaxed: boolean): Bytes {
  if (relaxed) return [...get(x), ...get(b), ...get(acc), ...op.f32x4RelaxedMadd, ...set(acc)];
  return [...get(acc), ...get(x), ...get(b), ...op.f32x4Mul, ...op.f32x4Add, ...set(acc)];
}

/** The address of C[kb + row][nb + 4*half]: pc + row*N4 (+16 for the second half via the memarg offset). */
const cRow = (row: number): Bytes => (row === 0 ? get(PC) : [...get(PC), ...get(N4), ...i32(row), ...op.i32Mul, ...op.i32Add]);

/** One block of `rows` (4 or 1) rows of A against 8 columns of B over the chunk's rows. */
function rowBlock(rows: number, relaxed: boolean): Bytes {
  const ptrs = [P0, P1, P2, P3].slice(0, rows);
  const setup: Bytes = [
    // pc = c + (kb*N + nb)*4
    ...get(C), ...get(KB), ...get(N), ...op.i32Mul, ...get(NB), ...op.i32Add, ...i32(4), ...op.i32Mul, ...op.i32Add, ...set(PC),
    // p0 = a + kb*SK + mc0*SM, p(r+1) = p(r) + SK
    ...get(A), ...get(KB), ...get(SK), ...op.i32Mul, ...op.i32Add, ...get(MC0), ...get(SM), ...op.i32Mul, ...op.i32Add, ...set(P0),
    ...ptrs.slice(1).flatMap((p, r) => [...get(ptrs[r]), ...get(SK), ...op.i32Add, ...set(p)]),
    // pb = b + (mc0*N + nb)*4
    ...get(B), ...get(MC0), ...get(N), ...op.i32Mul, ...get(NB), ...op.i32Add, ...i32(4), ...op.i32Mul, ...op.i32Add, ...set(PB),
    ...get(MC0), ...set(ROW),
    ...ptrs.flatMap((_, r) => [...cRow(r), ...op.v128Load(0), ...set(ACC + 2 * r), ...cRow(r), ...op.v128Load(16), ...set(ACC + 2 * r + 1)]),
  ];
  const step: Bytes = [
    ...get(PB), ...op.v128Load(0), ...set(B0),
    ...get(PB), ...op.v128Load(16), ...set(B1),
    ...ptrs.flatMap((p, r) => [
      ...get(p), ...op.f32Load(0), ...op.f32x4Splat, ...set(X),
      ...fma(ACC + 2 * r, X, B0, relaxed),
      ...fma(ACC + 2 * r + 1, X, B1, relaxed),
    ]),
    ...ptrs.flatMap((p) => addTo(p, get(SM))),
    ...addTo(PB, get(N4)),
    ...addTo(ROW, i32(1)),
  ];
  const store: Bytes = ptrs.flatMap((_, r) => [
    ...cRow(r), ...get(ACC + 2 * r), ...op.v128Store(0),
    ...cRow(r), ...get(ACC + 2 * r + 1), ...op.v128Store(16),
  ]);
  return [...setup, ...whileNot([...get(ROW), ...get(MC1), ...op.i32GeS], step), ...store, ...addTo(KB, i32(rows))];
}

export function rowsProductFunction(relaxed: boolean): FunctionSpec {
  const columns: Bytes = [
    ...i32(0), ...set(KB),
    // four rows at a time while kb + 4 <= K, then one at a time
    ...whileNot([...get(KB), ...i32(4), ...op.i32Add, ...get(K), ...op.i32GtS], rowBlock(4, relaxed)),
    ...whileNot([...get(KB), ...get(K), ...op.i32GeS], rowBlock(1, relaxed)),
    ...addTo(NB, i32(8)),
  ];
  const chunk: Bytes = [
    // mc1 = min(mc0 + MC, m1)
    ...get(M1), ...get(MC0), ...i32(MC), ...op.i32Add, ...get(MC0), ...i32(MC), ...op.i32Add, ...get(M1), ...op.i32GtS, ...op.select, ...set(MC1),
    ...i32(0), ...set(NB),
    ...whileNot([...get(NB), ...get(N), ...op.i32GeS], columns),
    ...get(MC1), ...set(MC0),
  ];
  const body: Bytes = [
    // C = 0: pc walks C's K*N floats (a multiple of 4) in v128 stores; pb is its end.
    ...get(C), ...set(PC),
    ...get(C), ...get(K), ...get(N), ...op.i32Mul, ...i32(4), ...op.i32Mul, ...op.i32Add, ...set(PB),
    ...whileNot([...get(PC), ...get(PB), ...op.i32GeU], [...get(PC), ...op.v128Zero, ...op.v128Store(0), ...addTo(PC, i32(16))]),
    ...get(N), ...i32(4), ...op.i32Mul, ...set(N4),
    ...get(M0), ...set(MC0),
    ...whileNot([...get(MC0), ...get(M1), ...op.i32GeS], chunk),
  ];
  return { exportName: 'rowsProduct', params: new Array<number>(9).fill(I32), locals: [[12, I32], [11, V128]], body };
}
