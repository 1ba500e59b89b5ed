/**
 * The few pieces of the WebAssembly binary format our own kernels need, so a kernel is written as TypeScript
 * that emits its instructions (no toolchain, no binary checked in). Opcodes from the WebAssembly core spec
 * (numeric, control, memory), the fixed-width SIMD proposal (0xfd prefix) and relaxed SIMD (f32x4.relaxed_madd).
 * The module imports one memory, env.memory, which is tfjs-backend-wasm's own heap, so kernels read and write
 * tensors where they lie.
 */

export type Bytes = number[];

export function u32(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function s32(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const vec = (items: Bytes[]): Bytes => [...u32(items.length), ...items.flat()];
const name = (s: string): Bytes => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));
const section = (id: number, body: Bytes): Bytes => [id, ...u32(body.length), ...body];

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Instructions, each a byte list; `op.x(...)` composes them. */
export const op = {
  localGet: (i: number): Bytes => [0x20, ...u32(i)],
  localSet: (i: number): Bytes => [0x21, ...u32(i)],
  localTee: (i: number): Bytes => [0x22, ...u32(i)],
  i32Const: (v: number): Bytes => [0x41, ...s32(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  i32And: [0x71],
  f32Store: (offset = 0): Bytes => [0x38, 2, ...u32(offset)],
  i32GtS: [0x4a],
  select: [0x1b],
  /** f32.load with a byte offset (alignment hint 4). */
  f32Load: (offset = 0): Bytes => [0x2a, 2, ...u32(offset)],
  v128Load: (offset = 0): Bytes => [0xfd, ...u32(0x00), 0, ...u32(offset)],
  v128Store: (offset = 0): Bytes => [0xfd, ...u32(0x0b), 0, ...u32(offset)],
  v128Zero: [0xfd, ...u32(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, ...u32(0x13)],
  f32x4Sqrt: [0xfd, ...u32(0xe3)],
  f32x4Add: [0xfd, ...u32(0xe4)],
  f32x4Sub: [0xfd, ...u32(0xe5)],
  f32x4Mul: [0xfd, ...u32(0xe6)],
  f32x4Div: [0xfd, ...u32(0xe7)],
  f32ReinterpretI32: [0xbe],
  f32Const: (v: number): Bytes => [0x43, ...new Uint8Array(Float32Array.from([v]).buffer)],
  i32Or: [0x72],
  i32Store: (offset = 0): Bytes => [0x36, 2, ...u32(offset)],
  f32x4Ne: [0xfd, ...u32(0x42)],
  f32x4Gt: [0xfd, ...u32(0x44)],
  v128Not: [0xfd, ...u32(0x4d)],
  v128And: [0xfd, ...u32(0x4e)],
  /** a & ~b */
  v128AndNot: [0xfd, ...u32(0x4f)],
  v128Or: [0xfd, ...u32(0x50)],
  /** (a & mask) | (b & ~mask), operands a, b, mask */
  v128Bitselect: [0xfd, ...u32(0x52)],
  v128AnyTrue: [0xfd, ...u32(0x53)],
  /** a * b + c, fused where the hardware has FMA (relaxed SIMD). */
  f32x4RelaxedMadd: [0xfd, ...u32(0x105)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  brIf: (depth: number): Bytes => [0x0d, ...u32(depth)],
  br: (depth: number): Bytes => [0x0c, ...u32(depth)],
  end: [0x0b],
};

/** `while (!exitCondition) body`: exitCondition leaves an i32 on the stack, body may not branch out. */
export function whileNot(exitCondition: Bytes, body: Bytes): Bytes {
  return [...op.block, ...op.loop, ...exitCondition, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

export interface FunctionSpec {
  exportName: string;
  params: number[];
  /** Extra locals, in order after the params: [count, type] groups. */
  locals: [number, number][];
  body: Bytes;
}

/**
 * A module importing a shared memory as env.memory (limits as tfjs' threaded heap: up to 4 GiB) and exporting
 * the given functions, which return nothing. `shared: false` for an unshared heap (tfjs' single-threaded build).
 */
export function moduleBytes(functions: FunctionSpec[], shared: boolean): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec([])]);
  const memoryLimits = shared ? [0x03, ...u32(1), ...u32(65536)] : [0x00, ...u32(1)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]]);
  const funcs = vec(functions.map((_, i) => u32(i)));
  const exports = vec(functions.map((f, i) => [...name(f.exportName), 0x00, ...u32(i)]));
  const bodies = vec(
    functions.map((f) => {
      const body = [...vec(f.locals.map(([count, type]) => [...u32(count), type])), ...f.body, ...op.end];
      return [...u32(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, bodies),
  ]);
}
