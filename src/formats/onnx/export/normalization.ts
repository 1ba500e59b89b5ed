/** BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization and the Normalization preprocessing layer. */
import { KERAS_EPSILON, normalizationKeepAxes } from '../../../core/layers/normalizationAdapt';
import type { Val } from '../emitter';
import { DT } from '../proto';
import type { LayerContext, LayerExporters } from './context';

function batchNorm(ctx: LayerContext, x: Val): Val {
  const { e, c } = ctx;
  const axisRaw = Array.isArray(c.axis) ? Number(c.axis[0]) : Number(c.axis ?? -1);
  const axis = axisRaw < 0 ? x.rank + axisRaw : axisRaw;
  const mean = ctx.w('moving_mean');
  const variance = ctx.w('moving_variance');
  const ch = mean.data.length;
  const gamma = c.scale !== false ? ctx.w('gamma').data : new Float32Array(ch).fill(1);
  const beta = c.center !== false ? ctx.w('beta').data : new Float32Array(ch);
  const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  if (axis === x.rank - 1) {
    const input = x.rank > 2 ? e.first(x, ctx.name) : e.last(x, ctx.name);
    const y = ctx.op('BatchNormalization', [
      input,
      e.f32(`${ctx.name}/gamma`, [ch], gamma),
      e.f32(`${ctx.name}/beta`, [ch], beta),
      e.f32(`${ctx.name}/moving_mean`, [ch], mean.data),
      e.f32(`${ctx.name}/moving_variance`, [ch], variance.data),
    ], { epsilon: { float: eps } });
    return x.rank > 2 ? { rank: x.rank, first: y } : { rank: x.rank, last: y };
  }
  // Another axis: the same affine map, y = x * a + b, broadcast along that axis in Keras layout.
  const a = Float32Array.from(gamma, (gm, i) => gm / Math.sqrt(variance.data[i]! + eps));
  const b = Float32Array.from(beta, (bt, i) => bt - mean.data[i]! * a[i]!);
  const dims = Array.from({ length: x.rank - 1 }, (_, i) => (i + 1 === axis ? ch : 1));
  const y = ctx.op('Add', [ctx.op('Mul', [e.last(x, ctx.name), e.f32(`${ctx.name}/scale`, dims, a)]), e.f32(`${ctx.name}/offset`, dims, b)]);
  return { rank: x.rank, last: y };
}

function layerNorm(ctx: LayerContext, x: Val): Val {
  const { e, c } = ctx;
  const axes = (Array.isArray(c.axis) ? c.axis : [c.axis ?? -1]).map((v) => (Number(v) < 0 ? x.rank + Number(v) : Number(v)));
  const first = Math.min(...axes);
  const shape = ctx.inShapes[0]!.slice(first) as number[];
  const size = shape.reduce((p, q) => p * q, 1);
  const gamma = c.scale !== false ? ctx.init('gamma', undefined, shape) : e.f32(`${ctx.name}/gamma`, shape, new Float32Array(size).fill(1));
  const beta = c.center !== false ? ctx.init('beta', undefined, shape) : e.f32(`${ctx.name}/beta`, shape, new Float32Array(size));
  const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  const input = e.last(x, ctx.name);
  if (ctx.e.opset >= 17) {
    return { rank: x.rank, last: ctx.op('LayerNormalization', [input, gamma, beta], { axis: first, epsilon: { float: eps } }) };
  }
  // Before opset 17: (x - mean) / sqrt(var + eps) * gamma + beta, as tfjs-layers' LayerNormalization computes it.
  const reduceAxes = Array.from({ length: x.rank - first }, (_, i) => first + i);
  const mean = ctx.op('ReduceMean', [input], { axes: reduceAxes, keepdims: 1 });
  const d = ctx.op('Sub', [input, mean]);
  const variance = ctx.op('ReduceMean', [ctx.op('Mul', [d, d])], { axes: reduceAxes, keepdims: 1 });
  const std = ctx.op('Sqrt', [ctx.op('Add', [variance, e.scalar(`${ctx.name}/epsilon`, eps)])]);
  return { rank: x.rank, last: ctx.op('Add', [ctx.op('Mul', [ctx.op('Div', [d, std]), gamma]), beta]) };
}

