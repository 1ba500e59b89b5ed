/**
 * Attention layers (keras/src/layers/attention/{attention,additive_attention}.py): called on
 * [query, value] or [query, value, key]; the output is (batch, Tq, value dim). Weights: Attention's scalar
 * `scale` (use_scale) and `concat_score_weight` (score_mode "concat"); AdditiveAttention's `scale` of the
 * query's dimension (use_scale).
 */
import type { Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { f } from './fields';
import { formatShape, knownDim, requireMinRank } from './shapeMath';
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

export const attentionLayers: CatalogSpec[] = [Attention, AdditiveAttention];
