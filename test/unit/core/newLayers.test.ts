/** MultiHeadAttention's and ConvLSTM's shape and weight rules (Keras 3's sub-layer and cell weights) and what the catalog refuses. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../src/core/layers/spec';
import type { JsonObject } from '../../../src/core/types';
import { apply } from './helpers';

describe('MultiHeadAttention', () => {
  test('weights in Keras order: query, key, value, attention_output, each kernel (features, heads, size) and bias', () => {
    const a = apply('MultiHeadAttention', { num_heads: 2, key_dim: 3 }, [null, 4, 6], [null, 5, 8], [null, 5, 7]);
    assert.deepEqual(a.out, [null, 4, 6]);
    assert.deepEqual(a.w, ['query/kernel:6x2x3', 'query/bias:2x3', 'key/kernel:7x2x3', 'key/bias:2x3', 'value/kernel:8x2x3', 'value/bias:2x3', 'attention_output/kernel:2x3x6', 'attention_output/bias:6']);
    assert.equal(a.params, 36 + 6 + 42 + 6 + 48 + 6 + 36 + 6);
  });

  test('value_dim, output_shape and use_bias=false', () => {
    const a = apply('MultiHeadAttention', { num_heads: 3, key_dim: 2, value_dim: 5, output_shape: [7], use_bias: false }, [null, 4, 6], [null, 5, 6]);
    assert.deepEqual(a.out, [null, 4, 7]);
    assert.deepEqual(a.w, ['query/kernel:6x3x2', 'key/kernel:6x3x2', 'value/kernel:6x3x5', 'attention_output/kernel:3x5x7']);
  });

  const refuses = (config: object, inputs: (number | null)[][], re: RegExp) =>
    assert.throws(() => apply('MultiHeadAttention', { num_heads: 2, key_dim: 3, ...config }, ...inputs), (e: unknown) => e instanceof ShapeError && re.test(e.message) && !!e.hint);

  test('refuses, with a reason and a hint, what the catalog does not compute', () => {
    refuses({ attention_axes: [2] }, [[null, 4, 6], [null, 4, 6]], /attention_axes \[2\] is not supported/);
    refuses({ use_gate: true }, [[null, 4, 6], [null, 4, 6]], /use_gate=True/);
    refuses({ sliding_window: 2 }, [[null, 4, 6], [null, 4, 6]], /sliding_window/);
    refuses({ output_shape: [2, 3] }, [[null, 4, 6], [null, 4, 6]], /output_shape must be one integer/);
    refuses({}, [[null, 2, 4, 6], [null, 2, 4, 6]], /expects 3D input/);
    refuses({}, [[null, 4, 6], [null, 5, 6], [null, 6, 6]], /different numbers of steps/);
  });

  test('accepts the attention_axes Keras writes for the default', () => {
    for (const axes of [null, 1, [1], [-2]]) assert.deepEqual(apply('MultiHeadAttention', { num_heads: 2, key_dim: 3, attention_axes: axes }, [null, 4, 6], [null, 4, 6]).out, [null, 4, 6]);
  });
});

describe('ConvLSTM1D/2D', () => {
  test('shapes and Keras 3 cell weights (kernel, recurrent_kernel, bias with 4 gates)', () => {
    const a = apply('ConvLSTM2D', { filters: 4, kernel_size: [3, 3] }, [null, 3, 5, 5, 2]);
    assert.deepEqual(a.out, [null, 3, 3, 4]);
    assert.deepEqual(a.w, ['kernel:3x3x2x16', 'recurrent_kernel:3x3x4x16', 'bias:16']);
    assert.deepEqual(apply('ConvLSTM2D', { filters: 4, kernel_size: [3, 3], padding: 'same', return_sequences: true }, [null, 3, 5, 5, 2]).out, [null, 3, 5, 5, 4]);
    const b = apply('ConvLSTM1D', { filters: 2, kernel_size: [3], strides: [2], use_bias: false }, [null, 3, 7, 2]);
    assert.deepEqual(b.out, [null, 3, 2]);
    assert.deepEqual(b.w, ['kernel:3x2x8', 'recurrent_kernel:3x2x8']);
  });

  test('refuses frames of the wrong rank, kernels larger than the frames and return_state, with hints', () => {
    const refusesWith = (cls: string, config: JsonObject, input: (number | null)[], re: RegExp) =>
      assert.throws(() => apply(cls, config, input), (e: unknown) => e instanceof ShapeError && re.test(e.message) && !!e.hint);
    refusesWith('ConvLSTM2D', { filters: 2, kernel_size: [3, 3] }, [null, 5, 5, 2], /expects 5D input/);
    refusesWith('ConvLSTM2D', { filters: 2, kernel_size: [7, 7] }, [null, 3, 5, 5, 2], /larger than the frames/);
    refusesWith('ConvLSTM1D', { filters: 2, kernel_size: [3], return_state: true }, [null, 3, 6, 2], /return_state/);
  });
});
