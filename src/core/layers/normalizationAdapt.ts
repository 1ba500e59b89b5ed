/**
 * Keras' Normalization layer as data (keras/src/layers/preprocessing/normalization.py): which axes it keeps
 * (its `axis`, one mean and variance per position there) and which it reduces, and `adapt` on an array:
 * the per-position mean and population variance over the reduced axes, as `layer.adapt(x)` of a NumPy array
 * computes them (np.mean, np.var). One home for the rule: the catalog's weight shapes and the trainers'
 * adapt both use it. Pure: no tfjs.
 */
import type { Json, Shape } from '../types';
import { normAxis } from './shapeMath';
import { ShapeError } from './spec';

/** Keras' backend.epsilon(), Normalization's smallest scale. */
export const KERAS_EPSILON = 1e-7;

/** The kept axes (sorted, batch counted) of a Normalization `axis` (an int, a list, or null for none). */
export function normalizationKeepAxes(axis: Json, rank: number): number[] {
  const list = axis === null || axis === undefined ? [] : Array.isArray(axis) ? axis : [axis];
  if (!list.every((a) => typeof a === 'number')) throw new ShapeError('axis must be an integer, a list of integers or null', 'use -1 for one mean and variance per feature', 'axis');
  const keep = [...new Set((list as number[]).map((a) => normAxis(a, rank)))].sort((a, b) => a - b);
  if (keep.includes(0)) throw new ShapeError('axis cannot keep the batch axis (0)', 'use -1 for one mean and variance per feature', 'axis');
  return keep;
}

/** The shape of `mean` and `variance`: the input's sizes at the kept axes, which must be known. */
export function normalizationStatShape(input: Shape, axis: Json): number[] {
  return normalizationKeepAxes(axis, input.length).map((a) => {
    const d = input[a];
    if (d === null || d === undefined) throw new ShapeError(`axis ${a} of the input must have a known size to keep a mean per position`, 'give the Input a fixed size on that axis, or change axis', 'axis');
    return d;
  });
}

/**
 * `adapt` on rows of shape `shape` (batch first): mean and variance per kept position, over every other axis.
 * Accumulated in float64, as NumPy does for float32 input's pairwise sums closely enough for 1e-5.
 */
export function adaptNormalization(data: ArrayLike<number>, shape: readonly number[], axis: Json): { mean: Float32Array; variance: Float32Array } {
  const keep = normalizationKeepAxes(axis, shape.length);
  const statShape = keep.map((a) => shape[a]!);
  const size = statShape.reduce((p, q) => p * q, 1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, q) => p * q, 1));
  const statIndex = (flat: number): number => keep.reduce((acc, a) => acc * shape[a]! + (Math.floor(flat / strides[a]!) % shape[a]!), 0);
  const sum = new Float64Array(size);
  const count = new Float64Array(size);
  for (let i = 0; i < data.length; i++) {
    const s = statIndex(i);
    sum[s]! += data[i]!;
    count[s]! += 1;
  }
  if (count.some((c) => c === 0)) throw new ShapeError('adapt needs at least one row', 'give the training data some rows');
  const mean = sum.map((v, i) => v / count[i]!);
  const sq = new Float64Array(size);
  for (let i = 0; i < data.length; i++) {
    const s = statIndex(i);
    sq[s]! += (data[i]! - mean[s]!) ** 2;
  }
  return { mean: Float32Array.from(mean), variance: Float32Array.from(sq, (v, i) => v / count[i]!) };
}
