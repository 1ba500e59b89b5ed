/**
 * Element-wise functions and reductions as the Keras operations of the catalog (core/layers/operations.ts):
 * Abs, Sqrt, Exp, Log, Reciprocal, Floor, Ceil, Sign, Sin, Cos, Tan, Erf; Pow with a constant exponent of
 * 2, 0.5 or -1 (Square, Sqrt, Reciprocal; 1 is the tensor itself); ReduceSum / ReduceMean / ReduceMax /
 * ReduceMin over constant axes that leave the batch axis (ReduceMean and ReduceMax over every spatial axis stay
 * global pooling layers). Integer data is refused: the operations compute in float here, ONNX in the integer type.
 * Operators of several tensors of one rank (so the batch axes line up) are Keras operations of them: Equal,
 * Less, LessOrEqual, Greater, GreaterOrEqual, And, Or, Xor, Not, Where, Mod (floor modulo, fmod=0) and Pow with
 * a tensor exponent; they compute in the inputs' own type, as ONNX. ArgMax / ArgMin along one axis that is not the
 * batch axis, first index of ties (select_last_index=0), are Argmax / Argmin. Cast is Keras' Cast where it changes
 * values; CastLike casts to a tensor's type (a constant folds); Split along a known non-batch axis is Cropping2D.
 */
import { BOOLEAN_OPERATIONS, INDEX_OPERATIONS } from '../../../core/layers/operations';
import { activation } from './activations';
import { cast } from './core';
import { classHint, Skip, type Importer, type KT, type OpImporter, type OpImporters } from './importer';
import { reduceAsGlobalPool } from './pooling';
import { isIntInput } from './scaling';
import { ONNX_ELEMENTWISE } from '../operationNames';
import { DT, type Attrs, type onnx } from '../proto';


/** Pow's constant exponents that are a Keras operation of their own. */
const POWERS = new Map<number, string>([
  [2, 'Square'],
  [0.5, 'Sqrt'],
  [-1, 'Reciprocal'],
]);

function floatInput(imp: Importer, n: onnx.INodeProto): KT {
  const t = imp.kt(n.input![0]!, n);
  if (isIntInput(imp, t)) throw new Skip(`${n.opType} ${n.name || n.output![0]}: on integer data (Keras operations compute in float here)`);
  return t;
}

function applyOp(imp: Importer, n: onnx.INodeProto, cls: string, t: KT): void {
  imp.alias(n.output![0], { layer: imp.addLayer(cls, {}, [t.layer], n.name || n.output![0]!), axes: t.axes });
}

/** The element-wise functions on a constant, as ONNX computes them in float32 (Erf has no JavaScript function: refused). */
const ON_CONSTANTS: Record<string, (v: number) => number> = {
  Abs: Math.abs, Sqrt: Math.sqrt, Exp: Math.exp, Log: Math.log, Reciprocal: (v) => 1 / Math.fround(v), Floor: Math.floor, Ceil: Math.ceil,
  Sign: Math.sign, Sin: Math.sin, Cos: Math.cos, Tan: Math.tan,
};

const elementwise: OpImporter = (imp, n) => {
  const c = imp.constOf(n.input?.[0]);
  const fold = ON_CONSTANTS[n.opType!];
  if (c && fold) return void imp.consts.set(n.output![0]!, { dims: c.dims, data: Float64Array.from(c.data, (v) => Math.fround(fold(Math.fround(v)))) });
  // Our own export writes Activation('exponential') as Exp and names the class: it comes back as that layer.
  if (n.opType === 'Exp' && classHint(n)) return activation(imp, n, 'exponential');
  applyOp(imp, n, ONNX_ELEMENTWISE[n.opType!]!, floatInput(imp, n));
};

