/**
 * Keras operations: `keras.ops` calls that a Keras 3 functional model records as nodes of its config
 * (keras/src/ops/numpy.py, math.py; module `keras.src.ops.numpy` / `keras.src.ops.math`, `registered_name` the
 * class name, a config of `name` plus the constructor's arguments, no trainable or dtype) and that
 * `keras.saving.load_model` reads back with safe_mode on. They have no Keras layer, so they are catalog
 * entries of their own, under Keras' class names: element-wise functions, reductions over axes and the
 * division of two tensors. Only a
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
};

/** Operations of two tensors, called on them as separate arguments (`Divide()(x1, x2)`), broadcast as numpy does. */
const BINARY: Record<string, [fn: string, doc: string]> = {
  Divide: ['divide', 'x1 / x2, element-wise (shapes broadcast)'],
};

export const KERAS_OPERATIONS: Readonly<Record<string, KerasOperation>> = Object.fromEntries([
  ['Clip', { module: NUMPY, fn: 'clip' }],
  ...Object.entries(BINARY).map(([cls, [fn]]) => [cls, { module: NUMPY, fn }]),
  ...Object.entries(ELEMENTWISE).map(([cls, [fn]]) => [cls, { module: cls === 'Erf' ? 'keras.src.ops.math' : NUMPY, fn }]),
  ...Object.entries(REDUCTIONS).map(([cls, [fn]]) => [cls, { module: NUMPY, fn }]),
  ...Object.entries(ATTENTION_OPERATIONS),
  ...Object.entries(MATRIX_OPERATIONS),
  ...Object.entries(NORMALIZE_OPERATIONS),
]);

/** Whether a catalog class is a Keras operation (not a layer). */
export function isKerasOperation(className: string): boolean {
  return Object.hasOwn(KERAS_OPERATIONS, className);
}

/** Whether a catalog class is a Keras operation called on several tensors as separate arguments (x1, x2). */
export function isBinaryOperation(className: string): boolean {
  return Object.hasOwn(BINARY, className) || KERAS_OPERATIONS[className]?.tensorArgs !== undefined;
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

export const operationLayers: CatalogSpec[] = [
  ...Object.entries(ELEMENTWISE).map(elementwise),
  Clip,
  ...Object.entries(REDUCTIONS).map(reduction),
  ...Object.entries(BINARY).map(binary),
];
