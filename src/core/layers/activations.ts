/**
 * Activation layers (keras/layers/activation; tfjs-layers src/layers/advanced_activations.ts).
 * Only PReLU has a weight: alpha, shaped like the input without the batch, with size 1 on shared_axes.
 */
import type { Json } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { f, field } from './fields';
import { formatShape, knownDim, normAxis } from './shapeMath';
import { ShapeError } from './spec';

const same = { inputs: { min: 1, max: 1 }, weights: () => [] };

const ReLU = defineLayer({
  className: 'ReLU',
  category: 'Activation',
  doc: 'Rectified linear unit, optionally capped (max_value) and leaky below threshold',
  fields: [
    f.float('max_value', null, 'Upper cap (null: none)', { nullable: true, min: 0 }),
    f.float('negative_slope', 0, 'Slope below the threshold', { min: 0 }),
    f.float('threshold', 0, 'Values below this are damped'),
  ],
  ...same,
  outputShape: ([x]) => [...x],
});

const LeakyReLU = defineLayer({
  className: 'LeakyReLU',
  category: 'Activation',
  doc: 'Leaky ReLU: x for x > 0, alpha * x otherwise',
  // Keras 2 / TF.js call it `alpha` (default 0.3); Keras 3 renamed it `negative_slope`.
  fields: [f.float('alpha', 0.3, 'Slope for negative inputs', { min: 0 })],
  ...same,
  outputShape: ([x]) => [...x],
});

const checkSharedAxes = (v: Json): string | null =>
  v === null || (Array.isArray(v) && v.every((a) => typeof a === 'number' && Number.isInteger(a) && a >= 1)) ? null : 'must be null or a list of axes (1-based, batch excluded)';

const PReLU = defineLayer({
  className: 'PReLU',
  category: 'Activation',
  doc: 'Parametric ReLU: learns the slope for negative inputs',
  fields: [
    f.initializer('alpha_initializer', 'zeros', 'How alpha starts'),
    f.regularizer('alpha_regularizer'),
    f.constraint('alpha_constraint'),
    field('shared_axes', 'json', null, 'Axes sharing one alpha, e.g. [1, 2] for one per channel of an image', { nullable: true, check: checkSharedAxes }),
  ],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    alphaShape(x, c.shared_axes);
    return [...x];
  },
  weights: ([x], c) => [{ name: 'alpha', shape: alphaShape(x, c.shared_axes), trainable: true }],
});

function alphaShape(x: (number | null)[], shared: Json): number[] {
  const axes = Array.isArray(shared) ? (shared as number[]) : [];
  for (const a of axes) {
    if (a < 1 || a >= x.length) {
      throw new ShapeError(`shared_axes entry ${a} is out of range for input ${formatShape(x)}`, `use axes between 1 and ${x.length - 1}`, 'shared_axes');
    }
  }
  return x.slice(1).map((_, i) => (axes.includes(i + 1) ? 1 : knownDim(x, i + 1, `axis ${i + 1}`)));
}

const ELU = defineLayer({
  className: 'ELU',
  category: 'Activation',
  doc: 'Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise',
  fields: [f.float('alpha', 1, 'Scale for negative inputs')],
  ...same,
  outputShape: ([x]) => [...x],
});

const Softmax = defineLayer({
  className: 'Softmax',
  category: 'Activation',
  doc: 'Softmax along an axis: outputs sum to 1',
  fields: [field('axis', 'axis', -1, 'Axis to normalize over')],
  ...same,
  outputShape([x], c) {
    for (const a of Array.isArray(c.axis) ? c.axis : [c.axis]) normAxis(a as number, x.length);
    return [...x];
  },
});

export const activationLayers: CatalogSpec[] = [ReLU, LeakyReLU, PReLU, ELU, Softmax];
