/**
 * Shape arithmetic folded to constants: Shape and Size of a tensor whose sizes (batch aside) are known,
 * ConstantOfShape and Range of constants, and Gather, Slice, Concat, Unsqueeze, Squeeze, Add, Sub, Mul, Div
 * and Cast when every input is a constant (the Shape -> Gather -> Concat -> Reshape chains torch.onnx writes).
 * The batch size is not known at import: Shape writes it as NaN, which every fold carries along, and
 * `Importer.constOf` hides a constant holding NaN from the other importers, so nothing that depends on the batch
 * size becomes a layer setting; Reshape reads it as the batch axis (reshaping.ts).
 */
import { DT, tensorValues, type Attrs, type onnx } from '../proto';
import { Skip, type Const, type Importer, type OpImporter, type OpImporters } from './importer';

const FLOATS = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.FLOAT16]);
const INTEGERS = new Set<number>([DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT8]);

const size = (dims: readonly number[]) => dims.reduce((p, q) => p * q, 1);
const set = (imp: Importer, n: onnx.INodeProto, dims: number[], data: ArrayLike<number>, dataType?: number) => void imp.consts.set(n.output![0]!, { dims, data: Float64Array.from(data), dataType });
/** The element type of a result computed from `ins` (ONNX's operators keep their inputs' one type). */
const typeOf = (ins: Const[]) => ins.find((c) => c.dataType !== undefined)?.dataType;
const hintOf = (n: onnx.INodeProto) => n.name || n.output?.[0] || n.opType!;

/** Row-major strides of `dims`. */
function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** numpy's broadcast of two constants through `fn`. */
function broadcast(a: Const, b: Const, fn: (x: number, y: number) => number, hint: string): Const {
  const r = Math.max(a.dims.length, b.dims.length);
  const pa = [...new Array<number>(r - a.dims.length).fill(1), ...a.dims];
  const pb = [...new Array<number>(r - b.dims.length).fill(1), ...b.dims];
  const dims = pa.map((x, i) => {
    const y = pb[i]!;
    if (x !== y && x !== 1 && y !== 1) throw new Skip(`${hint}: constants of shapes [${a.dims.join(', ')}] and [${b.dims.join(', ')}] do not broadcast`);
    return Math.max(x, y);
  });
  const [sa, sb, so] = [strides(pa), strides(pb), strides(dims)];
  const data = new Float64Array(size(dims));
  for (let k = 0; k < data.length; k++) {
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < r; i++) {
      const c = Math.floor(k / so[i]!) % dims[i]!;
      ia += (pa[i] === 1 ? 0 : c) * sa[i]!;
      ib += (pb[i] === 1 ? 0 : c) * sb[i]!;
    }
    data[k] = fn(a.data[ia]!, b.data[ib]!);
  }
  return { dims, data };
}

/** Elements of `c` along `axis` at the given indices (numpy take). */
function take(c: Const, axis: number, idx: number[]): Const {
  const dims = [...c.dims];
  const outer = size(dims.slice(0, axis));
  const inner = size(dims.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const i of idx) for (let j = 0; j < inner; j++) out.push(c.data[(o * dims[axis]! + i) * inner + j]!);
  dims[axis] = idx.length;
  return { dims, data: Float64Array.from(out) };
}

const ints = (imp: Importer, name: string | undefined, a: Attrs, attr: string): number[] | undefined => {
  const c = name ? imp.consts.get(name) : undefined;
  if (c) return Array.from(c.data, Number);
  return a.ints(attr);
};

