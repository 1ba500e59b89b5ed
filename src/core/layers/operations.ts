/**
 * Keras operations: `keras.ops` calls that a Keras 3 functional model records as nodes of its config
 * (keras/src/ops/numpy.py, math.py; module `keras.src.ops.numpy` / `keras.src.ops.math`, `registered_name` the
 * class name, a config of `name` plus the constructor's arguments, no trainable or dtype) and that
 * `keras.saving.load_model` reads back with safe_mode on. They have no Keras layer, so they are catalog
 * entries of their own, under Keras' class names: element-wise functions, reductions over axes, operations of
 * two tensors (division, comparisons, logic, mod, power), where, argmax / argmin. Only a
 * functional model can hold them (keras.Sequential takes layers).
 */
import type { JsonObject, Shape } from '../types';
import type { CatalogSpec } from './define';
import { f, field, required } from './fields';
import { ATTENTION_OPERATIONS } from './attentionOps';
import { MATRIX_OPERATIONS } from './matrixOps';
import { NORMALIZE_OPERATIONS } from './normalizeOps';
import { normAxis } from './shapeMath';
import { ShapeError } from './spec';

export interface KerasOperation {
  /** The Python module Keras writes in the config entry. */
  module: string;
  /** The `keras.ops` function that records it (codegen). */
  fn: string;
  /** Config fields Keras records as call keyword arguments (the node's kwargs), not in the config. */
  callArgs?: readonly string[];
  /** The call's tensor arguments in inbound order, the first three positional, later ones keywords. */
  tensorArgs?: readonly string[];
}

const NUMPY = 'keras.src.ops.numpy';

/** Element-wise operations, by Keras class: the module and the keras.ops function. */
const ELEMENTWISE: Record<string, [fn: string, doc: string]> = {
  Absolute: ['absolute', '|x|, element-wise'],
  Negative: ['negative', '-x, element-wise'],
  Sqrt: ['sqrt', 'Square root, element-wise (NaN below 0)'],
  Exp: ['exp', 'e to the power x, element-wise'],
  Log: ['log', 'Natural logarithm, element-wise (NaN below 0)'],
  Square: ['square', 'x * x, element-wise'],
  Reciprocal: ['reciprocal', '1 / x, element-wise'],
  Floor: ['floor', 'Largest integer not above x, element-wise'],
  Ceil: ['ceil', 'Smallest integer not below x, element-wise'],
  Sign: ['sign', '-1, 0 or 1 by the sign of x, element-wise'],
  Sin: ['sin', 'Sine, element-wise'],
  Cos: ['cos', 'Cosine, element-wise'],
  Tan: ['tan', 'Tangent, element-wise'],
  Erf: ['erf', 'Gauss error function, element-wise'],
};

/** Reductions over axes, by Keras class: the keras.ops function and whether it takes `initial` (Max, Min). */
const REDUCTIONS: Record<string, [fn: string, doc: string, initial: boolean]> = {
  Sum: ['sum', 'Sum over the given axes', false],
  Mean: ['mean', 'Mean over the given axes', false],
  Max: ['max', 'Maximum over the given axes', true],
  Min: ['min', 'Minimum over the given axes', true],
  Prod: ['prod', 'Product over the given axes', false],
  Logsumexp: ['logsumexp', 'log(sum(exp(x))) over the given axes, computed without overflow', false],
};

/** Operations of two tensors, called on them as separate arguments (`Divide()(x1, x2)`), broadcast as numpy does. */
const BINARY: Record<string, [fn: string, doc: string]> = {
  Divide: ['divide', 'x1 / x2, element-wise (shapes broadcast)'],
  Equal: ['equal', 'x1 == x2, element-wise, as booleans (shapes broadcast)'],
  Less: ['less', 'x1 < x2, element-wise, as booleans (shapes broadcast)'],
  LessEqual: ['less_equal', 'x1 <= x2, element-wise, as booleans (shapes broadcast)'],
  Greater: ['greater', 'x1 > x2, element-wise, as booleans (shapes broadcast)'],
  GreaterEqual: ['greater_equal', 'x1 >= x2, element-wise, as booleans (shapes broadcast)'],
  LogicalAnd: ['logical_and', 'x1 and x2, element-wise (non-zero is true; shapes broadcast)'],
  LogicalOr: ['logical_or', 'x1 or x2, element-wise (non-zero is true; shapes broadcast)'],
  LogicalXor: ['logical_xor', 'x1 xor x2, element-wise (non-zero is true; shapes broadcast)'],
  Mod: ['mod', 'x1 modulo x2, element-wise, with the sign of x2 (numpy mod; shapes broadcast)'],
  Power: ['power', 'x1 to the power x2, element-wise (shapes broadcast)'],
};

