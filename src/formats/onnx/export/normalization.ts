/** BatchNormalization and LayerNormalization. */
import type { Val } from '../emitter';
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
};
