/** MultiHeadAttention's shape and weight rules (Keras 3's EinsumDense sub-layers) and what the catalog refuses. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../src/core/layers/spec';
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
