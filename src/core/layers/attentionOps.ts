/**
 * Keras operations of attention (keras/src/ops/nn.py): `keras.ops.dot_product_attention(query, key, value,
 * bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None)`, recorded
 * in a functional model as class DotProductAttention (module keras.src.ops.nn) whose config holds the
 * constructor's is_causal, flash_attention and attn_logits_soft_cap; `scale` and the `bias` tensor are call
 * arguments (the node's kwargs). Inputs are (batch, steps, heads, depth): query (B, T, N, H), key and value
 * (B, S, K, H) with N a multiple of K (grouped-query heads); the bias broadcasts to (B, N, T, S). The boolean
 * `mask` is not held by the graph.
 */
import type { Shape } from '../types';
import type { CatalogSpec } from './define';
import { f, field } from './fields';
import type { KerasOperation } from './operations';
import { formatShape, requireRank } from './shapeMath';
import { ShapeError } from './spec';

export const ATTENTION_OPERATIONS: Readonly<Record<string, KerasOperation>> = {
  DotProductAttention: { module: 'keras.src.ops.nn', fn: 'dot_product_attention', callArgs: ['scale'], tensorArgs: ['query', 'key', 'value', 'bias'] },
};

/** The shape checks of keras.ops.dot_product_attention (backend jax/nn.py): the output is the query's shape. */
function attentionShape([q, k, v, bias]: Shape[], c: Record<string, unknown>): Shape {
  const hint = 'dot_product_attention takes (batch, steps, heads, depth) tensors';
  for (const [x, what] of [[q, 'query'], [k, 'key'], [v, 'value']] as const) requireRank(x!, 4, `(batch, steps, heads, depth) as ${what}`, hint);
  const same = (a: number | null, b: number | null) => a === null || b === null || a === b;
  if (!k!.every((d, i) => same(d, v![i]!))) throw new ShapeError(`key ${formatShape(k!)} and value ${formatShape(v!)} differ`, 'Keras takes key and value of one shape (the same heads and depth)');
  if (!same(q![3]!, k![3]!)) throw new ShapeError(`query depth ${q![3]} and key depth ${k![3]} differ`, 'give query and key the same depth (last axis)');
  const [n, kh] = [q![2]!, k![2]!];
  if (n !== null && kh !== null && n % kh !== 0) throw new ShapeError(`${n} query heads are not a multiple of ${kh} key heads`, 'grouped-query attention needs the query heads to be a multiple of the key heads');
  if (bias) {
    if (bias.length > 4) throw new ShapeError(`bias of rank ${bias.length}`, 'the bias broadcasts to (batch, heads, query steps, key steps): rank 4 at most');
    const full: Shape = [q![0]!, n, q![1]!, k![1]!];
    bias.forEach((d, i) => {
      const want = full[full.length - bias.length + i]!;
      // Axis 0 of a bias below rank 4 is whatever the caller fed (a broadcast axis, not a batch).
      if (d !== null && want !== null && d !== 1 && d !== want) throw new ShapeError(`bias ${formatShape(bias)} does not broadcast to (batch, heads, query steps, key steps) ${formatShape(full)}`, 'each bias axis must equal that size or be 1');
    });
  }
  if (c.attn_logits_soft_cap !== null && c.attn_logits_soft_cap !== undefined) {
    throw new ShapeError('attn_logits_soft_cap is set, which Keras applies only in flash attention on TPU (JAX ignores it elsewhere)', 'leave attn_logits_soft_cap at None', 'attn_logits_soft_cap');
  }
  return [...q!.slice(0, 3), v![3]!];
}

const DotProductAttention: CatalogSpec = {
  className: 'DotProductAttention',
  category: 'Attention',
  doc: 'softmax(query · key * scale + bias) · value over (batch, steps, heads, depth) tensors; called on query, key, value and an optional bias (Keras operation keras.ops.dot_product_attention)',
  fields: [
    f.bool('is_causal', false, 'Each query step attends only to key steps at or before it'),
    field('scale', 'float', null, 'Factor on query · key (None: 1 / sqrt(depth)); a call argument', { nullable: true }),
    field('flash_attention', 'bool', null, 'Use flash attention (None: when the platform allows)', { nullable: true, advanced: true }),
    field('attn_logits_soft_cap', 'float', null, 'Soft cap of the logits (TPU flash attention only)', { nullable: true, advanced: true }),
  ],
  inputs: { min: 3, max: 4 },
  outputShape: (shapes, c) => attentionShape(shapes, c),
  weights: () => [],
};

export const attentionOperationLayers: CatalogSpec[] = [DotProductAttention];
