/**
 * Core layers: InputLayer, Dense, Activation, Dropout (keras/layers/core, keras/engine/input_layer.py;
 * tfjs-layers src/layers/core.ts, src/engine/input_layer.ts).
 */
import type { Json, JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { f, field, kernelBiasFields, required } from './fields';
import { formatShape, knownDim, num, requireMinRank } from './shapeMath';
import { ShapeError, type WeightSpec } from './spec';

/**
 * A full batch shape: a non-empty list of positive ints or nulls, the batch entry first. `[null]` alone is a
 * batch of scalars (Keras' `Input(shape=())`, which Keras saves as `batch_shape: [null]`).
 */
export function checkBatchShape(v: Json): string | null {
  if (!Array.isArray(v) || v.length < 1) return 'must be a list like [null, 784]: the batch size (null), then the dimensions of one sample';
  if (!v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))) {
    return 'entries must be positive integers or null';
  }
  return null;
}

/** The batch shape an InputLayer config declares: Keras 2 `batch_input_shape` or Keras 3 `batch_shape`. */
export function inputLayerShape(config: Record<string, Json>): Shape | null {
  const v = config.batch_input_shape ?? config.batch_shape ?? null;
  return Array.isArray(v) ? (v as Shape) : null;
}

const InputLayer: CatalogSpec = {
  className: 'InputLayer',
  category: 'Input',
  doc: 'A model input: declares the shape of the data fed to the model',
  fields: [
    field('batch_input_shape', 'json', null, 'Input shape with the batch size first, e.g. [null, 28, 28, 1]', { check: checkBatchShape }),
    field('dtype', 'json', 'float32', 'Data type of the input (int32 for token ids)', { advanced: true }),
    f.bool('sparse', false, 'Whether the input is a sparse tensor', { advanced: true }),
  ],
  inputs: { min: 0, max: 0 },
  newConfig: { batch_input_shape: [null, 784] },
  outputShape(_inputs, config) {
    const s = inputLayerShape(config);
    const err = s ? checkBatchShape(s) : 'is not set';
    if (err || !s) throw new ShapeError(`batch_input_shape ${err}`, 'set the input shape, e.g. [null, 28, 28, 1]', 'batch_input_shape');
    return [...s];
  },
  weights: () => [],
};

const Dense = defineLayer({
  className: 'Dense',
  category: 'Core',
  doc: 'Fully connected layer: output = activation(input · kernel + bias)',
  fields: [
    required('units', 'int', 'Number of output units', { min: 1 }),
    f.activation(),
    f.bool('use_bias', true, 'Whether to add a bias vector'),
    ...kernelBiasFields(),
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { units: 32, activation: 'relu' },
  // Keras applies the kernel on the last axis, so rank > 2 inputs keep their inner axes.
  outputShape([x], c) {
    requireMinRank(x, 2, '(batch, features)');
    knownDim(x, -1, 'last');
    return [...x.slice(0, -1), num(c, 'units')];
  },
  weights([x], c): WeightSpec[] {
    const units = num(c, 'units');
    const w: WeightSpec[] = [{ name: 'kernel', shape: [knownDim(x, -1, 'last'), units], trainable: true }];
    if (c.use_bias !== false) w.push({ name: 'bias', shape: [units], trainable: true });
    return w;
  },
});

const Activation = defineLayer({
  className: 'Activation',
  category: 'Activation',
  doc: 'Applies an activation function element-wise',
  fields: [f.activation('activation', 'linear', 'The activation function')],
  inputs: { min: 1, max: 1 },
  newConfig: { activation: 'relu' },
  outputShape: ([x]) => [...x],
  weights: () => [],
});

/** Dropout's and AlphaDropout's `noise_shape`: the mask's shape, one entry per input axis, or null. */
export const noiseShapeField = field('noise_shape', 'json', null, 'Shape of the binary dropout mask (null: same as the input)', {
  nullable: true,
  advanced: true,
  check: (v) => (v === null || (Array.isArray(v) && v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))) ? null : 'must be null or a list of positive integers / nulls'),
});

export function checkNoiseShape(x: Shape, c: JsonObject): void {
  const ns = c.noise_shape;
  if (Array.isArray(ns) && ns.length !== x.length) {
    throw new ShapeError(`noise_shape ${JSON.stringify(ns)} has ${ns.length} entries but the input ${formatShape(x)} has rank ${x.length}`, 'give noise_shape one entry per input axis, or null', 'noise_shape');
  }
}

const Dropout = defineLayer({
  className: 'Dropout',
  category: 'Core',
  doc: 'Randomly sets a fraction of inputs to 0 during training',
  fields: [
    required('rate', 'float', 'Fraction of the inputs to drop, between 0 and 1', { min: 0, max: 1 }),
    noiseShapeField,
    f.int('seed', null, 'Random seed', { nullable: true, advanced: true }),
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { rate: 0.5 },
  outputShape([x], c) {
    checkNoiseShape(x, c);
    return [...x];
  },
  weights: () => [],
});

const Identity = defineLayer({
  className: 'Identity',
  category: 'Core',
  doc: 'Returns its input unchanged (a placeholder, or a named point in the graph)',
  fields: [],
  inputs: { min: 1, max: 1 },
  outputShape: ([x]) => [...x],
  weights: () => [],
});

const Masking = defineLayer({
  className: 'Masking',
  category: 'Core',
  doc: 'Marks timesteps whose features all equal mask_value as missing: later RNNs skip them, losses ignore them',
  fields: [f.float('mask_value', 0, 'The value that marks a missing timestep')],
  inputs: { min: 1, max: 1 },
  outputShape([x]) {
    requireMinRank(x, 2, '(batch, ..., features)');
    return [...x];
  },
  weights: () => [],
});

export const coreLayers: CatalogSpec[] = [InputLayer, Dense, Activation, Dropout, Identity, Masking];
