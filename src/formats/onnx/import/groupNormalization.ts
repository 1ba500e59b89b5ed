/**
 * Per-sample normalizations as Keras layers: InstanceNormalization is GroupNormalization with one group per
 * channel, ONNX GroupNormalization is GroupNormalization (scale and bias per channel from opset 21, per group
 * before it: repeated over each group's channels), both with constant scale and bias on the channels axis 1,
 * moved last (one Permute) as Keras' channels_last layers need; LpNormalization with p 2 is UnitNormalization
 * (x / max(|x|, 1e-12): a vector of norm below 1e-12, 0 / 0 = NaN in ONNX, is 0 in Keras); p 1 is Keras'
 * Normalize operation of order 1 (x / max(sum |x|, 1e-7): likewise below 1e-7). Scale and bias given as graph inputs without an initializer are values at run time: refused.
 */
import type { Attrs, onnx } from '../proto';
import { Skip, type Importer, type OpImporter, type OpImporters } from './importer';

/** `groups` groups over ONNX channel axis 1 with per-channel `gamma` and `beta`. */
function groupNorm(imp: Importer, n: onnx.INodeProto, groups: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, epsilon: number): void {
  const hint = n.name || n.output![0]!;
  const src = imp.kt(n.input![0]!, n);
  const k = src.axes[1];
  if (src.axes.length < 3 || k === undefined || k === 'u' || src.axes.includes('u')) throw new Skip(`${n.opType} ${hint}: on this layout (a (batch, channels, ...) tensor of rank 3 or more)`);
  const t = imp.withAxisLast(src, k, hint);
  const shape = imp.shapes.get(t.layer)!;
  if (shape[shape.length - 1] !== gamma.length) throw new Skip(`${n.opType} ${hint}: ${gamma.length} scale values for ${shape[shape.length - 1] ?? 'unknown'} channels`);
  const layer = imp.addLayer('GroupNormalization', { groups, axis: -1, epsilon, center: true, scale: true }, [t.layer], hint);
  imp.addWeight(layer, 'gamma', [gamma.length], gamma);
  imp.addWeight(layer, 'beta', [beta.length], beta);
  imp.alias(n.output![0], { layer, axes: t.axes });
}

/** The constant scale and bias inputs (1 and 2) of a normalization node. */
function affine(imp: Importer, n: onnx.INodeProto): [ArrayLike<number>, ArrayLike<number>] {
  const [scale, bias] = [imp.constOf(n.input?.[1]), imp.constOf(n.input?.[2])];
  if (!scale || !bias) throw new Skip(`${n.opType} ${n.name || n.output![0]}: scale and bias must be constants (initializers), not values given at run time`);
  if (scale.data.length !== bias.data.length) throw new Skip(`${n.opType} ${n.name || n.output![0]}: scale and bias of different sizes`);
  return [scale.data, bias.data];
}

const instanceNorm: OpImporter = (imp, n, a) => {
  const [gamma, beta] = affine(imp, n);
  groupNorm(imp, n, gamma.length, gamma, beta, a.float('epsilon', 1e-5));
};

const onnxGroupNorm: OpImporter = (imp, n, a: Attrs) => {
  const hint = n.name || n.output![0]!;
  const groups = a.int('num_groups', 0);
  let [gamma, beta] = affine(imp, n);
  if (groups <= 0) throw new Skip(`GroupNormalization ${hint}: num_groups ${groups}`);
  const channels = imp.onnxShape(imp.kt(n.input![0]!, n))[1];
  // Opsets 18 to 20 give one scale and bias per group (onnx#5466): each applies to the group's channels.
  if (imp.opset < 21 && gamma.length === groups && typeof channels === 'number' && channels % groups === 0 && channels !== groups) {
    const each = channels / groups;
    const spread = (v: ArrayLike<number>) => Float32Array.from({ length: channels }, (_, i) => v[Math.floor(i / each)]!);
    [gamma, beta] = [spread(gamma), spread(beta)];
  }
  if (gamma.length % groups !== 0) throw new Skip(`GroupNormalization ${hint}: ${gamma.length} channels in ${groups} groups`);
  groupNorm(imp, n, groups, gamma, beta, a.float('epsilon', 1e-5));
};

const lpNorm: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  const p = a.int('p', 2);
  if (p !== 1 && p !== 2) throw new Skip(`LpNormalization ${hint}: p ${p} (only 1 and 2)`);
  const x = imp.plain(imp.kt(n.input![0]!, n), hint);
  const rank = imp.shapes.get(x)!.length;
  const axis = a.int('axis', -1) < 0 ? a.int('axis', -1) + rank : a.int('axis', -1);
  if (axis <= 0 || axis >= rank) throw new Skip(`LpNormalization ${hint}: axis ${a.int('axis', -1)} ${axis === 0 ? 'is the batch axis' : `out of range for rank ${rank}`}`);
  const keras = axis === rank - 1 ? -1 : axis;
  const layer = p === 2 ? imp.addLayer('UnitNormalization', { axis: keras }, [x], hint) : imp.addLayer('Normalize', { axis: keras, order: 1, epsilon: null }, [x], hint);
  imp.alias(n.output![0], imp.identity(layer));
};

export const groupNormalizationImporters: OpImporters = {
  InstanceNormalization: instanceNorm,
  GroupNormalization: onnxGroupNorm,
  LpNormalization: lpNorm,
};