/** Folds of nodes whose inputs are all constants, by operator. */
const FOLDS: Record<string, (imp: Importer, n: onnx.INodeProto, a: Attrs, ins: Const[]) => void> = {
  Gather(imp, n, a, [data, index]) {
    const r = data!.dims.length;
    const axis = a.int('axis', 0) < 0 ? a.int('axis', 0) + r : a.int('axis', 0);
    const idx = Array.from(index!.data, (i) => (i < 0 ? i + data!.dims[axis]! : i));
    const t = take(data!, axis, idx);
    set(imp, n, [...data!.dims.slice(0, axis), ...index!.dims, ...data!.dims.slice(axis + 1)], t.data, data!.dataType);
  },
  Slice(imp, n, a, [data]) {
    const starts = ints(imp, n.input?.[1], a, 'starts')!;
    const ends = ints(imp, n.input?.[2], a, 'ends')!;
    const r = data!.dims.length;
    const axes = (ints(imp, n.input?.[3], a, 'axes') ?? starts.map((_, i) => i)).map((x) => (x < 0 ? x + r : x));
    const steps = ints(imp, n.input?.[4], a, '__none__') ?? starts.map(() => 1);
    let c: Const = data!;
    axes.forEach((ax, j) => {
      const d = c.dims[ax]!;
      const step = steps[j]!;
      const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
      const [s, e] = step > 0 ? [clamp(starts[j]!, 0, d), clamp(ends[j]!, 0, d)] : [clamp(starts[j]!, 0, d - 1), clamp(ends[j]!, -1, d - 1)];
      const idx: number[] = [];
      for (let i = s; step > 0 ? i < e : i > e; i += step) idx.push(i);
      c = take(c, ax, idx);
    });
    set(imp, n, c.dims, c.data, data!.dataType);
  },
  Concat(imp, n, a, ins) {
    const r = ins[0]!.dims.length;
    const axis = a.int('axis', 0) < 0 ? a.int('axis', 0) + r : a.int('axis', 0);
    if (r !== 1 || axis !== 0) throw new Skip(`Concat ${hintOf(n)}: of constants of rank ${r} (only vectors)`);
    set(imp, n, [ins.reduce((p, c) => p + c.data.length, 0)], ins.flatMap((c) => Array.from(c.data)), typeOf(ins));
  },
  Unsqueeze(imp, n, a, [data]) {
    const axes = ints(imp, n.input?.[1], a, 'axes') ?? [];
    const r = data!.dims.length + axes.length;
    const norm = axes.map((x) => (x < 0 ? x + r : x));
    const rest = [...data!.dims];
    set(imp, n, Array.from({ length: r }, (_, i) => (norm.includes(i) ? 1 : rest.shift()!)), data!.data, data!.dataType);
  },
  Squeeze(imp, n, a, [data]) {
    const r = data!.dims.length;
    const axes = (ints(imp, n.input?.[1], a, 'axes') ?? data!.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((x) => (x < 0 ? x + r : x));
    set(imp, n, data!.dims.filter((_, i) => !axes.includes(i)), data!.data, data!.dataType);
  },
  Add: (imp, n, _a, ins) => setConst(imp, n, broadcast(ins[0]!, ins[1]!, (p, q) => p + q, `Add ${hintOf(n)}`), typeOf(ins)),
  Sub: (imp, n, _a, ins) => setConst(imp, n, broadcast(ins[0]!, ins[1]!, (p, q) => p - q, `Sub ${hintOf(n)}`), typeOf(ins)),
  Mul: (imp, n, _a, ins) => setConst(imp, n, broadcast(ins[0]!, ins[1]!, (p, q) => p * q, `Mul ${hintOf(n)}`), typeOf(ins)),
  Div(imp, n, _a, ins) {
    const t = typeOf(ins);
    // Integer division truncates; where the type is not known, only an exact division is the same in both.
    const c = broadcast(ins[0]!, ins[1]!, (p, q) => (t !== undefined && INTEGERS.has(t) ? Math.trunc(p / q) : p / q), `Div ${hintOf(n)}`);
    if ((t === undefined || !(FLOATS.has(t) || INTEGERS.has(t))) && Array.from(c.data).some((v) => Number.isFinite(v) && !Number.isInteger(v))) {
      throw new Skip(`Div ${hintOf(n)}: of constants of unknown type that do not divide exactly (integer and float division differ)`);
    }
    setConst(imp, n, c, t);
  },
  Equal: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p === q), `Equal ${hintOf(n)}`), DT.BOOL),
  Less: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p < q), `Less ${hintOf(n)}`), DT.BOOL),
  Greater: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p > q), `Greater ${hintOf(n)}`), DT.BOOL),
  And: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p !== 0 && q !== 0), `And ${hintOf(n)}`), DT.BOOL),
  Or: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p !== 0 || q !== 0), `Or ${hintOf(n)}`), DT.BOOL),
  LessOrEqual: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p <= q), `LessOrEqual ${hintOf(n)}`), DT.BOOL),
  GreaterOrEqual: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number(p >= q), `GreaterOrEqual ${hintOf(n)}`), DT.BOOL),
  Xor: (imp, n, _a, [x, y]) => setConst(imp, n, broadcast(x!, y!, (p, q) => Number((p !== 0) !== (q !== 0)), `Xor ${hintOf(n)}`), DT.BOOL),
  // fmod=1 is C's fmod (the dividend's sign), fmod=0 the floor modulo (the divisor's sign).
  Mod: (imp, n, a, ins) => setConst(imp, n, broadcast(ins[0]!, ins[1]!, (p, q) => (a.int('fmod', 0) === 1 ? p % q : p - Math.floor(p / q) * q), `Mod ${hintOf(n)}`), typeOf(ins)),
  Not: (imp, n, _a, [x]) => set(imp, n, x!.dims, Array.from(x!.data, (v) => Number(v === 0)), DT.BOOL),
  Where(imp, n, _a, [c, x, y]) {
    const picked = broadcast(broadcast(c!, x!, (p, q) => (p !== 0 ? q : NaN), `Where ${hintOf(n)}`), broadcast(c!, y!, (p, q) => (p !== 0 ? NaN : q), `Where ${hintOf(n)}`), (p, q) => (Number.isNaN(p) ? q : p), `Where ${hintOf(n)}`);
    setConst(imp, n, picked, typeOf([x!, y!]));
  },
  Cast(imp, n, a, [x]) {
    const to = a.int('to', DT.FLOAT);
    const integer = [DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT8].includes(to);
    set(imp, n, x!.dims, Array.from(x!.data, (v) => (integer ? Math.trunc(v) : to === DT.BOOL ? Number(v !== 0) : to === DT.FLOAT ? Math.fround(v) : v)), to);
  },
};

