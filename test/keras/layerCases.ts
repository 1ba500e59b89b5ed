/**
 * The forward-pass cases of the Keras suite: every catalog layer, with the options the catalog exposes.
 * Each case is one layer after an InputLayer of `input` (batch dimension included, null).
 */
import type { JsonObject } from '../../src/core/types';

export interface LayerCase {
  id: string;
  input: (number | null)[];
  className: string;
  config: JsonObject;
  /** Integer inputs in [0, max) (Embedding). */
  intMax?: number;
  /** How many inputs of shape `input` the layer takes (merge layers); 1 when absent. */
  inputs?: number;
  /** Inputs in [0.1, 1.1) (sqrt, log, reciprocal, tan), instead of [-2, 2). */
  positive?: boolean;
  /** Inputs among -1, 0 and 1 (float32), so comparisons meet ties and logic meets zeros. */
  ties?: boolean;
  /** Boolean or integer outputs: equal to Keras' exactly, not within a tolerance. */
  exact?: boolean;
  /** A second layer after the first (e.g. a Dense after a Reshape with -1). */
  then?: [string, JsonObject];
  /** The InputLayer's dtype (int32: the integers of `intMax` are fed as int32 to both); float32 when absent. */
  dtype?: 'int32';
}

const cases: LayerCase[] = [];
function add(className: string, input: (number | null)[], config: JsonObject, tag = '', intMax?: number): void {
  const id = `${className}${tag ? `[${tag}]` : ''}`;
  cases.push({ id, input, className, config, ...(intMax ? { intMax } : {}) });
}