/** The operations whose result is boolean (their tensors hold true / false, not numbers). */
export const BOOLEAN_OPERATIONS: ReadonlySet<string> = new Set(['Equal', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor', 'LogicalNot']);
/** The operations whose result is int32 indices. */
export const INDEX_OPERATIONS: ReadonlySet<string> = new Set(['Argmax', 'Argmin']);

export const KERAS_OPERATIONS: Readonly<Record<string, KerasOperation>> = Object.fromEntries([
  ['Clip', { module: NUMPY, fn: 'clip' }],
  ...Object.entries(BINARY).map(([cls, [fn]]) => [cls, { module: NUMPY, fn }]),
  ...Object.entries(ELEMENTWISE).map(([cls, [fn]]) => [cls, { module: cls === 'Erf' ? 'keras.src.ops.math' : NUMPY, fn }]),
  ...Object.entries(REDUCTIONS).map(([cls, [fn]]) => [cls, { module: cls === 'Logsumexp' ? 'keras.src.ops.math' : NUMPY, fn }]),
  ['LogicalNot', { module: NUMPY, fn: 'logical_not' }],
  ['Where', { module: NUMPY, fn: 'where' }],
  ['Argmax', { module: NUMPY, fn: 'argmax' }],
  ['Argmin', { module: NUMPY, fn: 'argmin' }],
  ['Cast', { module: 'keras.src.ops.core', fn: 'cast' }],
  ...Object.entries(ATTENTION_OPERATIONS),
  ...Object.entries(MATRIX_OPERATIONS),
  ...Object.entries(NORMALIZE_OPERATIONS),
]);

/** Whether a catalog class is a Keras operation (not a layer). */
export function isKerasOperation(className: string): boolean {
  return Object.hasOwn(KERAS_OPERATIONS, className);
}

/** Whether a catalog class is a Keras operation of several tensors, called on them as separate arguments (x1, x2; Where's condition, x1, x2; attention's query, key, value). */
export function takesSeparateTensors(className: string): boolean {
  return Object.hasOwn(BINARY, className) || className === 'Where' || KERAS_OPERATIONS[className]?.tensorArgs !== undefined;
}

/** numpy's broadcast of two shapes, batch axis included (keras/src/ops/operation_utils.py broadcast_shapes). */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  if (a.length !== b.length) throw new ShapeError(`inputs of ranks ${a.length} and ${b.length}: the batch axes would not line up`, 'give both inputs the same rank (a Reshape adds size-1 axes)');
  return a.map((x, i) => {
    const y = b[i]!;
    if (x === y || y === 1) return x;
    if (x === 1) return y;
    if (x === null || y === null) return x ?? y;
    throw new ShapeError(`axis ${i} has sizes ${x} and ${y}, which do not broadcast`, 'the sizes of each axis must be equal, or one of them 1');
  });
}

/** The axes a reduction config names, normalized against the input rank; the batch axis is refused. */
export function reductionAxes(x: Shape, c: JsonObject): number[] {
  const axis = c.axis ?? null;
  if (axis === null) throw new ShapeError('axis None reduces over the batch axis too', 'name the axes to reduce, e.g. -1', 'axis');
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis(Number(a), x.length));
  if (list.includes(0)) throw new ShapeError('the batch axis (0) cannot be reduced: every sample keeps its own result', 'reduce over axes 1 and above', 'axis');
  if (new Set(list).size !== list.length) throw new ShapeError('an axis is named twice', 'name each axis once', 'axis');
  return list;
}

const elementwise = ([cls, [, doc]]: [string, [string, string]]): CatalogSpec => ({
  className: cls,
  category: 'Activation',
  doc: `${doc} (Keras operation keras.ops.${KERAS_OPERATIONS[cls]!.fn})`,
  fields: [],
  inputs: { min: 1, max: 1 },
  outputShape: ([x]) => [...x!],
  weights: () => [],
});

