/**
 * Embedding (keras/layers/core/embedding.py; tfjs-layers src/layers/embeddings.ts): integer ids to dense
 * vectors. Output = input shape + (output_dim,); `input_length` (Keras 2) pins the sequence length.
 */
import type { Json, Shape } from '../types';
import { defineLayer } from './define';
import { f, field, required } from './fields';
import { formatShape, num } from './shapeMath';
import { ShapeError } from './spec';

const Embedding = defineLayer({
  className: 'Embedding',
  category: 'Core',
  doc: 'Turns integer ids (0..input_dim-1) into dense vectors of size output_dim',
  fields: [
    required('input_dim', 'int', 'Vocabulary size: the largest id + 1', { min: 1 }),
    required('output_dim', 'int', 'Size of each embedding vector', { min: 1 }),
    // Keras 2's default 'uniform' is RandomUniform(-0.05, 0.05).
    f.initializer('embeddings_initializer', 'random_uniform', 'How the embeddings start'),
    f.regularizer('embeddings_regularizer'),
    f.regularizer('activity_regularizer', 'Penalty on the layer output'),
    f.constraint('embeddings_constraint'),
    f.bool('mask_zero', false, 'Treat id 0 as padding and mask it for later layers'),
    field('input_length', 'json', null, 'Fixed sequence length (int, or a list for several axes); null for any', {
      nullable: true,
      advanced: true,
      check: (v: Json) =>
        v === null || (typeof v === 'number' && Number.isInteger(v) && v > 0) || (Array.isArray(v) && v.every((d) => d === null || (typeof d === 'number' && d > 0)))
          ? null
          : 'must be null, a positive integer or a list of them',
    }),
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { input_dim: 1000, output_dim: 64 },
  // Keras 2 Embedding.compute_output_shape.
  outputShape([x], c) {
    const out = num(c, 'output_dim');
    const il = c.input_length;
    if (il === null || il === undefined) return [...x, out];
    const lens = (Array.isArray(il) ? il : [il]) as (number | null)[];
    if (lens.length !== x.length - 1) {
      throw new ShapeError(
        `input_length is ${JSON.stringify(il)} but the input has shape ${formatShape(x)}`,
        'make input_length match the input axes after the batch, or set it to null',
        'input_length',
      );
    }
    const dims: Shape = lens.map((l, i) => {
      const d = x[i + 1];
      if (l !== null && d !== null && l !== d) {
        throw new ShapeError(`input_length ${l} does not match the input's length ${d} (input ${formatShape(x)})`, 'set input_length to null or to the input length', 'input_length');
      }
      return l ?? d;
    });
    return [x[0], ...dims, out];
  },
  weights: (_x, c) => [{ name: 'embeddings', shape: [num(c, 'input_dim'), num(c, 'output_dim')], trainable: true }],
});

export const embeddingLayers = [Embedding];
