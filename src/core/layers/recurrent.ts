/**
 * Recurrent layers and wrappers (keras/layers/rnn; tfjs-layers src/layers/recurrent.ts and wrappers.ts).
 * Weights per Keras' cells: kernel (features, units*gates), recurrent_kernel (units, units*gates),
 * bias (units*gates), GRU with reset_after: bias (2, 3*units). Gates: SimpleRNN 1, GRU 3, LSTM 4.
 * Bidirectional names its weights `forward_<inner>/...` then `backward_<inner>/...` (Keras 2 and TF.js).
 */
import { snakeCase } from '../graph';
import type { Json, JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { f, field, required } from './fields';
import { cellFields, sequenceFields } from './recurrentFields';
import { fillDefaults, lookupSpec } from './registry';
import { formatShape, knownDim, num, requireMinRank, requireRank } from './shapeMath';
import { ShapeError, type FieldSpec, type WeightSpec } from './spec';

function rnnFields(gates: number, kind: 'SimpleRNN' | 'LSTM' | 'GRU'): FieldSpec[] {
  return [
    required('units', 'int', 'Size of the hidden state (and of the output)', { min: 1 }),
    ...cellFields({ gated: gates > 1, unitForgetBias: kind === 'LSTM' }),
    ...(kind !== 'SimpleRNN' ? [f.int('implementation', 2, 'Computation mode (1: many small ops, 2: fewer large ones; Keras 2.0 also wrote 0)', { min: 0, max: 2, advanced: true })] : []),
    ...sequenceFields(),
    f.bool('time_major', false, 'Inputs are (steps, batch, features)', { advanced: true }),
    // Keras 2/3's constructor default is true, but configs without the key come from TF.js (which only
    // implements reset_after=false) or Keras < 2.1, so a missing key means false.
    ...(kind === 'GRU' ? [f.bool('reset_after', false, 'Apply the reset gate after the matrix product (the CuDNN-compatible variant)')] : []),
  ];
}

function defineRnn(kind: 'SimpleRNN' | 'LSTM' | 'GRU', gates: number, doc: string): CatalogSpec {
  return defineLayer({
    className: kind,
    category: 'Recurrent',
    doc,
    fields: rnnFields(gates, kind),
    inputs: { min: 1, max: 1 },
    // A GRU added from the palette is Keras 3's (reset_after=True); a config without the key stays false.
    newConfig: kind === 'GRU' ? { units: 32, reset_after: true } : { units: 32 },
    outputShape([x], c) {
      requireRank(x, 3, '(batch, steps, features)', 'add an Embedding, a Reshape or a RepeatVector before it');
      knownDim(x, -1, 'features');
      if (c.return_state === true) {
        throw new ShapeError('return_state=true gives several outputs, which cannot be connected here', 'set return_state to false', 'return_state');
      }
      const units = num(c, 'units');
      const tm = c.time_major === true;
      const [batch, steps] = tm ? [x[1], x[0]] : [x[0], x[1]];
      if (c.return_sequences === true) return tm ? [steps, batch, units] : [batch, steps, units];
      return [batch, units];
    },
    weights([x], c) {
      const units = num(c, 'units');
      const w: WeightSpec[] = [
        { name: 'kernel', shape: [knownDim(x, -1, 'features'), units * gates], trainable: true },
        { name: 'recurrent_kernel', shape: [units, units * gates], trainable: true },
      ];
      if (c.use_bias !== false) {
        w.push({ name: 'bias', shape: kind === 'GRU' && c.reset_after === true ? [2, units * gates] : [units * gates], trainable: true });
      }
      return w;
    },
  });
}

/** The wrapped layer of a Bidirectional/TimeDistributed config: its spec, full config and name. */
export function innerLayer(c: JsonObject, field = 'layer'): { spec: CatalogSpec; config: JsonObject; name: string } {
  const v = c[field] as Json;
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.class_name !== 'string') {
    throw new ShapeError(`${field} is not set`, 'choose the layer to wrap', field);
  }
  const spec = lookupSpec(v.class_name);
  if (!spec) throw new ShapeError(`wraps an unknown layer class "${v.class_name}"`, 'wrap a layer from the catalog', field);
  const raw = v.config && typeof v.config === 'object' && !Array.isArray(v.config) ? (v.config as JsonObject) : {};
  const name = typeof raw.name === 'string' ? raw.name : snakeCase(v.class_name);
  return { spec, config: fillDefaults(spec, raw), name };
}