const reduction = ([cls, [fn, doc, initial]]: [string, [string, string, boolean]]): CatalogSpec => ({
  className: cls,
  category: 'Pooling',
  doc: `${doc} (Keras operation keras.ops.${fn})`,
  fields: [
    field('axis', 'axis', null, 'Axes to reduce (batch axis excluded), e.g. -1 or [1, 2]', { nullable: true }),
    f.bool('keepdims', false, 'Keep each reduced axis with size 1'),
    ...(initial ? [field('initial', 'float', null, 'A value every reduction includes (None: none)', { nullable: true, advanced: true })] : []),
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { axis: -1 },
  outputShape([x], c) {
    const axes = reductionAxes(x!, c);
    return c.keepdims === true ? x!.map((d, i) => (axes.includes(i) ? 1 : d)) : x!.filter((_, i) => !axes.includes(i));
  },
  weights: () => [],
});

const binary = ([cls, [fn, doc]]: [string, [string, string]]): CatalogSpec => ({
  className: cls,
  category: 'Merge',
  doc: `${doc} (Keras operation keras.ops.${fn})`,
  fields: [],
  inputs: { min: 2, max: 2 },
  outputShape: ([a, b]) => broadcastShapes(a!, b!),
  weights: () => [],
});

/** keras.ops.clip(x, x_min, x_max): both bounds required (numpy.py Clip.__init__). */
const Clip: CatalogSpec = {
  className: 'Clip',
  category: 'Activation',
  doc: 'Limits values to [x_min, x_max], element-wise (Keras operation keras.ops.clip)',
  fields: [required('x_min', 'float', 'Lower bound'), required('x_max', 'float', 'Upper bound')],
  inputs: { min: 1, max: 1 },
  newConfig: { x_min: 0, x_max: 1 },
  outputShape: ([x]) => [...x!],
  weights: () => [],
};

/** keras.ops.logical_not(x): true where x is zero (numpy.py LogicalNot); not an ELEMENTWISE entry, which compute in float. */
const LogicalNot = elementwise(['LogicalNot', ['logical_not', 'not x, element-wise, as booleans (zero is false)']]);

/** keras.ops.where(condition, x1, x2): x1 where the condition holds (non-zero), else x2; the three shapes broadcast. */
const Where: CatalogSpec = {
  className: 'Where',
  category: 'Merge',
  doc: 'x1 where the condition is true (non-zero), else x2, element-wise (Keras operation keras.ops.where; inputs: condition, x1, x2)',
  fields: [],
  inputs: { min: 3, max: 3 },
  outputShape: ([c, a, b]) => broadcastShapes(broadcastShapes(c!, a!), b!),
  weights: () => [],
};

/** The one axis an Argmax / Argmin config names, normalized; None (the flattened tensor, batch included) and the batch axis are refused. */
export function argAxis(x: Shape, c: JsonObject): number {
  if (c.axis === null || c.axis === undefined) throw new ShapeError('axis None looks over the flattened tensor, the batch axis too', 'name one axis, e.g. -1', 'axis');
  const a = normAxis(Number(c.axis), x.length);
  if (a === 0) throw new ShapeError('the batch axis (0) cannot be searched: every sample keeps its own result', 'name an axis of 1 and above', 'axis');
  return a;
}

/** keras.ops.argmax / argmin(x, axis, keepdims): int32 indices of the first largest / smallest value along one axis. */
const argReduction = (cls: string, what: string): CatalogSpec => ({
  className: cls,
  category: 'Pooling',
  doc: `Index of the first ${what} value along one axis, as int32 (Keras operation keras.ops.${cls.toLowerCase()})`,
  fields: [field('axis', 'int', null, 'The axis to search (batch axis excluded), e.g. -1', { nullable: true }), f.bool('keepdims', false, 'Keep the searched axis with size 1')],
  inputs: { min: 1, max: 1 },
  newConfig: { axis: -1 },
  outputShape([x], c) {
    const a = argAxis(x!, c);
    return c.keepdims === true ? x!.map((d, i) => (i === a ? 1 : d)) : x!.filter((_, i) => i !== a);
  },
  weights: () => [],
});

/** The element types Cast converts to: float32, int32 (floats truncated toward zero) and bool (non-zero is true). */
export const CAST_DTYPES = ['float32', 'int32', 'bool'] as const;

/** keras.ops.cast(x, dtype) (core.py Cast). */
const Cast: CatalogSpec = {
  className: 'Cast',
  category: 'Activation',
  doc: 'Converts the values to another element type: int32 truncates toward zero, bool is true where non-zero (Keras operation keras.ops.cast)',
  // Required, as in Keras (Cast(dtype)): keras.ops.cast has no default type.
  fields: [required('dtype', 'enum', 'The element type of the result', { options: CAST_DTYPES })],
  inputs: { min: 1, max: 1 },
  newConfig: { dtype: 'float32' },
  outputShape: ([x]) => [...x!],
  weights: () => [],
};

export const operationLayers: CatalogSpec[] = [
  ...Object.entries(ELEMENTWISE).map(elementwise),
  Clip,
  ...Object.entries(REDUCTIONS).map(reduction),
  ...Object.entries(BINARY).map(binary),
  LogicalNot,
  Where,
  argReduction('Argmax', 'largest'),
  argReduction('Argmin', 'smallest'),
  Cast,
];
