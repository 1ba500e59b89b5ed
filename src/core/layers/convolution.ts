/**
 * Convolution layers (keras/layers/convolutional; tfjs-layers src/layers/convolutional*.ts).
 * Shapes follow Keras' `conv_utils.conv_output_length` / `deconv_output_length`; weight shapes and names
 * follow Keras' `build()`: kernel (*kernel_size, in/groups, filters) for Conv, (*kernel_size, filters, in)
 * for Conv2DTranspose, depthwise_kernel (*kernel_size, in, depth_multiplier) and pointwise_kernel
 * (1.., in*depth_multiplier, filters).
 */
import type { Dim, JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, field, kernelBiasFields, paddingField, required } from './fields';
import { deconvOutputLength, formatShape, isChannelsFirst, knownDim, num, requireRank, slidingWindow, str, tuple } from './shapeMath';
import { ShapeError, type FieldSpec, type WeightSpec } from './spec';

interface Split {
  batch: Dim;
  spatial: Dim[];
  channels: number;
  cf: boolean;
}

/** Split a conv input into batch / spatial / channels, honouring data_format. */
export function splitChannels(x: Shape, rank: number, c: JsonObject): Split {
  const names = ['(batch, steps, channels)', '(batch, height, width, channels)', '(batch, depth, height, width, channels)'];
  requireRank(x, rank + 2, names[rank - 1], rank === 2 ? 'add a Reshape to (height, width, channels) before it' : undefined);
  const cf = isChannelsFirst(c);
  const chAxis = cf ? 1 : rank + 1;
  return { batch: x[0], spatial: cf ? x.slice(2) : x.slice(1, rank + 1), channels: knownDim(x, chAxis, 'channels'), cf };
}

export function joinChannels(batch: Dim, spatial: Dim[], channels: Dim, cf: boolean): Shape {
  return cf ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
}

function checkStridesDilation(strides: number[], dilation: number[]): void {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new ShapeError('strides > 1 cannot be combined with dilation_rate > 1', 'set strides or dilation_rate back to 1', 'strides');
  }
}

const convFieldsHead = (rank: number, withFilters: boolean, padding: string[]): FieldSpec[] => [
  ...(withFilters ? [required('filters', 'int', 'Number of output channels (filters)', { min: 1 })] : []),
  field('kernel_size', 'ints', null, `Size of the convolution window (${rank === 1 ? 'length' : rank === 2 ? 'height, width' : 'depth, height, width'})`, { length: rank, min: 1 }),
  f.ints('strides', Array(rank).fill(1), rank, 'Step of the window along each spatial axis'),
  paddingField(padding),
  dataFormatField,
  f.ints('dilation_rate', Array(rank).fill(1), rank, 'Spacing between kernel elements (atrous convolution)', { advanced: true }),
];

function defineConv(className: string, rank: number, doc: string): CatalogSpec {
  const padding = rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  const k = Array(rank).fill(3);
  return defineLayer({
    className,
    category: 'Convolution',
    doc,
    fields: [
      ...convFieldsHead(rank, true, padding),
      f.int('groups', 1, 'Split the channels into this many groups convolved separately', { min: 1, advanced: true }),
      f.activation(),
      f.bool('use_bias', true, 'Whether to add a bias vector'),
      ...kernelBiasFields(),
    ],
    inputs: { min: 1, max: 1 },
    newConfig: { filters: 32, kernel_size: k, activation: 'relu' },
    outputShape([x], c) {
      const s = splitChannels(x, rank, c);
      const ks = tuple(c, 'kernel_size', rank);
      const strides = tuple(c, 'strides', rank);
      const dil = tuple(c, 'dilation_rate', rank);
      checkStridesDilation(strides, dil);
      checkGroups(s.channels, num(c, 'filters'), num(c, 'groups'));
      const out = slidingWindow(s.spatial, ks, strides, str(c, 'padding'), dil, 'kernel');
      return joinChannels(s.batch, out, num(c, 'filters'), s.cf);
    },
    weights([x], c): WeightSpec[] {
      const s = splitChannels(x, rank, c);
      const filters = num(c, 'filters');
      const groups = num(c, 'groups');
      const w: WeightSpec[] = [{ name: 'kernel', shape: [...tuple(c, 'kernel_size', rank), s.channels / groups, filters], trainable: true }];
      if (c.use_bias !== false) w.push({ name: 'bias', shape: [filters], trainable: true });
      return w;
    },
  });
}

