/**
 * Where the zero-install engine (TensorFlow.js) departs from Keras 3 for a layer's options: each departure
 * was measured against real Keras by the Keras suite (test/keras), where tfjs either cannot build the layer
 * or computes something else. The analyzer reports them on the layer (and so in the Problems panel) and the
 * tfjs engine refuses to build such a model, rather than train it silently differently. The Keras engine
 * runs them all. Pure data and rules: no tfjs here.
 */
import type { Json, JsonObject, Shape } from '../types';

export interface EngineDeparture {
  /** The config field at fault; absent when the layer class itself is the problem. */
  field?: string;
  message: string;
}

type Rule = (c: JsonObject, inputs: Shape[]) => EngineDeparture | null;

const KERAS_ENGINE_HINT = 'train it with the keras engine (real Keras in Python), or change the option';

/** Layer classes tfjs-layers has no implementation of. */
const MISSING_CLASSES = new Set(['SeparableConv1D', 'UpSampling1D', 'ZeroPadding1D', 'Cropping1D', 'ActivityRegularization', 'ConvLSTM1D']);

/** Activations tfjs lacks, or computes with another formula than Keras 3 (keras/src/activations/activations.py). */
const ACTIVATIONS: Record<string, string> = {
  exponential: 'TensorFlow.js has no "exponential" activation',
  silu: 'TensorFlow.js has no "silu" activation (Keras 3 name of swish)',
  hard_sigmoid: 'TensorFlow.js computes Keras 2\'s hard_sigmoid (0.2x + 0.5); Keras 3\'s is relu6(x + 3) / 6',
};

const ACTIVATION_FIELDS = ['activation', 'recurrent_activation'];

const isOne = (v: Json | undefined) => v === undefined || v === null || (Array.isArray(v) ? v.every((d) => d === 1) : v === 1);
const channelsFirst = (c: JsonObject) => c.data_format === 'channels_first';

function lastAxis(axis: Json | undefined, inputs: Shape[]): boolean {
  const rank = inputs[0]?.length;
  if (typeof axis !== 'number' || rank === undefined) return true;
  return axis === -1 || axis === rank - 1;
}

const rule = (field: string, test: (c: JsonObject, inputs: Shape[]) => boolean, message: string): Rule => (c, inputs) =>
  test(c, inputs) ? { field, message } : null;

const cfFirst = (what: string) => rule('data_format', channelsFirst, `TensorFlow.js computes ${what} with data_format "channels_first" on the wrong axis`);

const keepdims = rule('keepdims', (c) => c.keepdims === true, 'TensorFlow.js ignores global pooling keepdims (it drops the pooled axes)');

