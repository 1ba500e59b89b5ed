/**
 * Every layer's shape rule and parameter rule against the numbers Keras gives (worked by hand from
 * Keras' conv_utils / build() formulas; the comments show the arithmetic).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../src/core/layers/spec';
import { apply } from './helpers';

const throwsShape = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ShapeError && re.test(e.message));

describe('core layers', () => {
  test('InputLayer: batch_input_shape (Keras 2) and batch_shape (Keras 3)', () => {
    assert.deepEqual(apply('InputLayer', { batch_input_shape: [null, 28, 28, 1] }).out, [null, 28, 28, 1]);
    assert.deepEqual(apply('InputLayer', { batch_shape: [null, 10] }).out, [null, 10]);
    throwsShape(() => apply('InputLayer', {}), /batch_input_shape/);
    assert.equal(apply('InputLayer', { batch_input_shape: [null, 4] }).params, 0);
  });

  test('Dense: 2D and rank > 2 inputs, use_bias', () => {
    const d = apply('Dense', { units: 32 }, [null, 784]);
    assert.deepEqual(d.out, [null, 32]);
    assert.equal(d.params, 784 * 32 + 32); // 25,120
    assert.deepEqual(d.w, ['kernel:784x32', 'bias:32']);
    // Keras applies the kernel to the last axis: (None, 10, 8) -> (None, 10, 4), 8*4+4 params.
    const r3 = apply('Dense', { units: 4 }, [null, 10, 8]);
    assert.deepEqual(r3.out, [null, 10, 4]);
    assert.equal(r3.params, 36);
    assert.equal(apply('Dense', { units: 32, use_bias: false }, [null, 784]).params, 25088);
    throwsShape(() => apply('Dense', { units: 3 }, [null, null]), /must be known/);
  });

  test('Activation and Dropout keep the shape', () => {
    assert.deepEqual(apply('Activation', { activation: 'relu' }, [null, 5, 3]).out, [null, 5, 3]);
    const d = apply('Dropout', { rate: 0.5 }, [null, 1600]);
    assert.deepEqual(d.out, [null, 1600]);
    assert.equal(d.params, 0);
    throwsShape(() => apply('Dropout', { rate: 0.5, noise_shape: [null, 1, 1] }, [null, 4]), /noise_shape/);
  });
});

describe('convolution', () => {
  test('Conv1D: valid, same, causal, strides, dilation', () => {
    const v = apply('Conv1D', { filters: 16, kernel_size: 3 }, [null, 100, 8]);
    assert.deepEqual(v.out, [null, 98, 16]);
    assert.equal(v.params, 3 * 8 * 16 + 16); // 400
    assert.deepEqual(v.w, ['kernel:3x8x16', 'bias:16']);
    assert.deepEqual(apply('Conv1D', { filters: 16, kernel_size: [3], padding: 'same' }, [null, 100, 8]).out, [null, 100, 16]);
    assert.deepEqual(apply('Conv1D', { filters: 16, kernel_size: 3, padding: 'causal', dilation_rate: 4 }, [null, 100, 8]).out, [null, 100, 16]);
    // (100 - 3 + 1 + 2 - 1) // 2 = 49
    assert.deepEqual(apply('Conv1D', { filters: 16, kernel_size: 3, strides: 2 }, [null, 100, 8]).out, [null, 49, 16]);
    // dilated kernel (3-1)*2+1 = 5: 100 - 5 + 1 = 96
    assert.deepEqual(apply('Conv1D', { filters: 16, kernel_size: 3, dilation_rate: 2 }, [null, 100, 8]).out, [null, 96, 16]);
    assert.deepEqual(apply('Conv1D', { filters: 4, kernel_size: 3 }, [null, null, 8]).out, [null, null, 4]);
  });

  test('Conv2D: channels_last, channels_first, same with strides, groups, errors', () => {
    const c = apply('Conv2D', { filters: 32, kernel_size: [3, 3] }, [null, 28, 28, 1]);
    assert.deepEqual(c.out, [null, 26, 26, 32]);
    assert.equal(c.params, 320);
    const cf = apply('Conv2D', { filters: 8, kernel_size: 5, data_format: 'channels_first' }, [null, 3, 32, 32]);
    assert.deepEqual(cf.out, [null, 8, 28, 28]);
    assert.deepEqual(cf.w, ['kernel:5x5x3x8', 'bias:8']); // the kernel layout does not depend on data_format
    assert.equal(cf.params, 608);
    assert.deepEqual(apply('Conv2D', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, [null, 27, 28, 3]).out, [null, 14, 14, 4]);
    assert.deepEqual(apply('Conv2D', { filters: 4, kernel_size: [3, 5], strides: [1, 2] }, [null, 10, 10, 3]).out, [null, 8, 3, 4]);
    const grouped = apply('Conv2D', { filters: 16, kernel_size: 3, groups: 2 }, [null, 10, 10, 8]);
    assert.deepEqual(grouped.w, ['kernel:3x3x4x16', 'bias:16']);
    assert.equal(grouped.params, 592);
    throwsShape(() => apply('Conv2D', { filters: 16, kernel_size: 3, groups: 3 }, [null, 10, 10, 8]), /groups/);
    throwsShape(() => apply('Conv2D', { filters: 8, kernel_size: 5 }, [null, 3, 3, 4]), /kernel 5x5 is larger than its 3x3 input/);
    throwsShape(() => apply('Conv2D', { filters: 8, kernel_size: 3, strides: 2, dilation_rate: 2 }, [null, 9, 9, 4]), /dilation_rate/);
    throwsShape(() => apply('Conv2D', { filters: 8, kernel_size: 3 }, [null, 28, 28]), /4D input/);
  });

  test('Conv3D', () => {
    const c = apply('Conv3D', { filters: 8, kernel_size: 3 }, [null, 16, 16, 16, 3]);
    assert.deepEqual(c.out, [null, 14, 14, 14, 8]);
    assert.equal(c.params, 27 * 3 * 8 + 8); // 656
  });

  test('Conv2DTranspose: strides, padding, output_padding, kernel layout', () => {
    const t = apply('Conv2DTranspose', { filters: 32, kernel_size: 3, strides: 2, padding: 'same' }, [null, 7, 7, 64]);
    assert.deepEqual(t.out, [null, 14, 14, 32]);
    assert.deepEqual(t.w, ['kernel:3x3x32x64', 'bias:32']); // (kh, kw, filters, in)
    assert.equal(t.params, 18464);
    // valid: 7*2 + max(3-2, 0) = 15
    assert.deepEqual(apply('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2 }, [null, 7, 7, 4]).out, [null, 15, 15, 1]);
    // with output_padding: (7-1)*2 + 3 - 2*pad + op; same: pad = 1 -> 14; valid: pad 0 -> 16
    assert.deepEqual(apply('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 }, [null, 7, 7, 4]).out, [null, 14, 14, 1]);
    assert.deepEqual(apply('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, output_padding: [1, 0] }, [null, 7, 7, 4]).out, [null, 16, 15, 1]);
    assert.deepEqual(apply('Conv2DTranspose', { filters: 2, kernel_size: 2, strides: 2, data_format: 'channels_first' }, [null, 4, 5, 6]).out, [null, 2, 10, 12]);
    throwsShape(() => apply('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, output_padding: 2 }, [null, 7, 7, 4]), /output_padding/);
  });

  test('SeparableConv1D/2D: depth_multiplier, weight names', () => {
    const s = apply('SeparableConv2D', { filters: 32, kernel_size: 3 }, [null, 32, 32, 16]);
    assert.deepEqual(s.out, [null, 30, 30, 32]);
    assert.deepEqual(s.w, ['depthwise_kernel:3x3x16x1', 'pointwise_kernel:1x1x16x32', 'bias:32']);
    assert.equal(s.params, 144 + 512 + 32);
    const dm = apply('SeparableConv2D', { filters: 32, kernel_size: 3, depth_multiplier: 2, padding: 'same' }, [null, 32, 32, 16]);
    assert.deepEqual(dm.out, [null, 32, 32, 32]);
    assert.equal(dm.params, 288 + 1024 + 32);
    const s1 = apply('SeparableConv1D', { filters: 8, kernel_size: 3 }, [null, 50, 4]);
    assert.deepEqual(s1.out, [null, 48, 8]);
    assert.deepEqual(s1.w, ['depthwise_kernel:3x4x1', 'pointwise_kernel:1x4x8', 'bias:8']);
  });

  test('DepthwiseConv2D: channels x depth_multiplier', () => {
    const d = apply('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 2 }, [null, 32, 32, 16]);
    assert.deepEqual(d.out, [null, 30, 30, 32]);
    assert.deepEqual(d.w, ['depthwise_kernel:3x3x16x2', 'bias:32']);
    assert.equal(d.params, 320);
    assert.deepEqual(apply('DepthwiseConv2D', { kernel_size: 3, data_format: 'channels_first' }, [null, 16, 32, 32]).out, [null, 16, 30, 30]);
  });
});

describe('pooling', () => {
  test('MaxPooling/AveragePooling 1D, 2D, 3D', () => {
    assert.deepEqual(apply('MaxPooling2D', { pool_size: [2, 2] }, [null, 26, 26, 32]).out, [null, 13, 13, 32]);
    assert.deepEqual(apply('MaxPooling2D', {}, [null, 11, 11, 64]).out, [null, 5, 5, 64]);
    assert.deepEqual(apply('MaxPooling2D', { padding: 'same' }, [null, 11, 11, 64]).out, [null, 6, 6, 64]);
    assert.deepEqual(apply('AveragePooling2D', { pool_size: 3, strides: 1 }, [null, 10, 10, 2]).out, [null, 8, 8, 2]);
    assert.deepEqual(apply('AveragePooling2D', { data_format: 'channels_first' }, [null, 3, 32, 32]).out, [null, 3, 16, 16]);
    assert.deepEqual(apply('MaxPooling1D', {}, [null, 100, 8]).out, [null, 50, 8]);
    assert.deepEqual(apply('AveragePooling1D', { pool_size: 3, strides: 1 }, [null, 100, 8]).out, [null, 98, 8]);
    assert.deepEqual(apply('MaxPooling3D', {}, [null, 8, 8, 8, 2]).out, [null, 4, 4, 4, 2]);
    assert.deepEqual(apply('AveragePooling3D', { pool_size: [2, 2, 1] }, [null, 8, 8, 8, 2]).out, [null, 4, 4, 8, 2]);
    throwsShape(() => apply('MaxPooling2D', { pool_size: 3 }, [null, 2, 2, 1]), /pool 3x3 is larger than its 2x2 input/);
  });

  test('Global pooling, keepdims, channels_first', () => {
    assert.deepEqual(apply('GlobalAveragePooling2D', {}, [null, 7, 7, 64]).out, [null, 64]);
    assert.deepEqual(apply('GlobalMaxPooling2D', { keepdims: true }, [null, 7, 7, 64]).out, [null, 1, 1, 64]);
    assert.deepEqual(apply('GlobalAveragePooling2D', { data_format: 'channels_first' }, [null, 64, 7, 7]).out, [null, 64]);
    assert.deepEqual(apply('GlobalMaxPooling2D', { data_format: 'channels_first', keepdims: true }, [null, 64, 7, 7]).out, [null, 64, 1, 1]);
    assert.deepEqual(apply('GlobalAveragePooling1D', {}, [null, 10, 16]).out, [null, 16]);
    assert.deepEqual(apply('GlobalMaxPooling1D', {}, [null, null, 16]).out, [null, 16]);
  });
});

describe('reshaping', () => {
  test('Flatten', () => {
    assert.deepEqual(apply('Flatten', {}, [null, 5, 5, 64]).out, [null, 1600]);
    assert.deepEqual(apply('Flatten', {}, [null, null, 4]).out, [null, null]);
  });

  test('Reshape with -1 and errors', () => {
    assert.deepEqual(apply('Reshape', { target_shape: [28, 28, 1] }, [null, 784]).out, [null, 28, 28, 1]);
    assert.deepEqual(apply('Reshape', { target_shape: [-1, 7] }, [null, 784]).out, [null, 112, 7]);
    assert.deepEqual(apply('Reshape', { target_shape: [-1, 2] }, [null, null, 4]).out, [null, null, 2]);
    throwsShape(() => apply('Reshape', { target_shape: [5, 5] }, [null, 784]), /cannot reshape \(None, 784\)/);
    throwsShape(() => apply('Reshape', { target_shape: [-1, 5] }, [null, 784]), /cannot reshape/);
  });

  test('Permute, RepeatVector', () => {
    assert.deepEqual(apply('Permute', { dims: [2, 1] }, [null, 10, 64]).out, [null, 64, 10]);
    assert.deepEqual(apply('Permute', { dims: [3, 1, 2] }, [null, 2, 3, 4]).out, [null, 4, 2, 3]);
    throwsShape(() => apply('Permute', { dims: [1, 1] }, [null, 10, 64]), /not a permutation/);
    assert.deepEqual(apply('RepeatVector', { n: 3 }, [null, 32]).out, [null, 3, 32]);
    throwsShape(() => apply('RepeatVector', { n: 3 }, [null, 2, 32]), /2D input/);
  });

  test('UpSampling1D/2D', () => {
    assert.deepEqual(apply('UpSampling1D', {}, [null, 10, 4]).out, [null, 20, 4]);
    assert.deepEqual(apply('UpSampling2D', {}, [null, 7, 7, 16]).out, [null, 14, 14, 16]);
    assert.deepEqual(apply('UpSampling2D', { size: [2, 3] }, [null, 7, 7, 16]).out, [null, 14, 21, 16]);
    assert.deepEqual(apply('UpSampling2D', { data_format: 'channels_first' }, [null, 16, 7, null]).out, [null, 16, 14, null]);
  });

  test('ZeroPadding and Cropping in every Keras form', () => {
    assert.deepEqual(apply('ZeroPadding2D', {}, [null, 28, 28, 3]).out, [null, 30, 30, 3]);
    assert.deepEqual(apply('ZeroPadding2D', { padding: 2 }, [null, 28, 28, 3]).out, [null, 32, 32, 3]);
    assert.deepEqual(apply('ZeroPadding2D', { padding: [2, 3] }, [null, 28, 28, 3]).out, [null, 32, 34, 3]);
    assert.deepEqual(apply('ZeroPadding2D', { padding: [[1, 2], [3, 4]] }, [null, 28, 28, 3]).out, [null, 31, 35, 3]);
    assert.deepEqual(apply('ZeroPadding2D', { padding: 1, data_format: 'channels_first' }, [null, 3, 28, 28]).out, [null, 3, 30, 30]);
    assert.deepEqual(apply('ZeroPadding1D', { padding: [1, 3] }, [null, 10, 4]).out, [null, 14, 4]);
    assert.deepEqual(apply('Cropping2D', { cropping: [[2, 2], [4, 4]] }, [null, 28, 28, 3]).out, [null, 24, 20, 3]);
    assert.deepEqual(apply('Cropping1D', {}, [null, 10, 4]).out, [null, 8, 4]);
    throwsShape(() => apply('Cropping2D', { cropping: 14 }, [null, 28, 28, 3]), /removes everything/);
  });
});

describe('normalization', () => {
  test('BatchNormalization: gamma/beta trainable, moving stats not; center/scale; axis', () => {
    const bn = apply('BatchNormalization', {}, [null, 26, 26, 32]);
    assert.deepEqual(bn.out, [null, 26, 26, 32]);
    assert.deepEqual(bn.w, ['gamma:32', 'beta:32', 'moving_mean:32', 'moving_variance:32']);
    assert.deepEqual([bn.params, bn.trainable, bn.nonTrainable], [128, 64, 64]);
    const nc = apply('BatchNormalization', { center: false }, [null, 26, 26, 32]);
    assert.deepEqual(nc.w, ['gamma:32', 'moving_mean:32', 'moving_variance:32']);
    assert.equal(apply('BatchNormalization', { center: false, scale: false }, [null, 64]).trainable, 0);
    assert.deepEqual(apply('BatchNormalization', { axis: 1 }, [null, 32, 26, 26]).w[0], 'gamma:32');
    assert.deepEqual(apply('BatchNormalization', { axis: [3] }, [null, 26, 26, 8]).w[0], 'gamma:8');
    throwsShape(() => apply('BatchNormalization', { axis: 5 }, [null, 4]), /out of range/);
  });

  test('LayerNormalization: gamma then beta over the axes', () => {
    const ln = apply('LayerNormalization', {}, [null, 10, 64]);
    assert.deepEqual(ln.w, ['gamma:64', 'beta:64']);
    assert.equal(ln.params, 128);
    assert.equal(apply('LayerNormalization', { axis: [1, 2] }, [null, 10, 64]).params, 1280);
  });
});

describe('embedding', () => {
  test('Embedding: output_dim appended; input_length', () => {
    const e = apply('Embedding', { input_dim: 1000, output_dim: 64 }, [null, 10]);
    assert.deepEqual(e.out, [null, 10, 64]);
    assert.deepEqual(e.w, ['embeddings:1000x64']);
    assert.equal(e.params, 64000);
    assert.deepEqual(apply('Embedding', { input_dim: 10, output_dim: 4, input_length: 10 }, [null, null]).out, [null, 10, 4]);
    throwsShape(() => apply('Embedding', { input_dim: 10, output_dim: 4, input_length: 5 }, [null, 10]), /input_length 5/);
  });
});

describe('recurrent', () => {
  test('SimpleRNN, LSTM, GRU parameter counts and return_sequences', () => {
    const s = apply('SimpleRNN', { units: 32 }, [null, 10, 8]);
    assert.deepEqual(s.out, [null, 32]);
    assert.equal(s.params, 8 * 32 + 32 * 32 + 32); // 1312
    assert.deepEqual(apply('SimpleRNN', { units: 32, return_sequences: true }, [null, 10, 8]).out, [null, 10, 32]);
    const l = apply('LSTM', { units: 128 }, [null, null, 64]);
    assert.equal(l.params, 4 * (64 * 128 + 128 * 128 + 128)); // 98,816
    assert.deepEqual(l.w, ['kernel:64x512', 'recurrent_kernel:128x512', 'bias:512']);
    assert.deepEqual(apply('LSTM', { units: 16, return_sequences: true, time_major: true }, [7, null, 4]).out, [7, null, 16]);
    // The TF.js GRU fixture: GRU(4) on 20 features -> kernel 20x12, recurrent 4x12, bias 12.
    const g = apply('GRU', { units: 4 }, [null, 10, 20]);
    assert.deepEqual(g.w, ['kernel:20x12', 'recurrent_kernel:4x12', 'bias:12']);
    assert.equal(g.params, 300);
    // reset_after (Keras 2 default in configs it writes): bias (2, 3*units); 3*(32*8 + 32*32 + 2*32) = 4032
    const ra = apply('GRU', { units: 32, reset_after: true }, [null, 10, 8]);
    assert.deepEqual(ra.w[2], 'bias:2x96');
    assert.equal(ra.params, 4032);
    assert.equal(apply('GRU', { units: 32, reset_after: false }, [null, 10, 8]).params, 3936);
    throwsShape(() => apply('LSTM', { units: 4 }, [null, 8]), /3D input/);
    throwsShape(() => apply('LSTM', { units: 4, return_state: true }, [null, 3, 8]), /return_state/);
  });

  test('Bidirectional: merge modes and forward_/backward_ weight names', () => {
    const lstm = { class_name: 'LSTM', config: { name: 'lstm', units: 32 } };
    const b = apply('Bidirectional', { layer: lstm }, [null, 10, 8]);
    assert.deepEqual(b.out, [null, 64]);
    assert.equal(b.params, 2 * 5248);
    assert.deepEqual(b.w, [
      'forward_lstm/kernel:8x128',
      'forward_lstm/recurrent_kernel:32x128',
      'forward_lstm/bias:128',
      'backward_lstm/kernel:8x128',
      'backward_lstm/recurrent_kernel:32x128',
      'backward_lstm/bias:128',
    ]);
    for (const m of ['sum', 'mul', 'ave']) assert.deepEqual(apply('Bidirectional', { layer: lstm, merge_mode: m }, [null, 10, 8]).out, [null, 32]);
    const seq = { class_name: 'GRU', config: { name: 'gru_1', units: 16, return_sequences: true } };
    const bs = apply('Bidirectional', { layer: seq }, [null, 10, 8]);
    assert.deepEqual(bs.out, [null, 10, 32]);
    assert.equal(bs.w[0], 'forward_gru_1/kernel:8x48');
    throwsShape(() => apply('Bidirectional', { layer: lstm, merge_mode: null }, [null, 10, 8]), /two outputs/);
    throwsShape(() => apply('Bidirectional', { layer: { class_name: 'Dense', config: { units: 3 } } }, [null, 10, 8]), /recurrent/);
  });

  test('TimeDistributed: inner layer per step, inner weight names', () => {
    const t = apply('TimeDistributed', { layer: { class_name: 'Dense', config: { name: 'dense', units: 16 } } }, [null, 10, 8]);
    assert.deepEqual(t.out, [null, 10, 16]);
    assert.deepEqual(t.w, ['kernel:8x16', 'bias:16']);
    const c = apply('TimeDistributed', { layer: { class_name: 'Conv2D', config: { filters: 8, kernel_size: [3, 3] } } }, [null, 5, 28, 28, 1]);
    assert.deepEqual(c.out, [null, 5, 26, 26, 8]);
    assert.equal(c.params, 80);
    throwsShape(() => apply('TimeDistributed', { layer: { class_name: 'Dense', config: { units: 2 } } }, [null, 8]), /rank 3/);
  });
});

describe('merge', () => {
  test('element-wise merges broadcast like Keras _Merge', () => {
    for (const cls of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']) {
      assert.deepEqual(apply(cls, {}, [null, 32], [null, 32]).out, [null, 32], cls);
      assert.deepEqual(apply(cls, {}, [null, 4, 5], [null, 1, 5]).out, [null, 4, 5], cls);
      throwsShape(() => apply(cls, {}, [null, 3], [null, 4]), /cannot be combined/);
    }
    assert.deepEqual(apply('Add', {}, [null, 5], [null, 4, 5]).out, [null, 4, 5]);
    assert.deepEqual(apply('Add', {}, [null, null, 5], [null, 4, 5], [null, 4, 1]).out, [null, null, 5]);
    assert.deepEqual(apply('Add', {}, [8, 5], [null, 5]).out, [8, 5]);
  });

  test('Concatenate: axis sums, other axes must match', () => {
    assert.deepEqual(apply('Concatenate', {}, [null, 7, 7, 64], [null, 7, 7, 32]).out, [null, 7, 7, 96]);
    assert.deepEqual(apply('Concatenate', { axis: 1 }, [null, 3, 4], [null, 5, 4]).out, [null, 8, 4]);
    assert.deepEqual(apply('Concatenate', {}, [null, null, 4], [null, 3, 4]).out, [null, 3, 8]);
    assert.deepEqual(apply('Concatenate', { axis: 1 }, [null, null, 4], [null, 3, 4]).out, [null, null, 4]);
    assert.throws(
      () => apply('Concatenate', {}, [null, 7, 7, 64], [null, 14, 14, 32]),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message === 'inputs (None, 7, 7, 64) and (None, 14, 14, 32) differ on axis 1' &&
        e.hint === 'add a pooling layer or change strides',
    );
    throwsShape(() => apply('Concatenate', {}, [null, 4], [null, 2, 4]), /different ranks/);
    throwsShape(() => apply('Concatenate', { axis: 3 }, [null, 4], [null, 4]), /out of range/);
  });

  test('Dot: axes and output shapes', () => {
    assert.deepEqual(apply('Dot', { axes: 1 }, [null, 32], [null, 32]).out, [null, 1]);
    assert.deepEqual(apply('Dot', { axes: [2, 2] }, [null, 10, 32], [null, 12, 32]).out, [null, 10, 12]);
    assert.deepEqual(apply('Dot', { axes: -1, normalize: true }, [null, 10, 32], [null, 12, 32]).out, [null, 10, 12]);
    assert.deepEqual(apply('Dot', { axes: [1, 1] }, [null, 10, 3], [null, 10, 4]).out, [null, 3, 4]);
    throwsShape(() => apply('Dot', { axes: 1 }, [null, 3], [null, 4]), /must be equal/);
  });
});

describe('activation layers', () => {
  test('ReLU, LeakyReLU, ELU, Softmax keep shape; PReLU alpha with shared_axes', () => {
    for (const cls of ['ReLU', 'LeakyReLU', 'ELU', 'Softmax']) {
      const a = apply(cls, {}, [null, 28, 28, 32]);
      assert.deepEqual(a.out, [null, 28, 28, 32], cls);
      assert.equal(a.params, 0, cls);
    }
    const p = apply('PReLU', {}, [null, 28, 28, 32]);
    assert.deepEqual(p.w, ['alpha:28x28x32']);
    assert.equal(p.params, 25088);
    assert.deepEqual(apply('PReLU', { shared_axes: [1, 2] }, [null, 28, 28, 32]).w, ['alpha:1x1x32']);
    throwsShape(() => apply('PReLU', { shared_axes: [4] }, [null, 28, 28, 32]), /shared_axes/);
    throwsShape(() => apply('Softmax', { axis: 4 }, [null, 3]), /out of range/);
  });
});