const setConst = (imp: Importer, n: onnx.INodeProto, c: Const, dataType?: number) => set(imp, n, c.dims, c.data, dataType);

/** Shape of a tensor (opset 15's start / end): its sizes, NaN for the batch; refused where another size is unknown. */
const shape: OpImporter = (imp, n, a) => {
  const c = imp.consts.get(n.input?.[0] ?? '');
  const dims = c ? c.dims : imp.onnxShape(imp.kt(n.input![0]!, n)).map((d, i) => (i === 0 ? NaN : d));
  const r = dims.length;
  const norm = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const part = dims.slice(norm(a.int('start', 0)), norm(a.int('end', r)));
  if (part.some((d) => d === null)) throw new Skip(`Shape ${hintOf(n)}: a size known only at run time`);
  set(imp, n, [part.length], part as number[], DT.INT64);
};

/** Size: the number of elements (NaN when the batch counts). */
const sizeOf: OpImporter = (imp, n) => {
  const c = imp.consts.get(n.input?.[0] ?? '');
  const dims = c ? c.dims : imp.onnxShape(imp.kt(n.input![0]!, n)).map((d, i) => (i === 0 ? NaN : d));
  if (dims.some((d) => d === null)) throw new Skip(`Size ${hintOf(n)}: a size known only at run time`);
  set(imp, n, [], [size(dims as number[])], DT.INT64);
};