const pow: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  const e = imp.constOf(n.input?.[1]);
  if (!e && !imp.constOf(n.input?.[0])) {
    // ONNX Pow keeps the base's type: an integer base with a float exponent truncates, Keras' power would not.
    if (isIntInput(imp, imp.kt(n.input![0]!, n)) && !isIntInput(imp, imp.kt(n.input![1]!, n))) throw new Skip(`Pow ${hint}: an integer base with a float exponent (ONNX keeps the integer type, Keras' power gives floats)`);
    return severalTensors(imp, n, a);
  }
  if (!e || e.data.length !== 1) throw new Skip(`Pow ${hint}: a constant exponent other than one value (only 2, 0.5, 1 or -1, or a tensor)`);
  const t = floatInput(imp, n);
  const k = Number(e.data[0]);
  if (k === 1) return imp.alias(n.output![0], t);
  const cls = POWERS.get(k);
  if (!cls) throw new Skip(`Pow ${hint}: exponent ${k} (only 2, 0.5, 1 or -1: Square, Sqrt, Reciprocal)`);
  applyOp(imp, n, cls, t);
};

/** The constant axes of a Reduce node (attribute before opsets 13 / 18, input after), or undefined for none. */
function reduceAxes(imp: Importer, n: onnx.INodeProto, a: Attrs): number[] | undefined {
  const hint = n.name || n.output![0]!;
  if (a.has('axes')) return a.ints('axes')!;
  const name = n.input?.[1];
  if (!name) return undefined;
  const c = imp.constOf(name);
  if (!c) throw new Skip(`${n.opType} ${hint}: axes computed at run time (only constant axes)`);
  return Array.from(c.data, Number);
}

const REDUCTIONS: Record<string, string> = { ReduceSum: 'Sum', ReduceMean: 'Mean', ReduceMax: 'Max', ReduceMin: 'Min', ReduceProd: 'Prod', ReduceLogSumExp: 'Logsumexp' };
/** The reductions Keras has no operation for, as a chain: element-wise operations before, the reduction, after. */
const CHAINS: Record<string, [before: string[], reduction: string, after: string[]]> = {
  ReduceL1: [['Absolute'], 'Sum', []],
  ReduceL2: [['Square'], 'Sum', ['Sqrt']],
  ReduceSumSquare: [['Square'], 'Sum', []],
  ReduceLogSum: [[], 'Sum', ['Log']],
};

const reduce: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  const axes = reduceAxes(imp, n, a);
  const chain = CHAINS[n.opType!] ?? [[], REDUCTIONS[n.opType!]!, []];
  if ((axes === undefined || axes.length === 0) && a.int('noop_with_empty_axes', 0) === 1) {
    if (CHAINS[n.opType!]) throw new Skip(`${n.opType} ${hint}: noop_with_empty_axes=1 without axes`);
    return imp.alias(n.output![0], imp.kt(n.input![0]!, n));
  }
  if (n.opType === 'ReduceMean' || n.opType === 'ReduceMax') {
    try {
      return reduceAsGlobalPool(imp, n, a);
    } catch (e) {
      if (!(e instanceof Skip)) throw e;
    }
  }
  const t = floatInput(imp, n);
  const r = t.axes.length;
  if (axes === undefined || axes.length === 0) throw new Skip(`${n.opType} ${hint}: over every axis, the batch axis too (each sample needs its own result)`);
  const list = [...new Set(axes.map((x) => (x < 0 ? x + r : x)))].sort((p, q) => p - q);
  if (list.some((x) => x < 0 || x >= r)) throw new Skip(`${n.opType} ${hint}: axes [${axes.join(', ')}] out of range for rank ${r}`);
  if (list.includes(0)) throw new Skip(`${n.opType} ${hint}: over the batch axis`);
  let x = imp.plain(t, hint);
  const keepdims = a.int('keepdims', 1) !== 0;
  const last = imp.shapes.get(x)!.length - 1;
  const axis = list.length === 1 ? (list[0] === last ? -1 : list[0]!) : list;
  const [before, reduction, after] = chain;
  for (const cls of before) x = imp.addLayer(cls, {}, [x], `${hint}_${cls.toLowerCase()}`);
  x = imp.addLayer(reduction, { axis, keepdims }, [x], hint);
  for (const cls of after) x = imp.addLayer(cls, {}, [x], `${hint}_${cls.toLowerCase()}`);
  imp.alias(n.output![0], imp.identity(x));
};

