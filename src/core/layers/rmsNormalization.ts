/**
 * RMSNormalization (keras/src/layers/normalization/rms_normalization.py, Keras 3.9+): x * rsqrt(mean(x²) +
 * epsilon) over `axis`, times the learned `scale` (ones at first) of the normalized axes' sizes. Keras multiplies
 * by `scale` with numpy broadcasting, which lines its shape up with the last axes, so the normalized axes must be
 * the trailing ones (any other choice fails or scales the wrong axis in Keras).
 */
import type { JsonObject, Shape } from '../types';
import { defineLayer } from './define';
import { f, field } from './fields';
import { formatShape, normAxis } from './shapeMath';
import { ShapeError } from './spec';

/** The normalized axes' sizes, which must be known, trailing and off the batch axis. */
export function rmsAxes(x: Shape, c: JsonObject): { axes: number[]; dims: number[] } {
  const raw = c.axis ?? -1;
  const axes = [...new Set((Array.isArray(raw) ? raw : [raw]).map((a) => normAxis(Number(a), x.length)))].sort((p, q) => p - q);
  if (axes.includes(0)) throw new ShapeError('cannot normalize over the batch axis (0)', 'use axis -1 (the features axis)', 'axis');
  if (axes.some((a, i) => a !== x.length - axes.length + i)) throw new ShapeError(`axes [${axes.join(', ')}] of a rank-${x.length} input are not the last ones, and Keras lines scale up with the last axes`, 'normalize over the last axes (-1, or [-2, -1])', 'axis');
  const dims = axes.map((a) => x[a]!);
  if (dims.some((d) => d === null)) throw new ShapeError(`the normalized axes of ${formatShape(x)} must have known sizes`, 'give them a fixed size in the Input', 'axis');
  return { axes, dims };
}

const RMSNormalization = defineLayer({
  className: 'RMSNormalization',
  category: 'Normalization',
  doc: 'Scales each sample by the inverse root mean square over the axis, times a learned scale (no centering)',
  fields: [field('axis', 'axis', -1, 'Axis or axes to normalize over (the last ones)'), f.float('epsilon', 1e-6, 'Small value added to the mean square', { min: 0 })],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    rmsAxes(x!, c);
    return [...x!];
  },
  weights: ([x], c) => [{ name: 'scale', shape: rmsAxes(x!, c).dims, trainable: true }],
});

export const rmsNormalizationLayers = [RMSNormalization];