/** ReduceMean over `axes` (kept): an attribute before opset 18, an input from it. */
export function reduceMean(ctx: LayerContext, x: string, axes: number[]): string {
  if (ctx.e.opset >= 18) return ctx.op('ReduceMean', [x, ctx.i64('axes', axes)], { keepdims: 1 });
  return ctx.op('ReduceMean', [x], { axes, keepdims: 1 });
}

/**
 * One Normalization statistic as a constant broadcast against the input without its batch axis: the
 * weight (one value per kept position) or the config's number / flat list (along the last kept axis).
 */
function normalizationStat(ctx: LayerContext, name: 'mean' | 'variance', keep: number[], rank: number): { dims: number[]; data: Float32Array } {
  const given = ctx.c[name];
  const dims = Array.from({ length: rank - 1 }, () => 1);
  if (typeof given === 'number') return { dims, data: Float32Array.of(given) };
  if (Array.isArray(given)) {
    dims[keep[keep.length - 1]! - 1] = given.length;
    return { dims, data: Float32Array.from(given as number[]) };
  }
  const w = ctx.w(name);
  keep.forEach((a, i) => (dims[a - 1] = w.shape[i]!));
  return { dims, data: Float32Array.from(w.data) };
}

/**
 * keras/src/layers/preprocessing/normalization.py `call`: (x - mean) / max(sqrt(variance), epsilon()), or
 * with invert mean + x * max(sqrt(variance), epsilon()). The scale is folded in float32 here: sqrt is
 * correctly rounded in both, so the constant equals what Keras and TF.js compute at run time.
 */
function normalization(ctx: LayerContext, x: Val): Val {
  const keep = normalizationKeepAxes(ctx.c.axis ?? -1, x.rank);
  const mean = normalizationStat(ctx, 'mean', keep, x.rank);
  const variance = normalizationStat(ctx, 'variance', keep, x.rank);
  const scale = Float32Array.from(variance.data, (v) => Math.max(Math.fround(Math.sqrt(v)), KERAS_EPSILON));
  const m = ctx.e.f32(`${ctx.name}/mean`, mean.dims, mean.data);
  const s = ctx.e.f32(`${ctx.name}/scale`, variance.dims, scale);
  // Keras casts the input to the layer's float dtype first (integer inputs straight from an Input).
  const input = ctx.op('Cast', [ctx.e.last(x, ctx.name)], { to: DT.FLOAT });
  const y = ctx.c.invert === true ? ctx.op('Add', [m, ctx.op('Mul', [input, s])]) : ctx.op('Div', [ctx.op('Sub', [input, m]), s]);
  return { rank: x.rank, last: y };
}

/** keras/src/ops/nn.py `_normalize` (UnitNormalization passes epsilon=1e-12): x * min(rsqrt(sum(x²)), 1 / 1e-12). */
function unitNormalization(ctx: LayerContext, x: Val): Val {
  const input = ctx.e.last(x, ctx.name);
  const axes = (Array.isArray(ctx.c.axis) ? ctx.c.axis : [ctx.c.axis ?? -1]).map((a) => (Number(a) < 0 ? x.rank + Number(a) : Number(a)));
  const squareSum = ctx.op('ReduceSum', [ctx.op('Mul', [input, input]), ctx.i64('axes', axes)], { keepdims: 1 });
  const inv = ctx.op('Min', [ctx.op('Reciprocal', [ctx.op('Sqrt', [squareSum])]), ctx.e.scalar(`${ctx.name}/max_inv_norm`, 1e12)]);
  return { rank: x.rank, last: ctx.op('Mul', [input, inv]) };
}

