/**
 * One Keras layer as a constructor call, `layers.Conv2D(32, 3, activation="relu", name="conv2d")`: the
 * arguments that differ from Keras 3's constructor defaults only, positional where Keras' signature puts them
 * first. The catalog's defaults are Keras' (written Keras-2 style); where Keras 3 changed one, the table below
 * says so (keras/src/layers/rnn/gru.py: `reset_after=True`).
 */
import { parseInitializer } from '../initializers';
import { getSpec } from '../layers';
import { KERAS_OPERATIONS } from '../layers/operations';
import { fillDefaults } from '../layers/registry';
import type { FieldSpec } from '../layers/spec';
import { UserError, type Json, type JsonObject } from '../types';
import { pyNum, pyStr, pyValue } from './python';

/** Keras 3 defaults that differ from the catalog's (Keras 2) ones. */
const KERAS3_DEFAULTS: Record<string, Record<string, Json>> = {
  GRU: { reset_after: true },
};

/** Config keys Keras 3 renamed: config key -> constructor argument. */
const RENAMED: Record<string, Record<string, string>> = {
  LeakyReLU: { alpha: 'negative_slope' },
};

/**
 * Keras 2 arguments Keras 3 no longer takes, which do not change what the layer computes: `implementation`
 * picks a kernel, `input_length` repeats the input shape. (`time_major` does change it; the analysis refuses it.)
 */
const DROPPED = new Set(['implementation', 'input_length', 'time_major']);

/** Arguments Keras' constructors take by position, in order (always written: some have no Keras 3 default). */
const POSITIONAL: Record<string, readonly string[]> = {
  Cast: ['dtype'],
  AveragePooling1D: ['pool_size'],
  AveragePooling2D: ['pool_size'],
  AveragePooling3D: ['pool_size'],
  Dot: ['axes'],
  Dense: ['units'],
  Conv1D: ['filters', 'kernel_size'],
  Conv2D: ['filters', 'kernel_size'],
  Conv3D: ['filters', 'kernel_size'],
  Conv2DTranspose: ['filters', 'kernel_size'],
  SeparableConv1D: ['filters', 'kernel_size'],
  SeparableConv2D: ['filters', 'kernel_size'],
  DepthwiseConv2D: ['kernel_size'],
  Dropout: ['rate'],
  Activation: ['activation'],
  Reshape: ['target_shape'],
  Permute: ['dims'],
  RepeatVector: ['n'],
  Embedding: ['input_dim', 'output_dim'],
  SimpleRNN: ['units'],
  LSTM: ['units'],
  GRU: ['units'],
  Bidirectional: ['layer'],
  TimeDistributed: ['layer'],
};

