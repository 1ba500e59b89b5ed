/**
 * `keras.ops.normalize(x, axis=-1, order=2, epsilon=None)` (keras/src/ops/nn.py), recorded as class Normalize
 * (module keras.src.ops.nn, config axis, order, epsilon): x divided by its L-`order` norm along `axis`, the norm
 * at least epsilon (None: Keras' epsilon, 1e-7); order 2 as x * min(rsqrt(sum(x²)), 1 / epsilon).
 */
import type { CatalogSpec } from './define';
import { f, field } from './fields';
import type { KerasOperation } from './operations';
import { normAxis } from './shapeMath';
import { ShapeError } from './spec';

export const NORMALIZE_OPERATIONS: Readonly<Record<string, KerasOperation>> = { Normalize: { module: 'keras.src.ops.nn', fn: 'normalize' } };

/** Keras' backend.epsilon(), the floor of the norm when epsilon is None. */
export const KERAS_EPSILON = 1e-7;

const Normalize: CatalogSpec = {
  className: 'Normalize',
  category: 'Normalization',
  doc: 'Divides each sample by its L-order norm along the axis (Keras operation keras.ops.normalize)',
  fields: [
    f.int('axis', -1, 'The axis to normalize along (not the batch axis)'),
    f.int('order', 2, 'The norm: 1 (sum of |x|), 2 (Euclidean)...', { min: 1 }),
    field('epsilon', 'float', null, 'The smallest norm divided by (None: 1e-7)', { nullable: true, advanced: true }),
  ],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    if (normAxis(Number(c.axis ?? -1), x!.length) === 0) throw new ShapeError('cannot normalize along the batch axis (0)', 'use axis -1', 'axis');
    if (!Number.isInteger(c.order) || Number(c.order) < 1) throw new ShapeError(`order ${String(c.order)}`, 'Keras takes an integer order of 1 or more', 'order');
    return [...x!];
  },
  weights: () => [],
};

export const normalizeOperationLayers: CatalogSpec[] = [Normalize];