function checkGroups(channels: number, filters: number, groups: number): void {
  if (channels % groups !== 0) {
    throw new ShapeError(`the input's ${channels} channels cannot be split into ${groups} groups`, 'choose groups that divides the number of input channels', 'groups');
  }
  if (filters % groups !== 0) {
    throw new ShapeError(`filters (${filters}) must be divisible by groups (${groups})`, 'choose filters as a multiple of groups', 'filters');
  }
}

function defineTranspose(className: string, rank: number): CatalogSpec {
  const ones = Array(rank).fill(1);
  return defineLayer({
    className,
    category: 'Convolution',
    doc: `Transposed ${rank}D convolution ("deconvolution"): upsamples with learned filters`,
    fields: [
      ...convFieldsHead(rank, true, ['valid', 'same']).slice(0, 4),
      f.ints('output_padding', null, rank, 'Extra steps added to one side of the output along each axis (must be < strides)', { nullable: true, min: 0, advanced: true }),
      dataFormatField,
      f.ints('dilation_rate', ones, rank, 'Spacing between kernel elements', { advanced: true }),
      f.activation(),
      f.bool('use_bias', true, 'Whether to add a bias vector'),
      ...kernelBiasFields(),
    ],
    inputs: { min: 1, max: 1 },
    newConfig: { filters: 32, kernel_size: Array(rank).fill(3), strides: Array(rank).fill(2), padding: 'same', activation: 'relu' },
    outputShape([x], c) {
      const s = splitChannels(x, rank, c);
      const ks = tuple(c, 'kernel_size', rank);
      const strides = tuple(c, 'strides', rank);
      const dil = tuple(c, 'dilation_rate', rank);
      const op = c.output_padding === null ? null : tuple(c, 'output_padding', rank);
      if (op) {
        op.forEach((p, i) => {
          if (p >= strides[i]) {
            throw new ShapeError(`output_padding ${p} must be smaller than the stride ${strides[i]}`, 'lower output_padding or raise strides', 'output_padding');
          }
        });
      }
      const out = s.spatial.map((d, i) => deconvOutputLength(d, ks[i], str(c, 'padding'), op ? op[i] : null, strides[i], dil[i]));
      if (out.some((d) => d !== null && d <= 0)) {
        throw new ShapeError(`output would be ${formatShape(out)} from input ${formatShape(x)}`, 'use a smaller kernel or padding="same"', 'kernel_size');
      }
      return joinChannels(s.batch, out, num(c, 'filters'), s.cf);
    },
    weights([x], c) {
      const s = splitChannels(x, rank, c);
      const filters = num(c, 'filters');
      const w: WeightSpec[] = [{ name: 'kernel', shape: [...tuple(c, 'kernel_size', rank), filters, s.channels], trainable: true }];
      if (c.use_bias !== false) w.push({ name: 'bias', shape: [filters], trainable: true });
      return w;
    },
  });
}

