/**
 * Pooling layers (keras/layers/pooling; tfjs-layers src/layers/pooling.ts). Windowed pooling uses
 * `conv_output_length` like convolutions; `strides: null` means strides = pool_size. No weights.
 */
import type { Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, paddingField } from './fields';
import { splitChannels, joinChannels } from './convolution';
import { slidingWindow, str, tuple } from './shapeMath';

function definePool(className: string, rank: number, kind: 'max' | 'average'): CatalogSpec {
  const def = Array(rank).fill(2);
  return defineLayer({
    className,
    category: 'Pooling',
    doc: `${kind === 'max' ? 'Maximum' : 'Average'} over ${rank === 1 ? 'windows of steps' : 'spatial windows'}, shrinking the ${rank === 1 ? 'sequence' : 'image'}`,
    fields: [
      f.ints('pool_size', def, rank, 'Size of the pooling window'),
      f.ints('strides', null, rank, 'Step of the window (null: same as pool_size)', { nullable: true }),
      paddingField(),
      dataFormatField,
    ],
    inputs: { min: 1, max: 1 },
    outputShape([x], c) {
      const s = splitChannels(x, rank, c);
      const pool = tuple(c, 'pool_size', rank);
      const strides = c.strides === null ? pool : tuple(c, 'strides', rank);
      const out = slidingWindow(s.spatial, pool, strides, str(c, 'padding'), Array(rank).fill(1), 'pool');
      return joinChannels(s.batch, out, s.channels, s.cf);
    },
    weights: () => [],
  });
}

function defineGlobal(className: string, rank: number, kind: 'max' | 'average'): CatalogSpec {
  return defineLayer({
    className,
    category: 'Pooling',
    doc: `${kind === 'max' ? 'Maximum' : 'Average'} over all ${rank === 1 ? 'steps' : 'spatial positions'}: one value per channel`,
    fields: [dataFormatField, f.bool('keepdims', false, 'Keep the pooled axes with size 1', { advanced: true })],
    inputs: { min: 1, max: 1 },
    outputShape([x], c): Shape {
      const s = splitChannels(x, rank, c);
      if (c.keepdims === true) return joinChannels(s.batch, Array(rank).fill(1), s.channels, s.cf);
      return [s.batch, s.channels];
    },
    weights: () => [],
  });
}

export const poolingLayers: CatalogSpec[] = [
  definePool('MaxPooling1D', 1, 'max'),
  definePool('MaxPooling2D', 2, 'max'),
  definePool('MaxPooling3D', 3, 'max'),
  definePool('AveragePooling1D', 1, 'average'),
  definePool('AveragePooling2D', 2, 'average'),
  definePool('AveragePooling3D', 3, 'average'),
  defineGlobal('GlobalMaxPooling1D', 1, 'max'),
  defineGlobal('GlobalMaxPooling2D', 2, 'max'),
  defineGlobal('GlobalAveragePooling1D', 1, 'average'),
  defineGlobal('GlobalAveragePooling2D', 2, 'average'),
  defineGlobal('GlobalMaxPooling3D', 3, 'max'),
  defineGlobal('GlobalAveragePooling3D', 3, 'average'),
];