// Core
add('Dense', [null, 5], { units: 4 });
add('Dense', [null, 5], { units: 3, activation: 'relu', use_bias: false }, 'relu,no-bias');
add('Dense', [null, 3, 5], { units: 4, activation: 'tanh' }, 'rank3');
for (const a of ['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'hard_sigmoid', 'exponential', 'swish', 'silu', 'gelu', 'relu6', 'linear']) {
  add('Activation', [null, 6], { activation: a }, a);
}
add('Dropout', [null, 6], { rate: 0.5 });
add('Embedding', [null, 7], { input_dim: 10, output_dim: 4 }, '', 10);
add('Embedding', [null, 7], { input_dim: 10, output_dim: 4, mask_zero: true }, 'mask_zero', 10);

// Convolution
for (const padding of ['valid', 'same', 'causal']) add('Conv1D', [null, 9, 3], { filters: 4, kernel_size: [3], padding }, padding);
add('Conv1D', [null, 9, 3], { filters: 4, kernel_size: [3], strides: [2] }, 'strides=2');
add('Conv1D', [null, 9, 3], { filters: 4, kernel_size: [3], dilation_rate: [2] }, 'dilation=2');
add('Conv1D', [null, 3, 9], { filters: 4, kernel_size: [3], data_format: 'channels_first' }, 'channels_first');
add('Conv1D', [null, 9, 4], { filters: 4, kernel_size: [3], groups: 2 }, 'groups=2');
for (const padding of ['valid', 'same']) add('Conv2D', [null, 7, 6, 3], { filters: 4, kernel_size: [3, 3], padding }, padding);
add('Conv2D', [null, 7, 6, 3], { filters: 4, kernel_size: [3, 2], strides: [2, 2], padding: 'same' }, 'strides=2,same');
add('Conv2D', [null, 7, 6, 3], { filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2] }, 'dilation=2');
add('Conv2D', [null, 3, 7, 6], { filters: 4, kernel_size: [3, 3], data_format: 'channels_first' }, 'channels_first');
add('Conv2D', [null, 7, 6, 4], { filters: 4, kernel_size: [3, 3], groups: 2 }, 'groups=2');
add('Conv2D', [null, 6, 7, 6], { filters: 6, kernel_size: [3, 3], groups: 3, strides: [2, 2], padding: 'same', activation: 'relu' }, 'groups=3,strides=2,same');
add('Conv2D', [null, 4, 7, 6], { filters: 2, kernel_size: [3, 3], groups: 2, dilation_rate: [2, 2], data_format: 'channels_first' }, 'groups=2,dilation,channels_first');
add('Conv3D', [null, 5, 5, 4, 2], { filters: 3, kernel_size: [2, 2, 2] });
add('Conv3D', [null, 5, 5, 4, 4], { filters: 6, kernel_size: [2, 2, 2], groups: 2 }, 'groups=2');
add('Conv3D', [null, 5, 5, 4, 2], { filters: 3, kernel_size: [3, 3, 3], padding: 'same', strides: [2, 2, 1] }, 'same,strides');
add('Conv2DTranspose', [null, 4, 5, 3], { filters: 2, kernel_size: [3, 3] });
add('Conv2DTranspose', [null, 4, 5, 3], { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }, 'strides=2,same');
add('Conv2DTranspose', [null, 4, 5, 3], { filters: 2, kernel_size: [3, 3], strides: [2, 2], output_padding: [1, 1] }, 'output_padding');
add('Conv2DTranspose', [null, 4, 5, 3], { filters: 2, kernel_size: [3, 3], dilation_rate: [2, 2] }, 'dilation=2');
add('Conv2DTranspose', [null, 3, 4, 5], { filters: 2, kernel_size: [3, 3], data_format: 'channels_first' }, 'channels_first');
add('Conv1DTranspose', [null, 5, 3], { filters: 2, kernel_size: [3] });
add('Conv1DTranspose', [null, 5, 3], { filters: 2, kernel_size: [3], strides: [2], padding: 'same', activation: 'tanh' }, 'strides=2,same');
add('Conv1DTranspose', [null, 5, 3], { filters: 2, kernel_size: [4], strides: [3], output_padding: [2] }, 'output_padding');
add('Conv1DTranspose', [null, 5, 3], { filters: 2, kernel_size: [3], dilation_rate: [2] }, 'dilation=2');
add('Conv1DTranspose', [null, 3, 5], { filters: 2, kernel_size: [3], strides: [2], data_format: 'channels_first' }, 'channels_first');
add('Conv3DTranspose', [null, 3, 4, 3, 2], { filters: 2, kernel_size: [2, 3, 2] });
add('Conv3DTranspose', [null, 3, 4, 3, 2], { filters: 2, kernel_size: [3, 3, 3], strides: [2, 2, 2], padding: 'same' }, 'strides=2,same');
add('Conv3DTranspose', [null, 3, 4, 3, 2], { filters: 2, kernel_size: [3, 3, 3], strides: [2, 2, 2], output_padding: [1, 1, 1] }, 'output_padding');
add('SeparableConv1D', [null, 9, 3], { filters: 4, kernel_size: [3] });
add('SeparableConv1D', [null, 9, 3], { filters: 4, kernel_size: [3], padding: 'same', depth_multiplier: 2 }, 'same,dm=2');
add('SeparableConv2D', [null, 7, 6, 3], { filters: 4, kernel_size: [3, 3] });
add('SeparableConv2D', [null, 7, 6, 3], { filters: 4, kernel_size: [3, 3], padding: 'same', depth_multiplier: 2, strides: [2, 2] }, 'same,dm=2,strides');
add('SeparableConv2D', [null, 3, 7, 6], { filters: 4, kernel_size: [3, 3], data_format: 'channels_first' }, 'channels_first');
add('DepthwiseConv2D', [null, 7, 6, 3], { kernel_size: [3, 3] });
add('DepthwiseConv2D', [null, 7, 6, 3], { kernel_size: [3, 3], depth_multiplier: 2, padding: 'same', dilation_rate: [2, 2] }, 'dm=2,same,dilation');
add('DepthwiseConv2D', [null, 3, 7, 6], { kernel_size: [3, 3], data_format: 'channels_first' }, 'channels_first');
add('DepthwiseConv2D', [null, 7, 6, 3], { kernel_size: [3, 3], depth_multiplier: 2 }, 'dm=2');
add('DepthwiseConv2D', [null, 7, 6, 3], { kernel_size: [3, 3], dilation_rate: [2, 2] }, 'dilation=2');
add('DepthwiseConv1D', [null, 9, 3], { kernel_size: [3] });
add('DepthwiseConv1D', [null, 9, 3], { kernel_size: [3], depth_multiplier: 2, padding: 'same', strides: [2], activation: 'relu' }, 'dm=2,same,strides');
add('DepthwiseConv1D', [null, 9, 3], { kernel_size: [3], dilation_rate: [2] }, 'dilation=2');
add('DepthwiseConv1D', [null, 3, 9], { kernel_size: [2], data_format: 'channels_first', use_bias: false }, 'channels_first');
add('DepthwiseConv2D', [null, 7, 6, 3], { kernel_size: [3, 3], padding: 'same', strides: [2, 2] }, 'same,strides');