const isObj = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const sameJson = (a: Json | undefined, b: Json | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function dtypeName(v: Json | undefined): string | null {
  if (typeof v === 'string') return v;
  if (isObj(v) && isObj(v.config) && typeof v.config.name === 'string') return v.config.name;
  return null;
}

function isDefault(f: FieldSpec, v: Json | undefined, def: Json): boolean {
  switch (f.type) {
    case 'activation':
      return (v ?? 'linear') === (def ?? 'linear') || ((v === null || v === 'linear') && (def === null || def === 'linear'));
    case 'initializer': {
      const a = parseInitializer(v ?? null, '');
      const b = parseInitializer(def, '');
      const unset = (c: JsonObject) => Object.values(c).every((x) => x === null);
      return a.name === b.name && (sameJson(a.config, b.config) || (unset(a.config) && unset(b.config)));
    }
    case 'ints': {
      const arr = (x: Json | undefined) => (Array.isArray(x) ? x : [x ?? null]);
      const av = arr(v);
      const bv = arr(def);
      const n = Math.max(av.length, bv.length);
      return [...Array(n).keys()].every((i) => (av.length === 1 ? av[0] : av[i]) === (bv.length === 1 ? bv[0] : bv[i]));
    }
    default:
      if (f.name === 'data_format') return (v ?? 'channels_last') === (def ?? 'channels_last');
      if (f.name === 'dtype') return dtypeName(v ?? null) === null || dtypeName(v ?? null) === 'float32';
      return sameJson(v, def);
  }
}

/** `keras.initializers.HeNormal(seed=1)`, or the short name when its config is unset. */
function objectRef(module: string, v: Json, snakeWhenPlain: boolean): string {
  if (typeof v === 'string') return pyStr(v);
  if (!isObj(v) || typeof v.class_name !== 'string') return pyValue(v);
  const cfg = isObj(v.config) ? v.config : {};
  const set = Object.entries(cfg).filter(([, x]) => x !== null);
  if (snakeWhenPlain && set.length === 0) return pyStr(parseInitializer(v, '').name);
  return `keras.${module}.${v.class_name}(${set.map(([k, x]) => `${k}=${pyValue(x, typeof x === 'number')}`).join(', ')})`;
}

function renderValue(f: FieldSpec, v: Json): string {
  switch (f.type) {
    case 'initializer':
      return objectRef('initializers', v, true);
    case 'regularizer':
      return objectRef('regularizers', v, false);
    case 'constraint':
      return objectRef('constraints', v, false);
    case 'layer':
      if (!isObj(v) || typeof v.class_name !== 'string') throw new UserError(`A wrapper's "${f.name}" is not a layer config.`, 'Pick the wrapped layer again in the properties panel.', 'codegen-bad-layer');
      return kerasLayerExpr(v.class_name, isObj(v.config) ? v.config : {}, isObj(v.config) && typeof v.config.name === 'string' ? v.config.name : undefined);
    case 'ints':
      if (Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0]) && typeof v[0] === 'number') return pyNum(v[0]);
      return pyValue(v);
    case 'float':
      return pyValue(v, true);
    default:
      if (f.name === 'dtype') return pyStr(dtypeName(v) ?? 'float32');
      return pyValue(v);
  }
}

/** The constructor arguments of a layer that differ from Keras 3's defaults, as `name=value` (or positional) strings. */
export function kerasLayerArgs(className: string, config: JsonObject): string[] {
  const spec = getSpec(className);
  if (!spec) throw new UserError(`Layer class ${className} is not in the catalog.`, 'Replace it with a catalog layer before exporting code.', 'codegen-unknown-layer');
  const filled = fillDefaults(spec, config);
  const positional = POSITIONAL[className] ?? [];
  const pos: string[] = [];
  const named: string[] = [];
  for (const f of spec.fields) {
    const v = filled[f.name];
    const def = KERAS3_DEFAULTS[className]?.[f.name] ?? f.default;
    const at = positional.indexOf(f.name);
    if (at >= 0 && at === pos.length) {
      pos.push(renderValue(f, v ?? null));
      continue;
    }
    if (DROPPED.has(f.name) || isDefault(f, v, def)) continue;
    // Pooling strides equal to the pool size are Keras' default (`strides=None`).
    if (f.name === 'strides' && /Pooling/.test(className) && isDefault(f, v, filled.pool_size ?? null)) continue;
    named.push(`${RENAMED[className]?.[f.name] ?? f.name}=${renderValue(f, v ?? null)}`);
  }
  return [...pos, ...named];
}

/**
 * A Keras operation called on `arg`, `keras.ops.sum(x, axis=-1, keepdims=True)`: keras.ops functions take no
 * name, so Keras names the recorded node after the function (sum, sum_1...); an operation has no weights.
 */
export function kerasOperationCall(className: string, config: JsonObject, arg: string): string {
  const op = KERAS_OPERATIONS[className]!;
  return `keras.ops.${op.fn}(${[arg, ...kerasLayerArgs(className, config)].join(', ')})`;
}

/** `layers.Dense(4, activation="relu", name="dense")`. */
export function kerasLayerExpr(className: string, config: JsonObject, name: string | undefined): string {
  const args = kerasLayerArgs(className, config);
  if (name !== undefined) args.push(`name=${pyStr(name)}`);
  return `layers.${className}(${args.join(', ')})`;
}
