/**
 * Preprocessing layers that are part of the model (keras/src/layers/preprocessing): Rescaling, CenterCrop,
 * Resizing (no weights) and Normalization (mean, variance and count, non-trainable, unless `mean` and
 * `variance` are given in the config).
 */
import type { JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, field, required } from './fields';
import { normalizationStatShape } from './normalizationAdapt';
import { isChannelsFirst, num, requireRank } from './shapeMath';
import { ShapeError, type WeightSpec } from './spec';

const Rescaling = defineLayer({
  className: 'Rescaling',
  category: 'Preprocessing',
  doc: 'output = input * scale + offset, e.g. scale 1/255 for 8-bit images',
  fields: [required('scale', 'float', 'Multiplier (1/255 maps [0, 255] to [0, 1])'), f.float('offset', 0, 'Added after scaling')],
  inputs: { min: 1, max: 1 },
  newConfig: { scale: 1 / 255 },
  outputShape: ([x]) => [...x],
  weights: () => [],
});

const CenterCrop = defineLayer({
  className: 'CenterCrop',
  category: 'Preprocessing',
  doc: 'Crops the central height x width window of each image',
  fields: [required('height', 'int', 'Height of the crop', { min: 1 }), required('width', 'int', 'Width of the crop', { min: 1 }), dataFormatField],
  inputs: { min: 1, max: 1 },
  newConfig: { height: 24, width: 24 },
  // keras/src/layers/preprocessing/image_preprocessing/center_crop.py compute_output_shape.
  outputShape([x], c) {
    requireRank(x, 4, '(batch, rows, cols, channels)', 'CenterCrop works on batches of images');
    const [h, w] = [num(c, 'height'), num(c, 'width')];
    return isChannelsFirst(c) ? [x[0]!, x[1]!, h, w] : [x[0]!, h, w, x[3]!];
  },
  weights: () => [],
});

const Resizing = defineLayer({
  className: 'Resizing',
  category: 'Preprocessing',
  doc: 'Resizes each image to height x width',
  fields: [
    required('height', 'int', 'Height of the output', { min: 1 }),
    required('width', 'int', 'Width of the output', { min: 1 }),
    f.enum('interpolation', 'bilinear', ['bilinear', 'nearest', 'bicubic', 'area', 'lanczos3', 'lanczos5'], 'How new pixels are computed'),
    f.bool('crop_to_aspect_ratio', false, 'Crop to the target aspect ratio first instead of distorting'),
    f.bool('pad_to_aspect_ratio', false, 'Pad to the target aspect ratio first instead of distorting', { advanced: true }),
    f.enum('fill_mode', 'constant', ['constant'], 'How padding is filled', { advanced: true }),
    f.float('fill_value', 0, 'Value of the padding', { advanced: true }),
    f.bool('antialias', false, 'Antialias when downsampling', { advanced: true }),
    dataFormatField,
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { height: 32, width: 32 },
  outputShape([x], c) {
    requireRank(x, 4, '(batch, rows, cols, channels)', 'Resizing works on batches of images');
    const [h, w] = [num(c, 'height'), num(c, 'width')];
    return isChannelsFirst(c) ? [x[0]!, x[1]!, h, w] : [x[0]!, h, w, x[3]!];
  },
  weights: () => [],
});

/** Keras requires both of `mean` and `variance` or neither, of the same shape (normalization.py __init__). */
function checkGivenStats(x: Shape, c: JsonObject): boolean {
  const [mean, variance] = [c.mean ?? null, c.variance ?? null];
  if ((mean === null) !== (variance === null)) throw new ShapeError('give both mean and variance, or neither', 'set both, or clear both and let training adapt the layer', mean === null ? 'mean' : 'variance');
  if (mean === null) return false;
  const dims = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...dims(v[0])] : []);
  if (JSON.stringify(dims(mean)) !== JSON.stringify(dims(variance))) throw new ShapeError('mean and variance have different shapes', 'give them the same shape', 'variance');
  const stat = normalizationStatShape(x, c.axis);
  if (dims(mean).length > stat.length) throw new ShapeError(`mean has more dimensions than the ${stat.length} kept axes`, 'give one value per kept position, or a single number', 'mean');
  return true;
}

const Normalization = defineLayer({
  className: 'Normalization',
  category: 'Preprocessing',
  doc: '(input - mean) / sqrt(variance) per feature; mean and variance adapted on the training data, or given',
  fields: [
    field('axis', 'axis', -1, 'Axes that keep their own mean and variance (-1: each feature; null: one for all)', { nullable: true }),
    field('mean', 'json', null, 'Fixed mean (a number or one per kept position); null: adapted on the training data', { nullable: true, advanced: true }),
    field('variance', 'json', null, 'Fixed variance, with mean', { nullable: true, advanced: true }),
    f.bool('invert', false, 'Undo the normalization instead: mean + input * sqrt(variance)'),
  ],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    normalizationStatShape(x, c.axis);
    checkGivenStats(x, c);
    return [...x];
  },
  weights([x], c): WeightSpec[] {
    if (checkGivenStats(x, c)) return [];
    const shape = normalizationStatShape(x, c.axis);
    return [
      { name: 'mean', shape, trainable: false },
      { name: 'variance', shape, trainable: false },
      { name: 'count', shape: [], trainable: false },
    ];
  },
});

export const preprocessingLayers: CatalogSpec[] = [Rescaling, CenterCrop, Resizing, Normalization];