// Pooling
for (const p of ['MaxPooling', 'AveragePooling']) {
  add(`${p}1D`, [null, 9, 3], {});
  add(`${p}1D`, [null, 9, 3], { pool_size: [3], strides: [2], padding: 'same' }, 'same,strides');
  add(`${p}1D`, [null, 3, 9], { data_format: 'channels_first' }, 'channels_first');
  add(`${p}2D`, [null, 7, 6, 3], {});
  add(`${p}2D`, [null, 7, 6, 3], { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, 'same,strides');
  add(`${p}2D`, [null, 3, 7, 6], { data_format: 'channels_first' }, 'channels_first');
  add(`${p}3D`, [null, 4, 4, 4, 2], {});
  add(`${p}3D`, [null, 5, 5, 4, 2], { padding: 'same' }, 'same');
}
for (const p of ['GlobalMaxPooling', 'GlobalAveragePooling']) {
  add(`${p}1D`, [null, 9, 3], {});
  add(`${p}1D`, [null, 9, 3], { keepdims: true }, 'keepdims');
  add(`${p}1D`, [null, 3, 9], { data_format: 'channels_first' }, 'channels_first');
  add(`${p}2D`, [null, 7, 6, 3], {});
  add(`${p}2D`, [null, 7, 6, 3], { keepdims: true }, 'keepdims');
  add(`${p}2D`, [null, 3, 7, 6], { data_format: 'channels_first' }, 'channels_first');
  add(`${p}3D`, [null, 3, 4, 5, 2], {});
  add(`${p}3D`, [null, 3, 4, 5, 2], { keepdims: true }, 'keepdims');
  add(`${p}3D`, [null, 2, 3, 4, 5], { data_format: 'channels_first' }, 'channels_first');
}

// Reshaping
add('Flatten', [null, 3, 4, 2], {});
add('Flatten', [null, 3, 4, 2], { data_format: 'channels_first' }, 'channels_first');
add('Reshape', [null, 12], { target_shape: [3, 4] });
add('Reshape', [null, 12], { target_shape: [-1, 4] }, '-1');
cases.push({ id: 'Reshape[-1]+Dense', input: [null, 12], className: 'Reshape', config: { target_shape: [-1, 4] }, then: ['Dense', { units: 2 }] });
// The palette's new Reshape ([-1]: flatten) before a layer that needs a known size.
cases.push({ id: 'Reshape[new]+Dense', input: [null, 3, 4], className: 'Reshape', config: { target_shape: [-1] }, then: ['Dense', { units: 2 }] });
add('Permute', [null, 3, 4, 2], { dims: [2, 3, 1] });
add('RepeatVector', [null, 5], { n: 3 });
add('UpSampling1D', [null, 4, 3], { size: 3 });
add('UpSampling2D', [null, 3, 4, 2], { size: [2, 3] });
add('UpSampling2D', [null, 3, 4, 2], { size: [2, 2], interpolation: 'bilinear' }, 'bilinear');
add('UpSampling2D', [null, 2, 3, 4], { size: [2, 2], data_format: 'channels_first' }, 'channels_first');
add('UpSampling3D', [null, 2, 3, 2, 2], { size: [2, 1, 3] });
add('UpSampling3D', [null, 2, 2, 3, 2], { size: [1, 2, 2], data_format: 'channels_first' }, 'channels_first');
add('ZeroPadding3D', [null, 2, 3, 2, 2], { padding: [[1, 0], [0, 2], [1, 1]] });
add('ZeroPadding3D', [null, 2, 2, 3, 2], { padding: 1, data_format: 'channels_first' }, 'channels_first');
add('Cropping3D', [null, 4, 5, 4, 2], { cropping: [[1, 0], [1, 2], [0, 1]] });
add('Cropping3D', [null, 2, 4, 5, 4], { cropping: 1, data_format: 'channels_first' }, 'channels_first');
add('ZeroPadding1D', [null, 4, 3], { padding: [1, 2] });
add('ZeroPadding2D', [null, 3, 4, 2], { padding: [[1, 0], [2, 1]] });
add('ZeroPadding2D', [null, 2, 3, 4], { padding: [[1, 1], [1, 1]], data_format: 'channels_first' }, 'channels_first');
add('Cropping1D', [null, 6, 3], { cropping: [1, 2] });
add('Cropping2D', [null, 6, 5, 2], { cropping: [[1, 2], [0, 1]] });
add('Cropping2D', [null, 2, 6, 5], { cropping: [[1, 1], [1, 0]], data_format: 'channels_first' }, 'channels_first');

// Normalization (inference: moving statistics)
add('BatchNormalization', [null, 6], {});
add('BatchNormalization', [null, 4, 5, 3], { center: false, scale: false, epsilon: 0.01 }, 'no center/scale');
add('BatchNormalization', [null, 3, 4, 5], { axis: 1 }, 'axis=1');
add('LayerNormalization', [null, 6], {});
add('LayerNormalization', [null, 4, 5], { epsilon: 0.01, center: false }, 'eps,no-center');

add('GroupNormalization', [null, 4, 5, 6], { groups: 3 });
add('GroupNormalization', [null, 6, 4, 5], { groups: 2, axis: 1, center: false }, 'axis=1,no-center');
add('GroupNormalization', [null, 5, 4], { groups: -1, epsilon: 0.01 }, 'groups=-1');
add('UnitNormalization', [null, 6], {});
add('UnitNormalization', [null, 4, 5], { axis: [1, 2] }, 'axis=[1,2]');

// Regularization (inference: the identity, except ActivityRegularization's loss term, which is not forward)
add('GaussianNoise', [null, 6], { stddev: 0.3 });
add('GaussianDropout', [null, 6], { rate: 0.4 });
add('AlphaDropout', [null, 6], { rate: 0.2 });
add('SpatialDropout1D', [null, 4, 3], { rate: 0.5 });
add('SpatialDropout2D', [null, 3, 4, 2], { rate: 0.5 });
add('SpatialDropout3D', [null, 2, 3, 4, 2], { rate: 0.5 });
add('ActivityRegularization', [null, 6], { l1: 0.01, l2: 0.02 });
add('Identity', [null, 3, 4], {});
add('Masking', [null, 5, 3], { mask_value: 0.25 });
cases.push({ id: 'Embedding[mask_zero]+LSTM', input: [null, 7], className: 'Embedding', config: { input_dim: 10, output_dim: 4, mask_zero: true }, intMax: 10, then: ['LSTM', { units: 3 }] });
cases.push({ id: 'Masking+LSTM', input: [null, 5, 3], className: 'Masking', config: { mask_value: 0.25 }, then: ['LSTM', { units: 2 }] });

// Preprocessing
add('Rescaling', [null, 3, 4, 2], { scale: 0.5, offset: -1 });
add('Normalization', [null, 5], {});
add('Normalization', [null, 4, 3], { axis: null }, 'axis=null');
add('Normalization', [null, 4, 3], { axis: [1, 2] }, 'axis=[1,2]');
add('Normalization', [null, 5], { invert: true }, 'invert');
add('Normalization', [null, 4, 3], { mean: [1, 2, 3], variance: [0.5, 2, 4] }, 'mean,variance');
add('Normalization', [null, 5], { mean: 2, variance: 4, invert: true }, 'scalar mean,invert');
add('CenterCrop', [null, 6, 5, 2], { height: 3, width: 2 });
add('Resizing', [null, 4, 5, 2], { height: 7, width: 3 });
add('Resizing', [null, 4, 5, 2], { height: 8, width: 10, interpolation: 'nearest' }, 'nearest');
add('Resizing', [null, 6, 6, 2], { height: 3, width: 2, interpolation: 'nearest' }, 'nearest,down');
add('Resizing', [null, 4, 5, 2], { height: 3, width: 3, crop_to_aspect_ratio: true }, 'crop_to_aspect_ratio');
add('Resizing', [null, 4, 5, 2], { height: 6, width: 6, interpolation: 'bicubic' }, 'bicubic');
add('CenterCrop', [null, 2, 6, 5], { height: 4, width: 3, data_format: 'channels_first' }, 'channels_first');

// Recurrent
for (const rs of [false, true]) {
  const t = rs ? 'sequences' : '';
  add('SimpleRNN', [null, 5, 3], { units: 4, return_sequences: rs }, t);
  add('LSTM', [null, 5, 3], { units: 4, return_sequences: rs }, t);
  add('GRU', [null, 5, 3], { units: 4, return_sequences: rs }, t);
}
add('GRU', [null, 5, 3], { units: 4, reset_after: false }, 'reset_after=false');
add('GRU', [null, 5, 3], { units: 4, reset_after: true }, 'reset_after=true');
add('LSTM', [null, 5, 3], { units: 4, go_backwards: true }, 'go_backwards');
add('GRU', [null, 5, 3], { units: 4, reset_after: true, return_sequences: true, go_backwards: true }, 'reset_after=true,sequences,go_backwards');
add('GRU', [null, 5, 3], { units: 4, reset_after: true, use_bias: false }, 'reset_after=true,no-bias');
add('ConvLSTM2D', [null, 3, 5, 5, 2], { filters: 2, kernel_size: [3, 3] });
add('ConvLSTM2D', [null, 3, 5, 4, 2], { filters: 3, kernel_size: [3, 2], padding: 'same', return_sequences: true }, 'same,sequences');
add('ConvLSTM2D', [null, 3, 6, 6, 2], { filters: 2, kernel_size: [3, 3], strides: [2, 2], use_bias: false, go_backwards: true }, 'strides=2,no-bias,go_backwards');
add('ConvLSTM1D', [null, 3, 6, 2], { filters: 2, kernel_size: [3] });
add('Bidirectional', [null, 5, 3], { layer: { class_name: 'GRU', config: { name: 'gru', units: 3, reset_after: true } }, merge_mode: 'concat' }, 'GRU reset_after=true');
for (const merge of ['concat', 'sum', 'mul', 'ave']) {
  add('Bidirectional', [null, 5, 3], { layer: { class_name: 'LSTM', config: { name: 'lstm', units: 3, return_sequences: true } }, merge_mode: merge }, merge);
}
add('TimeDistributed', [null, 4, 5], { layer: { class_name: 'Dense', config: { name: 'dense', units: 3 } } });

// Merging (two inputs of the same shape)
for (const m of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']) cases.push({ id: m, input: [null, 3, 4], className: m, config: {}, inputs: 2 });
cases.push({ id: 'Concatenate', input: [null, 3, 4], className: 'Concatenate', config: {}, inputs: 2 });
cases.push({ id: 'Concatenate[axis=1]', input: [null, 3, 4], className: 'Concatenate', config: { axis: 1 }, inputs: 2 });
cases.push({ id: 'Dot[axes=-1]', input: [null, 5], className: 'Dot', config: { axes: -1 }, inputs: 2 });
cases.push({ id: 'Dot[normalize]', input: [null, 5], className: 'Dot', config: { axes: 1, normalize: true }, inputs: 2 });

// Attention: [query, value] (or [query, value, key]) of the same shape here; the merge-case form gives two inputs.
for (const [tag, config] of [['', {}], ['use_scale', { use_scale: true }], ['concat', { score_mode: 'concat' }], ['concat,use_scale', { score_mode: 'concat', use_scale: true }]] as [string, JsonObject][]) {
  cases.push({ id: `Attention${tag ? `[${tag}]` : ''}`, input: [null, 4, 3], className: 'Attention', config, inputs: 2 });
}
cases.push({ id: 'Attention[3 inputs]', input: [null, 4, 3], className: 'Attention', config: {}, inputs: 3 });
cases.push({ id: 'AdditiveAttention', input: [null, 4, 3], className: 'AdditiveAttention', config: {}, inputs: 2 });
cases.push({ id: 'AdditiveAttention[no-scale]', input: [null, 4, 3], className: 'AdditiveAttention', config: { use_scale: false }, inputs: 2 });
cases.push({ id: 'Attention[dropout]', input: [null, 4, 3], className: 'Attention', config: { dropout: 0.2 }, inputs: 2 });
// MultiHeadAttention: (query, value) or (query, value, key); called on separate tensors.
const mha = (tag: string, config: JsonObject, inputs = 2) => cases.push({ id: `MultiHeadAttention${tag ? `[${tag}]` : ''}`, input: [null, 4, 3], className: 'MultiHeadAttention', config: { num_heads: 2, key_dim: 3, ...config }, inputs });
mha('', {});
mha('3 inputs', {}, 3);
// value_dim != key_dim: Keras 3.15 on JAX fails in jax.nn.dot_product_attention (value must have key's size)
// unless dropout > 0 takes its own einsum path (dropout is inactive at inference, so the case still measures it).
mha('value_dim,no-bias', { value_dim: 5, use_bias: false, dropout: 0.1 });
mha('output_shape', { num_heads: 3, key_dim: 2, output_shape: 7 });
mha('dropout', { dropout: 0.3 });

// Activation layers
add('ReLU', [null, 8], {});
add('ReLU', [null, 8], { max_value: 1.5 }, 'max_value');
add('ReLU', [null, 8], { negative_slope: 0.1 }, 'negative_slope');
add('ReLU', [null, 8], { threshold: 0.5 }, 'threshold');
add('LeakyReLU', [null, 8], { alpha: 0.2 });
add('PReLU', [null, 4, 3], {});
add('PReLU', [null, 4, 5, 3], { shared_axes: [1, 2] }, 'shared_axes');
add('ELU', [null, 8], {});
add('ELU', [null, 8], { alpha: 0.5 }, 'alpha=0.5');
add('Softmax', [null, 8], {});
add('Softmax', [null, 3, 4], { axis: 1 }, 'axis=1');

add('RMSNormalization', [null, 3, 5], {});
add('RMSNormalization', [null, 2, 3, 4], { axis: [-2, -1], epsilon: 0.1 }, 'axes,epsilon');

// Keras operations (keras.ops calls a functional model records): element-wise, then reductions over axes.
for (const op of ['Absolute', 'Negative', 'Exp', 'Square', 'Floor', 'Ceil', 'Sign', 'Sin', 'Cos', 'Erf']) add(op, [null, 3, 4], {});
for (const op of ['Sqrt', 'Log', 'Reciprocal', 'Tan']) cases.push({ id: op, input: [null, 3, 4], className: op, config: {}, positive: true });
for (const op of ['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Logsumexp']) {
  add(op, [null, 3, 4, 2], { axis: -1 });
  add(op, [null, 3, 4, 2], { axis: [1, 2], keepdims: true }, 'axes,keepdims');
}
add('Max', [null, 3, 4], { axis: 1, initial: 0.5 }, 'initial');
add('Min', [null, 3, 4], { axis: [-1], initial: -0.5 }, 'initial');
add('Clip', [null, 3, 4], { x_min: -0.5, x_max: 0.75 });
cases.push({ id: 'Divide', input: [null, 3, 4], className: 'Divide', config: {}, inputs: 2, positive: true });
for (const op of ['Equal', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor']) {
  cases.push({ id: op, input: [null, 3, 4], className: op, config: {}, inputs: 2, ties: true, exact: true });
}
cases.push({ id: 'LogicalNot', input: [null, 3, 4], className: 'LogicalNot', config: {}, ties: true, exact: true });
cases.push({ id: 'Where', input: [null, 3, 4], className: 'Where', config: {}, inputs: 3, ties: true });
cases.push({ id: 'Mod', input: [null, 3, 4], className: 'Mod', config: {}, inputs: 2 });
cases.push({ id: 'Power', input: [null, 3, 4], className: 'Power', config: {}, inputs: 2, positive: true });
for (const dtype of ['int32', 'bool', 'float32']) cases.push({ id: `Cast[${dtype}]`, input: [null, 3, 4], className: 'Cast', config: { dtype }, ties: dtype === 'bool', exact: true });
for (const op of ['Argmax', 'Argmin']) {
  cases.push({ id: op, input: [null, 3, 4], className: op, config: { axis: -1 }, ties: true, exact: true });
  cases.push({ id: `${op}[axis=1,keepdims]`, input: [null, 3, 4], className: op, config: { axis: 1, keepdims: true }, exact: true });
}

// A batch of scalars (Input(shape=()), batch_shape [null]) and integer inputs, as ONNX files bring them.
add('Absolute', [null], {}, 'scalars');
add('Activation', [null], { activation: 'tanh' }, 'tanh,scalars');
cases.push({ id: 'Add[scalars]', input: [null], className: 'Add', config: {}, inputs: 2 });
cases.push({ id: 'Negative[int32]', input: [null, 3], className: 'Negative', config: {}, intMax: 10, dtype: 'int32' });
cases.push({ id: 'Maximum[int32,scalars]', input: [null], className: 'Maximum', config: {}, inputs: 2, intMax: 10, dtype: 'int32' });

for (const op of ['Tril', 'Triu']) {
  add(op, [null, 3, 4], {});
  add(op, [null, 2, 3, 4], { k: -1 }, 'k=-1');
  add(op, [null, 3, 4], { k: 2 }, 'k=2');
}
add('Normalize', [null, 3, 4], {});
add('Normalize', [null, 3, 4], { axis: 1, order: 1 }, 'axis=1,order=1');
add('Normalize', [null, 3, 4], { order: 3, epsilon: 0.01 }, 'order=3,epsilon');
// keras.ops.dot_product_attention on (batch, steps, heads, depth) query, key and value; scale is a call argument
// (the node's kwargs); the fourth input, of shape (batch, heads, query steps, key steps) here, is the bias.
cases.push({ id: 'DotProductAttention', input: [null, 4, 2, 3], className: 'DotProductAttention', config: {}, inputs: 3 });
cases.push({ id: 'DotProductAttention[causal,scale]', input: [null, 4, 2, 3], className: 'DotProductAttention', config: { is_causal: true, scale: 0.3 }, inputs: 3 });
cases.push({ id: 'DotProductAttention[bias,causal]', input: [null, 4, 4, 4], className: 'DotProductAttention', config: { is_causal: true }, inputs: 4 });

export const LAYER_CASES: readonly LayerCase[] = cases;

/**
 * The cases a run measures: all of them, or those whose id matches the LAYER_CASES regular expression
 * (`LAYER_CASES='^MultiHeadAttention' node --import tsx --test test/keras/layers.test.ts`), to iterate on a few
 * layers without running every case.
 */
export function selectedLayerCases(): readonly LayerCase[] {
  const filter = process.env.LAYER_CASES;
  if (!filter) return LAYER_CASES;
  const re = new RegExp(filter);
  const picked = LAYER_CASES.filter((c) => re.test(c.id));
  if (picked.length === 0) throw new Error(`LAYER_CASES=${filter} matches no layer case`);
  return picked;
}