/** ONNX operators of several tensors, by the Keras operation of the same tensors. */
const SEVERAL: Record<string, string> = {
  Equal: 'Equal', Less: 'Less', LessOrEqual: 'LessEqual', Greater: 'Greater', GreaterOrEqual: 'GreaterEqual',
  And: 'LogicalAnd', Or: 'LogicalOr', Xor: 'LogicalXor', Not: 'LogicalNot', Where: 'Where', Mod: 'Mod', Pow: 'Power',
};

/** The node's inputs as Keras tensors of one rank (ONNX broadcasts from the last axis: other ranks would misalign the batch axes). */
function tensorOperands(imp: Importer, n: onnx.INodeProto, hint: string): string[] {
  const arity = n.opType === 'Not' ? 1 : n.opType === 'Where' ? 3 : 2;
  if ((n.input ?? []).length !== arity) throw new Skip(`${n.opType} ${hint}: ${(n.input ?? []).length} inputs (it takes ${arity})`);
  const xs = (n.input ?? []).map((name, i) => {
    if (!name) throw new Skip(`${n.opType} ${hint}: input ${i} is missing`);
    if (imp.constOf(name)) throw new Skip(`${n.opType} ${hint}: a constant operand (Keras operations here take tensors; only Add, Sub, Mul and Div fold a constant)`);
    return imp.plain(imp.kt(name, n), hint);
  });
  const ranks = xs.map((x) => imp.shapes.get(x)!.length);
  if (ranks.some((r) => r !== ranks[0])) throw new Skip(`${n.opType} ${hint}: inputs of ranks ${ranks.join(', ')} (ONNX aligns them from the last axis, so the batch axes would not line up)`);
  const batches = new Set(xs.map((x) => imp.declaredBatch(x)).filter((b) => b !== undefined));
  if (batches.size > 1) throw new Skip(`${n.opType} ${hint}: broadcasts over the batch axis (batch sizes ${[...batches].join(' and ')})`);
  return xs;
}

const severalTensors: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  if (n.opType === 'Mod' && a.int('fmod', 0) !== 0) throw new Skip(`Mod ${hint}: fmod=1 (C's fmod, with the sign of the dividend; Keras' mod takes the sign of the divisor)`);
  const xs = tensorOperands(imp, n, hint);
  imp.alias(n.output![0], imp.identity(imp.addLayer(SEVERAL[n.opType!]!, {}, xs, hint)));
};

/** ArgMax / ArgMin along one axis, first index of ties: Keras' Argmax / Argmin (int32 indices where ONNX gives int64). */
const argReduce: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  if (a.int('select_last_index', 0) !== 0) throw new Skip(`${n.opType} ${hint}: select_last_index=1 (the last of equal values; Keras' ${n.opType === 'ArgMax' ? 'argmax' : 'argmin'} gives the first)`);
  const x = imp.plain(imp.kt(n.input![0]!, n), hint);
  const r = imp.shapes.get(x)!.length;
  const k = a.int('axis', 0);
  const axis = k < 0 ? k + r : k;
  if (axis < 0 || axis >= r) throw new Skip(`${n.opType} ${hint}: axis ${k} out of range for rank ${r}`);
  if (axis === 0) throw new Skip(`${n.opType} ${hint}: along the batch axis (each sample needs its own result)`);
  const cls = n.opType === 'ArgMax' ? 'Argmax' : 'Argmin';
  const layer = imp.addLayer(cls, { axis: axis === r - 1 ? -1 : axis, keepdims: a.int('keepdims', 1) !== 0 }, [x], hint);
  // Integer data from here on: the importers that compute in float refuse it (isIntInput).
  imp.integerInputs.add(layer);
  imp.alias(n.output![0], imp.identity(layer));
};

