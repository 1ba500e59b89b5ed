/**
 * Attention and AdditiveAttention (keras/src/layers/attention/{attention,additive_attention}.py) at inference:
 * scores (batch, Tq, Tv) from query and key, softmax over Tv, times value. No mask reaches them in an export
 * (Embedding mask_zero and Masking are refused), and dropout is off at inference.
 */
import type { Val } from '../emitter';
import type { LayerContext, LayerExporter, LayerExporters } from './context';

/** sum(tanh(q[:, :, None] + k[:, None]) ...) over the features, scaled as each layer does. */
function additiveScores(ctx: LayerContext, q: string, k: string, additive: boolean): string {
  const sum = ctx.op('Add', [ctx.op('Unsqueeze', [q, ctx.i64('q_axes', [2])]), ctx.op('Unsqueeze', [k, ctx.i64('k_axes', [1])])]);
  const scale = ctx.has('scale') ? ctx.init('scale') : undefined;
  const reduce = (t: string) => ctx.op('ReduceSum', [t, ctx.i64('features', [-1])], { keepdims: 0 });
  if (additive) {
    const t = ctx.op('Tanh', [sum]);
    return reduce(scale ? ctx.op('Mul', [scale, t]) : t);
  }
  const t = ctx.op('Tanh', [scale ? ctx.op('Mul', [scale, sum]) : sum]);
  return ctx.op('Mul', [ctx.init('concat_score_weight'), reduce(t)]);
}

function attention(ctx: LayerContext, ins: Val[], additive: boolean): Val {
  const [q, v, k] = ins.map((x) => ctx.e.last(x, ctx.name)) as [string, string, string | undefined];
  const key = k ?? v;
  let scores: string;
  if (!additive && ctx.c.score_mode !== 'concat') {
    scores = ctx.op('MatMul', [q, ctx.op('Transpose', [key], { perm: [0, 2, 1] })]);
    if (ctx.has('scale')) scores = ctx.op('Mul', [scores, ctx.init('scale')]);
  } else {
    scores = additiveScores(ctx, q, key, additive);
  }
  const weights = ctx.op('Softmax', [scores], { axis: -1 });
  return { rank: 3, last: ctx.op('MatMul', [weights, v]) };
}

const exporter = (additive: boolean): LayerExporter => ({
  check: (_layer, _c, inShapes) => (inShapes.every((s) => s.length === 3) ? undefined : 'only (batch, steps, features) inputs are supported'),
  emit: (ctx, ins) => attention(ctx, ins, additive),
});

export const attentionExporters: LayerExporters = {
  Attention: exporter(false),
  AdditiveAttention: exporter(true),
};
