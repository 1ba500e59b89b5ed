/**
 * Attention, AdditiveAttention and MultiHeadAttention (keras/src/layers/attention/) at inference: scores
 * (batch, [heads,] Tq, Tv) from query and key, softmax over Tv, times value. No mask reaches them in an
 * export (Embedding mask_zero and Masking are refused), and dropout is off at inference.
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

/** An EinsumDense `abc,cde->abde` projection plus bias, as (batch, heads, steps, size). */
function project(ctx: LayerContext, x: string, name: string, heads: number, size: number): string {
  const kernel = ctx.w(`${name}/kernel`);
  let y = ctx.op('MatMul', [x, ctx.init(`${name}/kernel`, undefined, [kernel.shape[0]!, heads * size])]);
  if (ctx.c.use_bias !== false) y = ctx.op('Add', [y, ctx.init(`${name}/bias`, undefined, [heads * size])]);
  return ctx.op('Transpose', [ctx.op('Reshape', [y, ctx.i64(`${name}/heads`, [0, 0, heads, size])])], { perm: [0, 2, 1, 3] });
}

/** keras/src/layers/attention/multi_head_attention.py with the default attention axes (the steps). */
function multiHeadAttention(ctx: LayerContext, ins: Val[]): Val {
  const [query, value, key] = ins.map((x) => ctx.e.last(x, ctx.name)) as [string, string, string | undefined];
  const heads = Number(ctx.c.num_heads);
  const keyDim = Number(ctx.c.key_dim);
  const valueDim = ctx.c.value_dim === null || ctx.c.value_dim === undefined ? keyDim : Number(ctx.c.value_dim);
  const q = ctx.op('Mul', [project(ctx, query, 'query', heads, keyDim), ctx.e.scalar(`${ctx.name}/query_scale`, 1 / Math.sqrt(keyDim))]);
  const k = project(ctx, key ?? value, 'key', heads, keyDim);
  const v = project(ctx, value, 'value', heads, valueDim);
  const weights = ctx.op('Softmax', [ctx.op('MatMul', [q, ctx.op('Transpose', [k], { perm: [0, 1, 3, 2] })])], { axis: -1 });
  const o = ctx.op('Reshape', [ctx.op('Transpose', [ctx.op('MatMul', [weights, v])], { perm: [0, 2, 1, 3] }), ctx.i64('merged_heads', [0, 0, heads * valueDim])]);
  const kernel = ctx.w('attention_output/kernel');
  let y = ctx.op('MatMul', [o, ctx.init('attention_output/kernel', undefined, [heads * valueDim, kernel.shape[2]!])]);
  if (ctx.c.use_bias !== false) y = ctx.op('Add', [y, ctx.init('attention_output/bias')]);
  return { rank: 3, last: y };
}

const multiHeadExporter: LayerExporter = {
  check(_layer, c, inShapes) {
    if (!inShapes.every((s) => s.length === 3)) return 'only (batch, steps, features) inputs are supported';
    if (c.attention_axes !== null && c.attention_axes !== undefined) return 'attention_axes other than the default are not supported';
    return c.use_gate === true || (c.sliding_window !== null && c.sliding_window !== undefined) ? 'use_gate and sliding_window are not supported' : undefined;
  },
  emit: (ctx, ins) => multiHeadAttention(ctx, ins),
};

export const attentionExporters: LayerExporters = {
  Attention: exporter(false),
  AdditiveAttention: exporter(true),
  MultiHeadAttention: multiHeadExporter,
};