/** What a Keras tensor holds, through the layers that only move values: booleans, integers or floats. */
function valueKind(imp: Importer, t: KT): 'bool' | 'int' | 'float' {
  let l = imp.layer(t.layer);
  while (['Permute', 'Reshape', 'Flatten'].includes(l.className)) l = imp.layer(l.inbound[0]!);
  if (BOOLEAN_OPERATIONS.has(l.className) || (l.className === 'Cast' && l.config.dtype === 'bool')) return 'bool';
  if (INDEX_OPERATIONS.has(l.className) || (l.className === 'Cast' && l.config.dtype === 'int32') || (l.className === 'InputLayer' && l.config.dtype === 'int32')) return 'int';
  return 'float';
}

/**
 * Cast of a tensor: the same values where the type does not change them (float to float, int to int32 / int64,
 * bool to bool), else Keras' Cast: to float32 (booleans and int32 indices are exact), to int32 (truncation toward
 * zero, as ONNX) or to bool (non-zero is true). Constants and every other target type are core.ts' (refused).
 */
function castTensor(imp: Importer, n: onnx.INodeProto, a: Attrs, to = a.int('to', DT.FLOAT)): void {
  const src = imp.constOf(n.input?.[0]) ? undefined : imp.tensors.get(n.input?.[0] ?? '');
  if (!src) return cast(imp, n, a);
  const kind = valueKind(imp, src);
  const dtype = to === DT.FLOAT || to === DT.DOUBLE ? 'float32' : to === DT.BOOL ? 'bool' : to === DT.INT32 || (to === DT.INT64 && kind !== 'float') ? 'int32' : undefined;
  if (!dtype) return cast(imp, n, a);
  if ((dtype === 'float32' && kind === 'float') || (dtype === 'int32' && kind === 'int') || (dtype === 'bool' && kind === 'bool')) return imp.alias(n.output![0], src);
  const hint = n.name || n.output![0]!;
  const layer = imp.addLayer('Cast', { dtype }, [imp.plain(src, hint)], hint);
  if (dtype === 'int32') imp.integerInputs.add(layer);
  imp.alias(n.output![0], imp.identity(layer));
}

/** The sizes of Split's parts: given (input or attribute), or equal parts of `size`, the last smaller (opset 18's num_outputs). */
function splitParts(imp: Importer, n: onnx.INodeProto, a: Attrs, size: number, hint: string): number[] {
  if (n.input?.[1]) {
    const given = imp.constOf(n.input[1]);
    if (!given) throw new Skip(`Split ${hint}: the sizes of the parts are computed at run time (only constant sizes)`);
    return Array.from(given.data, Number);
  }
  if (a.has('split')) return a.ints('split')!;
  const m = a.has('num_outputs') ? a.int('num_outputs', 0) : (n.output ?? []).length;
  if (!a.has('num_outputs') && size % m !== 0) throw new Skip(`Split ${hint}: ${m} equal parts of ${size} values`);
  const each = Math.ceil(size / m);
  return Array.from({ length: m }, (_, i) => Math.max(0, Math.min(each, size - i * each)));
}

/**
 * Split along one axis (not the batch axis) of known sizes: each part a Cropping2D of the tensor seen as
 * (batch, before, axis, after), reshaped back: the values only move, so nothing is computed differently.
 */
