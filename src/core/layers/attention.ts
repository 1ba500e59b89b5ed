/**
 * Attention layers (keras/src/layers/attention/{attention,additive_attention}.py): called on
 * [query, value] or [query, value, key]; the output is (batch, Tq, value dim). Weights: Attention's scalar
 * `scale` (use_scale) and `concat_score_weight` (score_mode "concat"); AdditiveAttention's `scale` of the
 * query's dimension (use_scale).
 */
import type { JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { f, field, kernelBiasFields, required } from './fields';
import { formatShape, knownDim, requireMinRank, requireRank } from './shapeMath';
import { ShapeError, type WeightSpec } from './spec';

/** Shapes Keras' `_validate_inputs` and the score computation accept: query and key dims equal, Tv shared. */
function attentionShape([q, v, k = v]: Shape[]): Shape {
  for (const [x, what] of [[q, 'query'], [v, 'value'], [k, 'key']] as const) requireMinRank(x!, 3, `(batch, steps, features) as ${what}`);
  const [dq, dk] = [knownDim(q!, -1, 'last'), knownDim(k!, -1, 'last')];
  if (dq !== dk) throw new ShapeError(`query features (${dq}) differ from key features (${dk})`, 'give query and key the same last dimension (a Dense before one of them)');
  const [tv, tk] = [v![v!.length - 2], k![k!.length - 2]];
  if (tv !== null && tk !== null && tv !== tk) throw new ShapeError(`value ${formatShape(v)} and key ${formatShape(k)} have different numbers of steps`, 'key and value must have the same steps');
  return [...q!.slice(0, -1), v![v!.length - 1]!];
}

const inputsDoc = 'Called on [query, value] or [query, value, key] (key defaults to value)';

const Attention = defineLayer({
  className: 'Attention',
  category: 'Attention',
  doc: `Dot-product (Luong) attention: softmax(query · keyᵀ) · value. ${inputsDoc}`,
  fields: [
    f.bool('use_scale', false, 'Learn a scalar that multiplies the scores'),
    f.enum('score_mode', 'dot', ['dot', 'concat'], "'dot': query · key; 'concat': sum(tanh(query + key))"),
    f.float('dropout', 0, 'Fraction of the attention weights to drop in training', { min: 0, max: 1 }),
    f.int('seed', null, 'Random seed of the dropout', { nullable: true, advanced: true }),
  ],
  inputs: { min: 2, max: 3 },
  outputShape: (inputs) => attentionShape(inputs),
  weights(_inputs, c): WeightSpec[] {
    const w: WeightSpec[] = [];
    if (c.use_scale === true) w.push({ name: 'scale', shape: [], trainable: true });
    if (c.score_mode === 'concat') w.push({ name: 'concat_score_weight', shape: [], trainable: true });
    return w;
  },
});

const AdditiveAttention = defineLayer({
  className: 'AdditiveAttention',
  category: 'Attention',
  doc: `Additive (Bahdanau) attention: softmax(sum(scale · tanh(query + key))) · value. ${inputsDoc}`,
  fields: [
    f.bool('use_scale', true, 'Learn a scale per feature of the scores'),
    f.float('dropout', 0, 'Fraction of the attention weights to drop in training', { min: 0, max: 1 }),
    f.int('seed', null, 'Random seed of the dropout', { nullable: true, advanced: true }),
  ],
  inputs: { min: 2, max: 3 },
  outputShape: (inputs) => attentionShape(inputs),
  weights([q], c): WeightSpec[] {
    return c.use_scale === false ? [] : [{ name: 'scale', shape: [knownDim(q!, -1, 'last')], trainable: true }];
  },
});

/** MultiHeadAttention's sizes with Keras' defaults: value_dim = key_dim, output = the query's features. */
function mhaDims(q: Shape, c: JsonObject): { heads: number; keyDim: number; valueDim: number; out: number } {
  const keyDim = c.key_dim as number;
  const outShape = c.output_shape;
  const out = Array.isArray(outShape) ? (outShape.length === 1 ? outShape[0] : null) : outShape ?? knownDim(q, -1, 'last');
  if (typeof out !== 'number') throw new ShapeError('output_shape must be one integer (the output features) for (batch, steps, features) inputs', 'give output_shape as one integer, or leave it null', 'output_shape');
  return { heads: c.num_heads as number, keyDim, valueDim: (c.value_dim as number | null) ?? keyDim, out };
}

/** What the catalog computes of MultiHeadAttention: (batch, steps, features) inputs, the default attention axes. */
function mhaShape([q, v, k = v]: Shape[], c: JsonObject): Shape {
  for (const [x, what] of [[q, 'query'], [v, 'value'], [k, 'key']] as const) requireRank(x!, 3, `(batch, steps, features) as ${what}`, 'MultiHeadAttention is supported on (batch, steps, features) inputs');
  const axes = c.attention_axes;
  if (axes !== null && axes !== undefined && !(axes === 1 || (Array.isArray(axes) && axes.length === 1 && (axes[0] === 1 || axes[0] === -2)))) {
    throw new ShapeError(`attention_axes ${JSON.stringify(axes)} is not supported: on (batch, steps, features) inputs Keras attends over the steps (axis 1)`, 'leave attention_axes null (or [1])', 'attention_axes');
  }
  if (c.use_gate === true) throw new ShapeError('use_gate=True (a sigmoid gate on the attention output) is not supported yet', 'set use_gate to false', 'use_gate');
  if (c.sliding_window !== null && c.sliding_window !== undefined) throw new ShapeError('sliding_window attention is not supported yet', 'leave sliding_window null', 'sliding_window');
  const [tv, tk] = [v![1], k![1]];
  if (tv !== null && tk !== null && tv !== tk) throw new ShapeError(`value ${formatShape(v)} and key ${formatShape(k)} have different numbers of steps`, 'key and value must have the same steps');
  return [q![0]!, q![1]!, mhaDims(q!, c).out];
}

/** keras/src/layers/attention/multi_head_attention.py: EinsumDense sublayers query, key, value, attention_output. */
const MultiHeadAttention = defineLayer({
  className: 'MultiHeadAttention',
  category: 'Attention',
  doc: 'Multi-head scaled dot-product attention with learned query/key/value/output projections. Called on (query, value) or (query, value, key)',
  fields: [
    required('num_heads', 'int', 'Number of attention heads', { min: 1 }),
    required('key_dim', 'int', 'Size of each head for query and key', { min: 1 }),
    f.int('value_dim', null, 'Size of each head for value (null: key_dim)', { nullable: true, min: 1 }),
    f.float('dropout', 0, 'Fraction of the attention weights to drop in training', { min: 0, max: 1 }),
    f.bool('use_bias', true, 'Whether the projections have biases'),
    f.bool('use_gate', false, 'A sigmoid gate on the attention output (not supported yet)', { advanced: true }),
    field('output_shape', 'json', null, 'Output features (null: the query\'s features)', { nullable: true, advanced: true }),
    field('attention_axes', 'json', null, 'Axes attention is applied over (null: the steps)', { nullable: true, advanced: true }),
    f.int('sliding_window', null, 'Attend only to this many neighbouring steps (not supported yet)', { nullable: true, advanced: true }),
    ...kernelBiasFields(),
    f.int('seed', null, 'Random seed of the dropout', { nullable: true, advanced: true }),
  ],
  newConfig: { num_heads: 2, key_dim: 16 },
  inputs: { min: 2, max: 3 },
  outputShape: (inputs, c) => mhaShape(inputs, c),
  weights([q, v, k = v], c): WeightSpec[] {
    const { heads, keyDim, valueDim, out } = mhaDims(q!, c);
    const bias = c.use_bias !== false;
    const proj = (name: string, inDim: number, size: number): WeightSpec[] => [
      { name: `${name}/kernel`, shape: [inDim, heads, size], trainable: true },
      ...(bias ? [{ name: `${name}/bias`, shape: [heads, size], trainable: true }] : []),
    ];
    return [
      ...proj('query', knownDim(q!, -1, 'last'), keyDim),
      ...proj('key', knownDim(k!, -1, 'last'), keyDim),
      ...proj('value', knownDim(v!, -1, 'last'), valueDim),
      { name: 'attention_output/kernel', shape: [heads, valueDim, out], trainable: true },
      ...(bias ? [{ name: 'attention_output/bias', shape: [out], trainable: true }] : []),
    ];
  },
});

export const attentionLayers: CatalogSpec[] = [Attention, AdditiveAttention, MultiHeadAttention];