/** ConstantOfShape of a constant shape: the value (a one-element tensor, 0 by default) repeated. */
const constantOfShape: OpImporter = (imp, n) => {
  const s = imp.consts.get(n.input?.[0] ?? '');
  if (!s) throw new Skip(`ConstantOfShape ${hintOf(n)}: a shape computed at run time`);
  const dims = Array.from(s.data, Number);
  if (dims.some((d) => Number.isNaN(d))) throw new Skip(`ConstantOfShape ${hintOf(n)}: a tensor as large as the batch, which no constant holds`);
  const v = (n.attribute ?? []).find((x) => x.name === 'value')?.t;
  const tv = v ? tensorValues(v) : undefined;
  set(imp, n, dims, new Float64Array(size(dims)).fill(Number(tv?.data[0] ?? 0)), tv?.dataType ?? DT.FLOAT);
};

/** Range of constant start, limit and delta. */
const range: OpImporter = (imp, n) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => imp.consts.get(n.input?.[i] ?? '')?.data[0]);
  if (start === undefined || limit === undefined || delta === undefined) throw new Skip(`Range ${hintOf(n)}: bounds computed at run time`);
  if ([start, limit, delta].some((v) => Number.isNaN(v)) || delta === 0) throw new Skip(`Range ${hintOf(n)}: bounds that depend on the batch size, or a step of 0`);
  const count = Math.max(Math.ceil((limit - start) / delta), 0);
  set(imp, n, [count], Array.from({ length: count }, (_, i) => start + i * delta), typeOf([0, 1, 2].map((i) => imp.consts.get(n.input?.[i] ?? '')!)));
};

/**
 * Expand: of a constant, the constant broadcast to the shape; of a tensor, the tensor itself where the shape adds
 * nothing (ones, its own sizes, the batch size); growing a tensor is refused (no Keras layer repeats it so).
 */
const expand: OpImporter = (imp, n) => {
  const target = imp.consts.get(n.input?.[1] ?? '');
  if (!target) throw new Skip(`Expand ${hintOf(n)}: a shape computed at run time`);
  const dims = Array.from(target.data, Number);
  const c = imp.consts.get(n.input?.[0] ?? '');
  if (c) {
    if (dims.some((d) => Number.isNaN(d))) throw new Skip(`Expand ${hintOf(n)}: a constant as large as the batch, which no constant holds`);
    // ONNX broadcasts both ways: the result has the broadcast of the two shapes.
    return setConst(imp, n, broadcast(c, { dims, data: new Float64Array(size(dims)) }, (p) => p, `Expand ${hintOf(n)}`), c.dataType);
  }
  const t = imp.kt(n.input![0]!, n);
  const shape = imp.onnxShape(t);
  const r = Math.max(shape.length, dims.length);
  const own = [...new Array<number | null>(r - shape.length).fill(1), ...shape];
  const want = [...new Array<number>(r - dims.length).fill(1), ...dims];
  const same = r === shape.length && want.every((d, i) => d === 1 || (i === 0 && Number.isNaN(d)) || d === own[i]);
  if (!same) throw new Skip(`Expand ${hintOf(n)}: grows the tensor to [${dims.map((d) => (Number.isNaN(d) ? 'batch' : d)).join(', ')}] (no Keras layer repeats values so)`);
  imp.alias(n.output![0], t);
};

/** The importers of the family modules, each first folding its node when every input is a constant; plus Shape, Size, ConstantOfShape and Range. */
export function withConstantFolding(ops: OpImporters): OpImporters {
  const folded = Object.fromEntries(
    Object.entries(FOLDS).map(([op, fold]) => {
      const base = ops[op];
      const importer: OpImporter = (imp, n, a) => {
        const ins = (n.input ?? []).map((name) => (name ? imp.consts.get(name) : undefined));
        const first = ins[0];
        if (first && (n.input ?? []).every((name, i) => !name || ins[i])) return fold(imp, n, a, ins.filter((c): c is Const => c !== undefined));
        if (!base) throw new Skip(`${n.opType}${n.name ? ` (${n.name})` : ''}`);
        return base(imp, n, a);
      };
      return [op, importer];
    }),
  );
  return { ...ops, ...folded, Shape: shape, Size: sizeOf, ConstantOfShape: constantOfShape, Range: range, Expand: expand };
}