const RULES: Record<string, Rule[]> = {
  Conv1D: [
    rule('padding', (c) => c.padding === 'causal', 'TensorFlow.js cannot run Conv1D with padding "causal"'),
    cfFirst('Conv1D'),
  ],
  Conv2DTranspose: [
    rule('output_padding', (c) => c.output_padding !== undefined && c.output_padding !== null, 'TensorFlow.js ignores Conv2DTranspose output_padding'),
    rule('dilation_rate', (c) => !isOne(c.dilation_rate), 'TensorFlow.js ignores Conv2DTranspose dilation_rate'),
  ],
  Conv1DTranspose: [rule('dilation_rate', (c) => !isOne(c.dilation_rate), 'TensorFlow.js has no dilated transposed convolution')],
  Conv3DTranspose: [
    rule('output_padding', (c) => c.output_padding !== undefined && c.output_padding !== null, 'TensorFlow.js ignores Conv3DTranspose output_padding'),
    rule('dilation_rate', (c) => !isOne(c.dilation_rate), 'TensorFlow.js ignores Conv3DTranspose dilation_rate'),
  ],
  SeparableConv2D: [cfFirst('SeparableConv2D')],
  DepthwiseConv2D: [
    rule('dilation_rate', (c) => !isOne(c.dilation_rate), 'TensorFlow.js ignores DepthwiseConv2D dilation_rate'),
  ],
  MaxPooling1D: [cfFirst('MaxPooling1D')],
  AveragePooling1D: [cfFirst('AveragePooling1D')],
  GlobalMaxPooling1D: [cfFirst('GlobalMaxPooling1D'), keepdims],
  GlobalAveragePooling1D: [cfFirst('GlobalAveragePooling1D'), keepdims],
  GlobalMaxPooling2D: [keepdims],
  GlobalAveragePooling2D: [keepdims],
  UpSampling2D: [rule('interpolation', (c) => c.interpolation === 'bilinear', 'TensorFlow.js\'s bilinear UpSampling2D samples other points than Keras\'')],
  BatchNormalization: [
    rule('axis', (c, inputs) => !lastAxis(c.axis, inputs), 'TensorFlow.js applies BatchNormalization\'s statistics on the last axis whatever axis says (tfjs#1106)'),
    rule('axis', (_c, inputs) => (inputs[0]?.length ?? 0) > 4, 'TensorFlow.js has no BatchNormalization for inputs of rank above 4 (3-D volumes)'),
  ],
  ReLU: [
    rule('negative_slope', (c) => typeof c.negative_slope === 'number' && c.negative_slope !== 0, 'TensorFlow.js ignores ReLU negative_slope'),
    rule('threshold', (c) => typeof c.threshold === 'number' && c.threshold !== 0, 'TensorFlow.js ignores ReLU threshold'),
  ],
  // keras/src/layers/preprocessing/image_preprocessing/center_crop.py: a smaller image is cropped to the
  // target's aspect ratio and resized (smart_resize); our tfjs CenterCrop only crops.
  CenterCrop: [
    rule('height', (c, [x]) => {
      const [h, w] = channelsFirst(c) ? [x?.[2], x?.[3]] : [x?.[1], x?.[2]];
      return (typeof h === 'number' && h < Number(c.height)) || (typeof w === 'number' && w < Number(c.width));
    }, 'TensorFlow.js cannot run CenterCrop on an image smaller than the crop (Keras resizes it first)'),
  ],
  Resizing: [
    rule('interpolation', (c) => !['bilinear', 'nearest'].includes(String(c.interpolation ?? 'bilinear')), 'TensorFlow.js resizes with bilinear or nearest interpolation only'),
    rule('crop_to_aspect_ratio', (c) => c.crop_to_aspect_ratio === true, 'TensorFlow.js cannot run Resizing with crop_to_aspect_ratio'),
    rule('pad_to_aspect_ratio', (c) => c.pad_to_aspect_ratio === true, 'TensorFlow.js cannot run Resizing with pad_to_aspect_ratio'),
    rule('antialias', (c) => c.antialias === true, 'TensorFlow.js cannot run Resizing with antialias'),
    cfFirst('Resizing'),
  ],
  ELU: [rule('alpha', (c) => typeof c.alpha === 'number' && c.alpha !== 1, 'TensorFlow.js cannot run ELU with alpha other than 1')],
  Softmax: [rule('axis', (c, inputs) => !lastAxis(c.axis, inputs), 'TensorFlow.js cannot run Softmax on an axis other than the last')],
};

/** Which Keras a model's names mean: a Keras 1/2 file's `hard_sigmoid` is Keras 2's formula, which tfjs has. */
export interface KerasDialect {
  /** `keras_version` of the file the model came from; absent for our own models, which mean Keras 3. */
  kerasVersion?: string;
}

const isKeras2 = (d: KerasDialect) => /^[12]\./.test(d.kerasVersion ?? '');

/** The departures of one layer (config with defaults filled) on the tfjs engine; empty when it matches Keras. */
export function tfjsDepartures(className: string, config: JsonObject, inputs: Shape[], dialect: KerasDialect = {}): EngineDeparture[] {
  if (MISSING_CLASSES.has(className)) return [{ message: `TensorFlow.js has no ${className} layer` }];
  const out: EngineDeparture[] = [];
  const activity = config.activity_regularizer;
  if (activity !== undefined && activity !== null) out.push({ field: 'activity_regularizer', message: 'TensorFlow.js cannot run a layer with an activity_regularizer' });
  for (const field of ACTIVATION_FIELDS) {
    const a = config[field];
    if (a === 'hard_sigmoid' && isKeras2(dialect)) continue;
    if (typeof a === 'string' && ACTIVATIONS[a]) out.push({ field, message: ACTIVATIONS[a] });
  }
  for (const r of RULES[className] ?? []) {
    const d = r(config, inputs);
    if (d) out.push(d);
  }
  const inner = config.layer;
  if ((className === 'Bidirectional' || className === 'TimeDistributed') && inner && typeof inner === 'object' && !Array.isArray(inner)) {
    const l = inner as JsonObject;
    if (typeof l.class_name === 'string') {
      for (const d of tfjsDepartures(l.class_name, (l.config ?? {}) as JsonObject, inputs, dialect)) out.push({ field: 'layer', message: `${l.class_name}: ${d.message}` });
    }
  }
  return out;
}

export const TFJS_DEPARTURE_CODE = 'tfjs-departure';
export const TFJS_DEPARTURE_HINT = KERAS_ENGINE_HINT;
