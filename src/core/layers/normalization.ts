/**
 * Normalization layers (keras/layers/normalization; tfjs-layers src/layers/normalization.ts).
 * BatchNormalization weights, in Keras' build order: gamma (if scale), beta (if center), then the
 * non-trainable moving_mean and moving_variance. LayerNormalization: gamma, beta.
 */
import type { Json, JsonObject, Shape } from '../types';
import { defineLayer } from './define';
import { f, field } from './fields';
import { formatShape, normAxis } from './shapeMath';
import { ShapeError, type FieldSpec, type WeightSpec } from './spec';

const checkAxis = (v: Json): string | null =>
  (typeof v === 'number' && Number.isInteger(v)) || (Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'number' && Number.isInteger(a)))
    ? null
    : 'must be an integer or a list of integers';

/** The normalized axes (non-negative) with their sizes, which must be known. */
function axesOf(x: Shape, c: JsonObject): { axes: number[]; dims: number[] } {
  const raw = c.axis;
  const list = Array.isArray(raw) ? (raw as number[]) : [raw as number];
  const axes = list.map((a) => normAxis(a, x.length));
  if (axes.includes(0)) throw new ShapeError('cannot normalize over the batch axis (0)', 'use axis -1 (the features/channels axis)', 'axis');
  const dims = axes.map((a) => {
    const d = x[a];
    if (d === null) {
      throw new ShapeError(`axis ${a} of input ${formatShape(x)} must have a known size`, 'give that axis a fixed size in the Input', 'axis');
    }
    return d;
  });
  return { axes, dims };
}

/**
 * center/scale and the beta/gamma initializer, regularizer and constraint fields both layers share, in their
 * constructors' order; `moreInitializers` go after gamma's (BatchNormalization's moving statistics).
 */
function affineFields(...moreInitializers: FieldSpec[]): FieldSpec[] {
  return [
    f.bool('center', true, 'Learn an offset beta'),
    f.bool('scale', true, 'Learn a scale gamma'),
    f.initializer('beta_initializer', 'zeros', 'How beta starts'),
    f.initializer('gamma_initializer', 'ones', 'How gamma starts'),
    ...moreInitializers,
    f.regularizer('beta_regularizer'),
    f.regularizer('gamma_regularizer'),
    f.constraint('beta_constraint'),
    f.constraint('gamma_constraint'),
  ];
}

/** gamma (if scale) then beta (if center), the order both layers' build() creates them in. */
function affineWeights(shape: number[], c: JsonObject): WeightSpec[] {
  const w: WeightSpec[] = [];
  if (c.scale !== false) w.push({ name: 'gamma', shape, trainable: true });
  if (c.center !== false) w.push({ name: 'beta', shape, trainable: true });
  return w;
}

const BatchNormalization = defineLayer({
  className: 'BatchNormalization',
  category: 'Normalization',
  doc: 'Normalizes each channel with batch statistics during training and moving averages at inference',
  fields: [
    field('axis', 'axis', -1, 'The features/channels axis (1 for channels_first images)', { check: checkAxis }),
    f.float('momentum', 0.99, 'Momentum of the moving averages', { min: 0, max: 1 }),
    f.float('epsilon', 0.001, 'Small value added to the variance', { min: 0 }),
    ...affineFields(
      f.initializer('moving_mean_initializer', 'zeros', 'How the moving mean starts'),
      f.initializer('moving_variance_initializer', 'ones', 'How the moving variance starts'),
    ),
  ],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    axesOf(x, c);
    return [...x];
  },
  weights([x], c) {
    const { axes, dims } = axesOf(x, c);
    // Keras 2: one axis gives a vector; several give a broadcastable full-rank shape.
    const shape = axes.length === 1 ? [dims[0]] : x.map((_, i) => (axes.includes(i) ? dims[axes.indexOf(i)] : 1));
    return [
      ...affineWeights(shape, c),
      { name: 'moving_mean', shape, trainable: false },
      { name: 'moving_variance', shape, trainable: false },
    ];
  },
});

const LayerNormalization = defineLayer({
  className: 'LayerNormalization',
  category: 'Normalization',
  doc: 'Normalizes each sample over its feature axes',
  fields: [
    field('axis', 'axis', -1, 'Axis or axes to normalize over', { check: checkAxis }),
    f.float('epsilon', 0.001, 'Small value added to the variance', { min: 0 }),
    ...affineFields(),
  ],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    axesOf(x, c);
    return [...x];
  },
  weights([x], c) {
    const { dims } = axesOf(x, c);
    return affineWeights(dims, c);
  },
});

const UnitNormalization = defineLayer({
  className: 'UnitNormalization',
  category: 'Normalization',
  doc: 'Scales each sample to unit L2 norm along the axis (x * rsqrt(sum(x²)), at most 1e12)',
  fields: [field('axis', 'axis', -1, 'Axis or axes to normalize over (not the batch axis)', { check: checkAxis })],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    const raw = c.axis;
    for (const a of Array.isArray(raw) ? (raw as number[]) : [raw as number]) {
      if (normAxis(a, x.length) === 0) throw new ShapeError('cannot normalize over the batch axis (0)', 'use axis -1 (the features/channels axis)', 'axis');
    }
    return [...x];
  },
  weights: () => [],
});

/** keras/src/layers/normalization/group_normalization.py: channels split in `groups`, each normalized alone. */
const GroupNormalization = defineLayer({
  className: 'GroupNormalization',
  category: 'Normalization',
  doc: 'Normalizes each sample over groups of channels (independent of the batch size)',
  fields: [
    f.int('groups', 32, 'Number of channel groups (-1: one group per channel)', { min: -1 }),
    f.int('axis', -1, 'The channels axis'),
    f.float('epsilon', 0.001, 'Small value added to the variance', { min: 0 }),
    ...affineFields(),
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { groups: 4 },
  outputShape([x], c) {
    groupsOf(x, c);
    return [...x];
  },
  weights([x], c) {
    return affineWeights([groupsOf(x, c).channels], c);
  },
});

function groupsOf(x: Shape, c: JsonObject): { channels: number; groups: number } {
  const axis = normAxis(c.axis as number, x.length);
  if (axis === 0) throw new ShapeError('cannot normalize over the batch axis (0)', 'use axis -1 (the channels axis)', 'axis');
  const channels = x[axis];
  if (channels === null || channels === undefined) throw new ShapeError(`axis ${axis} of input ${formatShape(x)} must have a known size`, 'give the channels axis a fixed size', 'axis');
  const groups = c.groups === -1 ? channels : Number(c.groups);
  if (groups < 1 || groups > channels || channels % groups !== 0) {
    throw new ShapeError(`${channels} channels cannot be split in ${groups} equal groups`, `use a divisor of ${channels} for groups (or -1: one group per channel)`, 'groups');
  }
  return { channels, groups };
}

export const normalizationLayers = [BatchNormalization, LayerNormalization, UnitNormalization, GroupNormalization];