function checkLayerJson(v: Json): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.class_name !== 'string') return 'must be a layer config {"class_name": ..., "config": {...}}';
  if (!lookupSpec(v.class_name)) return `unknown layer class "${v.class_name}"`;
  return null;
}

function recurrentInner(c: JsonObject, fieldName: string) {
  const inner = innerLayer(c, fieldName);
  if (inner.spec.category !== 'Recurrent') {
    throw new ShapeError(`wraps ${inner.spec.className}, but Bidirectional needs a recurrent layer`, 'wrap an LSTM, GRU or SimpleRNN', fieldName);
  }
  return inner;
}

const newLstm = (name: string): JsonObject => ({ class_name: 'LSTM', config: { name, units: 32, return_sequences: true } });

const Bidirectional = defineLayer({
  className: 'Bidirectional',
  category: 'Wrapper',
  doc: 'Runs a recurrent layer forwards and backwards and merges the two outputs',
  fields: [
    field('layer', 'layer', null, 'The recurrent layer run in both directions', { check: checkLayerJson }),
    f.enum('merge_mode', 'concat', ['concat', 'sum', 'mul', 'ave'], 'How the two directions are combined', { nullable: true }),
  ],
  inputs: { min: 1, max: 1 },
  newConfig: { layer: newLstm('lstm') },
  outputShape(inputs, c) {
    const fwd = recurrentInner(c, 'layer');
    const out = fwd.spec.outputShape(inputs, fwd.config);
    const mode = c.merge_mode;
    if (mode === null) {
      throw new ShapeError('merge_mode=null gives two outputs, which cannot be connected here', "set merge_mode to 'concat', 'sum', 'mul' or 'ave'", 'merge_mode');
    }
    if (mode !== 'concat') return out;
    // With a backward_layer of another size, concat adds the two last dimensions.
    const bwdOut = c.backward_layer ? recurrentInner(c, 'backward_layer') : fwd;
    const b = bwdOut === fwd ? out : bwdOut.spec.outputShape(inputs, bwdOut.config);
    const last = out[out.length - 1];
    const lastB = b[b.length - 1];
    return [...out.slice(0, -1), last === null || lastB === null ? null : last + lastB];
  },
  weights(inputs, c) {
    const fwd = recurrentInner(c, 'layer');
    const bwd = c.backward_layer ? recurrentInner(c, 'backward_layer') : fwd;
    const pre = (p: string, name: string, ws: WeightSpec[]) => ws.map((w) => ({ ...w, name: `${p}_${name}/${w.name}` }));
    return [
      ...pre('forward', fwd.name, fwd.spec.weights(inputs, fwd.config)),
      ...pre('backward', bwd.name, bwd.spec.weights(inputs, bwd.config)),
    ];
  },
});

/** The per-timestep input of TimeDistributed: (batch, steps, ...rest) to (batch, ...rest). */
function stepInput(x: Shape): Shape {
  requireMinRank(x, 3, '(batch, steps, ...)');
  return [x[0], ...x.slice(2)];
}

const TimeDistributed = defineLayer({
  className: 'TimeDistributed',
  category: 'Wrapper',
  doc: 'Applies the same layer to every time step',
  fields: [field('layer', 'layer', null, 'The layer applied to each step', { check: checkLayerJson })],
  inputs: { min: 1, max: 1 },
  newConfig: { layer: { class_name: 'Dense', config: { name: 'dense', units: 32, activation: 'linear' } } },
  outputShape([x], c) {
    const inner = innerLayer(c);
    if (inner.spec.inputs.max !== 1 || inner.spec.className === 'InputLayer') {
      throw new ShapeError(`cannot wrap ${inner.spec.className}`, 'wrap a single-input layer such as Dense or Conv2D', 'layer');
    }
    let o: Shape;
    try {
      o = inner.spec.outputShape([stepInput(x)], inner.config);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`inner ${inner.spec.className} on each step ${formatShape(stepInput(x))}: ${e.message}`, e.hint, 'layer');
      throw e;
    }
    return [x[0], x[1], ...o.slice(1)];
  },
  // Keras names these like the wrapper's own weights: `time_distributed/kernel`.
  weights([x], c) {
    const inner = innerLayer(c);
    return inner.spec.weights([stepInput(x)], inner.config);
  },
});

export const recurrentLayers: CatalogSpec[] = [
  defineRnn('SimpleRNN', 1, 'Fully connected recurrent layer'),
  defineRnn('LSTM', 4, 'Long short-term memory layer'),
  defineRnn('GRU', 3, 'Gated recurrent unit layer'),
  Bidirectional,
  TimeDistributed,
];
