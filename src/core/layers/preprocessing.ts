/**
 * Preprocessing layers that are part of the model (keras/src/layers/preprocessing): Rescaling, CenterCrop
 * and Resizing. None has weights.
 */
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, required } from './fields';
import { isChannelsFirst, num, requireRank } from './shapeMath';

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

export const preprocessingLayers: CatalogSpec[] = [Rescaling, CenterCrop, Resizing];