const split: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  const x = imp.plain(imp.kt(n.input![0]!, n), hint);
  const shape = imp.shapes.get(x)!;
  const r = shape.length;
  const k = a.int('axis', 0);
  const axis = k < 0 ? k + r : k;
  if (axis < 0 || axis >= r) throw new Skip(`Split ${hint}: axis ${k} out of range for rank ${r}`);
  if (axis === 0) throw new Skip(`Split ${hint}: along the batch axis (each sample keeps all its values)`);
  if (shape.slice(1).some((d) => d === null)) throw new Skip(`Split ${hint}: of a tensor with sizes known only at run time`);
  const size = shape[axis]!;
  const parts = splitParts(imp, n, a, size, hint);
  const outs = n.output ?? [];
  if (parts.length !== outs.length || parts.reduce((p, q) => p + q, 0) !== size || parts.some((p) => p <= 0)) {
    throw new Skip(`Split ${hint}: parts [${parts.join(', ')}] do not cut ${size} values into ${outs.length} non-empty outputs`);
  }
  const prod = (ds: (number | null)[]) => ds.reduce<number>((p, q) => p * q!, 1);
  const seen = [prod(shape.slice(1, axis)), size, prod(shape.slice(axis + 1))];
  const direct = r === 4 && axis === 2;
  let base: string | undefined;
  let start = 0;
  parts.forEach((p, i) => {
    const at = start;
    start += p;
    if (!outs[i]) return;
    base ??= direct ? x : imp.addLayer('Reshape', { target_shape: seen }, [x], `${hint}_reshape`);
    const crop = imp.addLayer('Cropping2D', { cropping: [[0, 0], [at, size - at - p]] }, [base], `${outs[i]}_crop`);
    const back = direct ? crop : imp.addLayer('Reshape', { target_shape: shape.slice(1).map((d, j) => (j + 1 === axis ? p : d!)) }, [crop], outs[i]!);
    imp.alias(outs[i], imp.identity(back));
  });
};

const TYPE_OF_KIND = { float: DT.FLOAT, int: DT.INT32, bool: DT.BOOL } as const;

/** Narrower float types a graph input may declare but is read as float32 in: a cast to them rounds. */
const OTHER_FLOATS: Record<number, string> = { [DT.FLOAT16]: 'FLOAT16', [DT.BFLOAT16]: 'BFLOAT16' };

/**
 * CastLike(x, like): Cast to the type of `like`, a tensor (a constant's type is not kept here). A constant `x`
 * folds to a constant (float32 rounding, truncation toward zero, or non-zero as 1), as ONNX computes it.
 */
const castLike: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  const like = imp.tensors.get(n.input?.[1] ?? '');
  if (!like) throw new Skip(`CastLike ${hint}: the type to cast to is a constant's or unknown (only a tensor's)`);
  // A graph input read as float32 may be declared narrower or wider (FLOAT16, DOUBLE): ONNX would round to that.
  const declared = OTHER_FLOATS[imp.inputType(n.input![1]!) ?? DT.FLOAT];
  if (declared) throw new Skip(`CastLike ${hint}: casts to ${declared} (the type of ${n.input![1]}), which Keras layers do not compute in`);
  const kind = valueKind(imp, like);
  const c = imp.constOf(n.input?.[0]);
  if (!c) return castTensor(imp, n, a, TYPE_OF_KIND[kind]);
  const conv = { float: (v: number) => Math.fround(v), int: Math.trunc, bool: (v: number) => (v !== 0 ? 1 : 0) }[kind];
  imp.consts.set(n.output![0]!, { dims: c.dims, data: Float64Array.from(c.data, conv) });
};

export const operationImporters: OpImporters = {
  // Neg stays Rescaling(-1) (scaling.ts), which our files and Keras 2 express it as.
  ...Object.fromEntries(Object.keys(ONNX_ELEMENTWISE).filter((op) => op !== 'Neg').map((op) => [op, elementwise])),
  Pow: pow,
  ...Object.fromEntries([...Object.keys(REDUCTIONS), ...Object.keys(CHAINS)].map((op) => [op, reduce])),
  ...Object.fromEntries(Object.keys(SEVERAL).filter((op) => op !== 'Pow').map((op) => [op, severalTensors])),
  ArgMax: argReduce,
  ArgMin: argReduce,
  Cast: castTensor,
  CastLike: castLike,
  Split: split,
};
