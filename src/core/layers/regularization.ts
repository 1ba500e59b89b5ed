/**
 * Regularization layers (keras/src/layers/regularization): noise and dropout variants, which are the
 * identity at inference and change only training, and ActivityRegularization, which adds a penalty on its
 * input to the loss. None has weights.
 */
import type { Json, Shape } from '../types';
import { checkNoiseShape, noiseShapeField } from './core';
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, required } from './fields';
import { requireRank } from './shapeMath';
import type { FieldSpec } from './spec';

const rateField = required('rate', 'float', 'Fraction of the inputs to drop, between 0 and 1', { min: 0, max: 1 });
const seedField = f.int('seed', null, 'Random seed', { nullable: true, advanced: true });

/** A layer that returns its input unchanged in shape, with these fields. */
function sameShape(className: string, doc: string, fields: FieldSpec[], newConfig: Record<string, Json> = {}): CatalogSpec {
  return defineLayer({
    className,
    category: 'Regularization',
    doc,
    fields,
    inputs: { min: 1, max: 1 },
    newConfig,
    outputShape: ([x]) => [...x],
    weights: () => [],
  });
}

/** SpatialDropout1D/2D/3D drop whole feature maps: the input must have the rank of its data layout. */
function spatialDropout(rank: 3 | 4 | 5): CatalogSpec {
  const dims = rank - 2;
  const className = `SpatialDropout${dims}D`;
  const spec = defineLayer({
    className,
    category: 'Regularization',
    doc: `Dropout of entire ${dims}D feature maps (channels) instead of single elements`,
    fields: dims === 1 ? [rateField, seedField] : [rateField, dataFormatField, seedField],
    inputs: { min: 1, max: 1 },
    newConfig: { rate: 0.5 },
    outputShape([x]: Shape[]) {
      requireRank(x, rank, dims === 1 ? '(batch, steps, channels)' : `(batch, ${dims === 2 ? 'rows, cols' : 'dim1, dim2, dim3'}, channels)`);
      return [...x];
    },
    weights: () => [],
  });
  // Keras 3's SpatialDropout constructors take no `trainable` (keras/src/layers/regularization/spatial_dropout.py).
  return { ...spec, fields: spec.fields.filter((x) => x.name !== 'trainable') };
}

const GaussianNoise = sameShape(
  'GaussianNoise',
  'Adds zero-centred Gaussian noise during training (a regularizer); the identity at inference',
  [required('stddev', 'float', 'Standard deviation of the noise', { min: 0 }), seedField],
  { stddev: 0.1 },
);

const GaussianDropout = sameShape(
  'GaussianDropout',
  'Multiplies inputs by 1-centred Gaussian noise (stddev sqrt(rate / (1 - rate))) during training',
  [rateField, seedField],
  { rate: 0.5 },
);

const AlphaDropout = defineLayer({
  className: 'AlphaDropout',
  category: 'Regularization',
  doc: 'Dropout that keeps the mean and variance of its inputs (for SELU networks)',
  fields: [rateField, noiseShapeField, seedField],
  inputs: { min: 1, max: 1 },
  newConfig: { rate: 0.1 },
  outputShape([x], c) {
    checkNoiseShape(x, c);
    return [...x];
  },
  weights: () => [],
});

const ActivityRegularization = sameShape(
  'ActivityRegularization',
  'Adds l1 * sum(|x|) + l2 * sum(x²) of its input to the loss; passes the input on unchanged',
  [f.float('l1', 0, 'L1 factor', { min: 0 }), f.float('l2', 0, 'L2 factor', { min: 0 })],
  { l2: 0.01 },
);

export const regularizationLayers: CatalogSpec[] = [GaussianNoise, GaussianDropout, AlphaDropout, spatialDropout(3), spatialDropout(4), spatialDropout(5), ActivityRegularization];
