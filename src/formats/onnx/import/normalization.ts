/** BatchNormalization and LayerNormalization (native, or decomposed and folded by `foldPatterns`). */
import type { Attrs, onnx } from '../proto';
import { Skip, type Importer, type OpImporters } from './importer';

function batchNorm(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const ins = n.input!;
  const hint = n.name || n.output![0]!;
  const [scale, bias, mean, variance] = ins.slice(1, 5).map((i) => imp.constOf(i));
  if (!scale || !bias || !mean || !variance) throw new Skip(`BatchNormalization ${hint}: parameters must be constants`);
  // training_mode (opset 14) normalizes with the batch's own statistics; spatial 0 (before opset 9) per element.
  if (a.int('training_mode', 0) !== 0 || a.int('spatial', 1) !== 1 || (n.output ?? []).filter(Boolean).length > 1) {
    throw new Skip(`BatchNormalization ${hint}: only inference with per-channel statistics`);
  }
  const src = imp.kt(ins[0]!, n);
  // Channel axis 1 of the ONNX tensor, as an axis of the Keras tensor, moved last: TF.js applies gamma and
  // beta on the last axis whatever `axis` says (tfjs#1106).
  const k = src.axes[1];
  if (k === undefined || k === 'u' || src.axes.includes('u')) throw new Skip(`BatchNormalization ${hint}: on this layout`);
  const t = imp.withAxisLast(src, k, hint);
  const layer = imp.addLayer('BatchNormalization', { axis: -1, epsilon: a.float('epsilon', 1e-5), momentum: 0.99, center: true, scale: true }, [t.layer], hint);
  const ch = scale.data.length;
  imp.addWeight(layer, 'gamma', [ch], scale.data);
  imp.addWeight(layer, 'beta', [ch], bias.data);
  imp.addWeight(layer, 'moving_mean', [ch], mean.data);
  imp.addWeight(layer, 'moving_variance', [ch], variance.data);
  imp.alias(n.output![0], { layer, axes: t.axes });
}

function layerNorm(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  let t = imp.kt(n.input![0]!, n);
  const R = t.axes.length;
  const first = a.int('axis', -1) < 0 ? a.int('axis', -1) + R : a.int('axis', -1);
  // Axis 0 normalizes each value with the other samples': no per-sample Keras layer does.
  if (first === 0) throw new Skip(`LayerNormalization ${hint}: axis ${a.int('axis', -1)} takes in the batch axis`);
  const onnxAxes = Array.from({ length: R - first }, (_, i) => first + i);
  const declared = a.ints('ms_axes');
  if (declared && declared.join() !== onnxAxes.join()) throw new Skip(`ReduceMean ${hint}: normalization over axes ${declared.join(', ')}, not the trailing ones`);
  const r = imp.shapes.get(t.layer)!.length;
  const trailing = onnxAxes.every((ax, j) => t.axes[ax] === r - onnxAxes.length + j);
  if (!trailing) t = imp.identity(imp.plain(t, hint));
  const shape = imp.shapes.get(t.layer)!;
  const dims = shape.slice(shape.length - onnxAxes.length);
  if (dims.some((d) => d === null)) throw new Skip(`LayerNormalization ${hint}: over axes of unknown size`);
  const size = (dims as number[]).reduce((p, q) => p * q, 1);
  const scale = imp.constOf(n.input?.[1]);
  const bias = imp.constOf(n.input?.[2]);
  if (!scale || scale.data.length !== size || (bias && bias.data.length !== size)) throw new Skip(`LayerNormalization ${hint}: scale and bias must be constants of the normalized shape`);
  const axis = onnxAxes.length === 1 ? -1 : onnxAxes.map((_, j) => shape.length - onnxAxes.length + j);
  const layer = imp.addLayer('LayerNormalization', { axis, epsilon: a.float('epsilon', 1e-5), center: true, scale: true }, [t.layer], hint);
  imp.addWeight(layer, 'gamma', dims as number[], scale.data);
  imp.addWeight(layer, 'beta', dims as number[], bias ? bias.data : new Float32Array(size));
  imp.alias(n.output![0], { layer, axes: t.axes });
}

export const normalizationImporters: OpImporters = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
};
