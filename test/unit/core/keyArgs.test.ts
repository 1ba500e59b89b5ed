/** The arguments a canvas node shows under its type (src/core/layers/keyArgs.ts), as Netron shows them. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyArguments, keyArgumentsText } from '../../../src/core/layers/keyArgs';
import type { JsonObject } from '../../../src/core/types';

const text = (className: string, config: JsonObject) => keyArgumentsText({ name: 'x', className, config, inbound: [] });

describe('keyArguments', () => {
  test('Dense: units and activation; a linear activation is not shown', () => {
    assert.equal(text('Dense', { units: 64, activation: 'relu' }), 'units 64 · relu');
    assert.equal(text('Dense', { units: 10 }), 'units 10');
  });

  test('Conv2D: strides and padding only when they differ from the default', () => {
    assert.equal(text('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }), 'filters 32 · kernel 3×3 · relu');
    assert.equal(
      text('Conv2D', { filters: 64, kernel_size: [5, 5], strides: [2, 2], padding: 'same' }),
      'filters 64 · kernel 5×5 · strides 2×2 · padding same',
    );
  });

  test('pooling, dropout, reshape and recurrent layers', () => {
    assert.equal(text('MaxPooling2D', { pool_size: [2, 2] }), 'pool 2×2');
    assert.equal(text('Dropout', { rate: 0.25 }), 'rate 0.25');
    assert.equal(text('Reshape', { target_shape: [7, 7, 64] }), 'shape (7, 7, 64)');
    assert.equal(text('LSTM', { units: 128, return_sequences: true }), 'units 128 · all steps · tanh');
  });

  test('the fields named are config keys of the layer; unknown classes and argument-less layers show nothing', () => {
    assert.deepEqual(keyArguments({ name: 'x', className: 'Dense', config: { units: 4, activation: 'sigmoid' }, inbound: [] }).map((a) => a.field), ['units', 'activation']);
    assert.equal(text('NoSuchLayer', { units: 3 }), '');
    assert.equal(text('Flatten', {}), '');
  });
});
