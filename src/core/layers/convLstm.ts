/**
 * Convolutional LSTM layers (keras/src/layers/rnn/conv_lstm{1d,2d}.py, conv_lstm.py): an LSTM whose
 * products are convolutions. Input (batch, time, *spatial, channels) channels_last, or channels before the
 * spatial axes with channels_first. Weights, Keras 3's cell's: kernel (*kernel_size, channels, 4*filters),
 * recurrent_kernel (*kernel_size, filters, 4*filters), bias (4*filters); gates i, f, c, o. The input
 * convolution takes `padding`, `strides` and `dilation_rate`; the recurrent one is 'same' with stride 1.
 */
import type { Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, paddingField, required } from './fields';
import { cellFields, sequenceFields } from './recurrentFields';
import { convOutputLength, isChannelsFirst, knownDim, num, requireRank, tuple } from './shapeMath';
import { ShapeError, type WeightSpec } from './spec';

function defineConvLstm(rank: 1 | 2): CatalogSpec {
  const layout = rank === 1 ? '(batch, time, steps, channels)' : '(batch, time, rows, cols, channels)';
  return defineLayer({
    className: `ConvLSTM${rank}D`,
    category: 'Recurrent',
    doc: `LSTM over a sequence of ${rank === 1 ? 'sequences' : 'images'} whose gates are ${rank}D convolutions`,
    fields: [
      required('filters', 'int', 'Number of output channels', { min: 1 }),
      required('kernel_size', 'ints', 'Size of the convolution window', { length: rank, min: 1 }),
      f.ints('strides', Array(rank).fill(1), rank, 'Step of the input convolution'),
      paddingField(),
      dataFormatField,
      f.ints('dilation_rate', Array(rank).fill(1), rank, 'Spacing of the input convolution window'),
      ...cellFields({ gated: true, unitForgetBias: true }),
      f.int('seed', null, 'Random seed of the dropout', { nullable: true, advanced: true }),
      ...sequenceFields(),
    ],
    inputs: { min: 1, max: 1 },
    newConfig: { filters: 16, kernel_size: Array(rank).fill(3) },
    outputShape([x], c): Shape {
      requireRank(x, rank + 3, layout, 'give it a sequence of frames: add a Reshape or TimeDistributed before it');
      if (c.return_state === true) throw new ShapeError('return_state=true gives several outputs, which cannot be connected here', 'set return_state to false', 'return_state');
      const cf = isChannelsFirst(c);
      const spatial = cf ? x.slice(3) : x.slice(2, 2 + rank);
      const [k, s, d] = [tuple(c, 'kernel_size', rank), tuple(c, 'strides', rank), tuple(c, 'dilation_rate', rank)];
      const out = spatial.map((n, i) => convOutputLength(n ?? null, k[i]!, String(c.padding), s[i]!, d[i]!));
      if (out.some((n) => n !== null && n <= 0)) throw new ShapeError(`the kernel ${JSON.stringify(k)} is larger than the frames ${JSON.stringify(spatial)}`, "use a smaller kernel_size or padding 'same'", 'kernel_size');
      const filters = num(c, 'filters');
      const frame = cf ? [filters, ...out] : [...out, filters];
      return c.return_sequences === true ? [x[0]!, x[1]!, ...frame] : [x[0]!, ...frame];
    },
    weights([x], c): WeightSpec[] {
      const channels = knownDim(x, isChannelsFirst(c) ? 2 : -1, 'channels');
      const [k, filters] = [tuple(c, 'kernel_size', rank), num(c, 'filters')];
      return [
        { name: 'kernel', shape: [...k, channels, 4 * filters], trainable: true },
        { name: 'recurrent_kernel', shape: [...k, filters, 4 * filters], trainable: true },
        ...(c.use_bias !== false ? [{ name: 'bias', shape: [4 * filters], trainable: true }] : []),
      ];
    },
  });
}

export const convLstmLayers: CatalogSpec[] = [defineConvLstm(1), defineConvLstm(2)];