function defineSeparable(className: string, rank: number): CatalogSpec {
  const padding = rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  return defineLayer({
    className,
    category: 'Convolution',
    doc: 'Depthwise convolution per channel, then a 1x1 pointwise convolution mixing channels',
    fields: [
      ...convFieldsHead(rank, true, padding),
      f.int('depth_multiplier', 1, 'Depthwise output channels per input channel', { min: 1 }),
      f.activation(),
      f.bool('use_bias', true, 'Whether to add a bias vector'),
      f.initializer('depthwise_initializer', 'glorot_uniform', 'How the depthwise kernel starts'),
      f.initializer('pointwise_initializer', 'glorot_uniform', 'How the pointwise kernel starts'),
      f.initializer('bias_initializer', 'zeros', 'How the bias starts'),
      f.regularizer('depthwise_regularizer'),
      f.regularizer('pointwise_regularizer'),
      f.regularizer('bias_regularizer'),
      f.regularizer('activity_regularizer', 'Penalty on the layer output'),
      f.constraint('depthwise_constraint'),
      f.constraint('pointwise_constraint'),
      f.constraint('bias_constraint'),
    ],
    inputs: { min: 1, max: 1 },
    newConfig: { filters: 32, kernel_size: Array(rank).fill(3), activation: 'relu' },
    outputShape([x], c) {
      const s = splitChannels(x, rank, c);
      const strides = tuple(c, 'strides', rank);
      const dil = tuple(c, 'dilation_rate', rank);
      checkStridesDilation(strides, dil);
      const out = slidingWindow(s.spatial, tuple(c, 'kernel_size', rank), strides, str(c, 'padding'), dil, 'kernel');
      return joinChannels(s.batch, out, num(c, 'filters'), s.cf);
    },
    weights([x], c) {
      const s = splitChannels(x, rank, c);
      const dm = num(c, 'depth_multiplier');
      const filters = num(c, 'filters');
      const w: WeightSpec[] = [
        { name: 'depthwise_kernel', shape: [...tuple(c, 'kernel_size', rank), s.channels, dm], trainable: true },
        { name: 'pointwise_kernel', shape: [...Array(rank).fill(1), s.channels * dm, filters], trainable: true },
      ];
      if (c.use_bias !== false) w.push({ name: 'bias', shape: [filters], trainable: true });
      return w;
    },
  });
}

function defineDepthwise(className: string, rank: number): CatalogSpec {
  return defineLayer({
    className,
    category: 'Convolution',
    doc: `${rank}D convolution of each input channel with its own filters (channels = input channels x depth_multiplier)`,
    fields: [
      ...convFieldsHead(rank, false, ['valid', 'same']).slice(0, 3),
      f.int('depth_multiplier', 1, 'Output channels per input channel', { min: 1 }),
      dataFormatField,
      f.ints('dilation_rate', Array(rank).fill(1), rank, 'Spacing between kernel elements', { advanced: true }),
      f.activation(),
      f.bool('use_bias', true, 'Whether to add a bias vector'),
      f.initializer('depthwise_initializer', 'glorot_uniform', 'How the depthwise kernel starts'),
      f.initializer('bias_initializer', 'zeros', 'How the bias starts'),
      f.regularizer('depthwise_regularizer'),
      f.regularizer('bias_regularizer'),
      f.regularizer('activity_regularizer', 'Penalty on the layer output'),
      f.constraint('depthwise_constraint'),
      f.constraint('bias_constraint'),
    ],
    inputs: { min: 1, max: 1 },
    newConfig: { kernel_size: Array(rank).fill(3), activation: 'relu' },
    outputShape([x], c) {
      const s = splitChannels(x, rank, c);
      const strides = tuple(c, 'strides', rank);
      const dil = tuple(c, 'dilation_rate', rank);
      checkStridesDilation(strides, dil);
      const out = slidingWindow(s.spatial, tuple(c, 'kernel_size', rank), strides, str(c, 'padding'), dil, 'kernel');
      return joinChannels(s.batch, out, s.channels * num(c, 'depth_multiplier'), s.cf);
    },
    weights([x], c) {
      const s = splitChannels(x, rank, c);
      const dm = num(c, 'depth_multiplier');
      const w: WeightSpec[] = [{ name: 'depthwise_kernel', shape: [...tuple(c, 'kernel_size', rank), s.channels, dm], trainable: true }];
      if (c.use_bias !== false) w.push({ name: 'bias', shape: [s.channels * dm], trainable: true });
      return w;
    },
  });
}

export const convolutionLayers: CatalogSpec[] = [
  defineConv('Conv1D', 1, '1D convolution over sequences (batch, steps, channels)'),
  defineConv('Conv2D', 2, '2D convolution over images (batch, height, width, channels)'),
  defineConv('Conv3D', 3, '3D convolution over volumes (batch, depth, height, width, channels)'),
  defineTranspose('Conv1DTranspose', 1),
  defineTranspose('Conv2DTranspose', 2),
  defineTranspose('Conv3DTranspose', 3),
  defineSeparable('SeparableConv1D', 1),
  defineSeparable('SeparableConv2D', 2),
  defineDepthwise('DepthwiseConv1D', 1),
  defineDepthwise('DepthwiseConv2D', 2),
];