/**
 * keras/src/layers/normalization/group_normalization.py: the channels axis split into (groups, channels /
 * groups), mean and variance per sample and group over every other axis, then g * inv + (beta - mean * inv)
 * with inv = rsqrt(variance + epsilon) * gamma, reshaped back.
 */
function groupNormalization(ctx: LayerContext, x: Val): Val {
  const { e, c } = ctx;
  const shape = ctx.inShapes[0]!;
  const axis = Number(c.axis) < 0 ? x.rank + Number(c.axis) : Number(c.axis);
  const channels = shape[axis]!;
  const groups = c.groups === -1 ? channels : Number(c.groups);
  // 0 copies the input's size (batch and the axes before the channels); the later axes' sizes are known (check).
  const grouped = [...shape.slice(0, axis).map(() => 0), groups, channels / groups, ...(shape.slice(axis + 1) as number[])];
  const input = e.last(x, ctx.name);
  const g = ctx.op('Reshape', [input, ctx.i64('grouped_shape', grouped)]);
  const reduce = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
  const mean = reduceMean(ctx, g, reduce);
  const d = ctx.op('Sub', [g, mean]);
  const variance = reduceMean(ctx, ctx.op('Mul', [d, d]), reduce);
  const dims = grouped.slice(1).map((n, i) => (i + 1 === axis || i + 1 === axis + 1 ? n : 1));
  let inv = ctx.op('Reciprocal', [ctx.op('Sqrt', [ctx.op('Add', [variance, e.scalar(`${ctx.name}/epsilon`, Number(c.epsilon ?? 1e-3))])])]);
  if (c.scale !== false) inv = ctx.op('Mul', [inv, ctx.init('gamma', undefined, dims)]);
  let res = ctx.op('Mul', [ctx.op('Neg', [mean]), inv]);
  if (c.center !== false) res = ctx.op('Add', [res, ctx.init('beta', undefined, dims)]);
  const y = ctx.op('Add', [ctx.op('Mul', [g, inv]), res]);
  return { rank: x.rank, last: ctx.op('Reshape', [y, ctx.op('Shape', [input])]) };
}

export const normalizationExporters: LayerExporters = {
  BatchNormalization: {
    check: (_layer, c) => (typeof c.axis === 'number' || (Array.isArray(c.axis) && c.axis.length === 1) ? undefined : 'several axes are not supported'),
    emit: (ctx, [x]) => batchNorm(ctx, x!),
  },
  LayerNormalization: {
    check(_layer, c, inShapes) {
      const rank = inShapes[0]?.length ?? 0;
      const axes = (Array.isArray(c.axis) ? c.axis : [c.axis]).map((a) => (typeof a === 'number' && a < 0 ? rank + a : Number(a))).sort((a, b) => a - b);
      return axes.every((a, i) => a === rank - axes.length + i) ? undefined : 'only trailing axes can be normalized';
    },
    emit: (ctx, [x]) => layerNorm(ctx, x!),
  },
  Normalization: {
    check: (_layer, c) => (['mean', 'variance'].some((k) => Array.isArray(c[k]) && (c[k] as unknown[]).some(Array.isArray)) ? 'a nested mean or variance list in the config is not supported (adapt instead)' : undefined),
    emit: (ctx, [x]) => normalization(ctx, x!),
  },
  UnitNormalization: { emit: (ctx, [x]) => unitNormalization(ctx, x!) },
  GroupNormalization: {
    check(_layer, c, inShapes) {
      const shape = inShapes[0] ?? [];
      const axis = Number(c.axis) < 0 ? shape.length + Number(c.axis) : Number(c.axis);
      return shape.slice(axis + 1).some((d) => d === null) ? 'the axes after the channels axis must have known sizes' : undefined;
    },
    emit: (ctx, [x]) => groupNormalization(ctx, x!),
  },
};
