/**
 * Builders for the config fields the layer specs share, so each spec reads like Keras' constructor
 * signature. Field defaults are Keras' constructor defaults, in the serialized form configs carry.
 */
import type { Json } from '../types';
import type { FieldSpec, FieldType } from './spec';
import { serializeVocab } from './vocab';

type Check = (value: Json) => string | null;

/**
 * Extra value checks for fields whose FieldType cannot say enough (nested tuples, batch shapes). Keyed by
 * identity, and by content for a FieldSpec that was copied (e.g. sent to the webview in a message).
 */
const customChecks = new WeakMap<FieldSpec, Check>();
const checksByContent = new Map<string, Check>();
const contentKey = (f: Pick<FieldSpec, 'name' | 'type' | 'doc'>) => `${f.type}|${f.name}|${f.doc}`;

export function customCheck(f: FieldSpec): Check | undefined {
  return customChecks.get(f) ?? checksByContent.get(contentKey(f));
}

export function field(
  name: string,
  type: FieldType,
  def: Json,
  doc: string,
  extra: Partial<Omit<FieldSpec, 'name' | 'type' | 'default' | 'doc'>> & { check?: Check } = {},
): FieldSpec {
  const { check, ...rest } = extra;
  const f: FieldSpec = { name, type, default: def, doc, ...rest };
  if (check) {
    customChecks.set(f, check);
    checksByContent.set(contentKey(f), check);
  }
  return f;
}

/** A field Keras requires (no constructor default): `null` until set, flagged by validation. */
export function required(name: string, type: FieldType, doc: string, extra: Parameters<typeof field>[4] = {}): FieldSpec {
  return field(name, type, null, doc, extra);
}

export const f = {
  int: (name: string, def: Json, doc: string, extra: Parameters<typeof field>[4] = {}) => field(name, 'int', def, doc, extra),
  float: (name: string, def: Json, doc: string, extra: Parameters<typeof field>[4] = {}) => field(name, 'float', def, doc, extra),
  bool: (name: string, def: boolean, doc: string, extra: Parameters<typeof field>[4] = {}) => field(name, 'bool', def, doc, extra),
  enum: (name: string, def: Json, options: readonly string[], doc: string, extra: Parameters<typeof field>[4] = {}) =>
    field(name, 'enum', def, doc, { options, ...extra }),
  ints: (name: string, def: Json, length: number | undefined, doc: string, extra: Parameters<typeof field>[4] = {}) =>
    field(name, 'ints', def, doc, { length, min: 1, ...extra }),
  activation: (name = 'activation', def = 'linear', doc = 'Activation function applied to the output') =>
    field(name, 'activation', def, doc),
  initializer: (name: string, def: string, doc = 'How the weights start') =>
    field(name, 'initializer', serializeVocab('initializer', def), doc, { advanced: true }),
  regularizer: (name: string, doc = 'Penalty added to the loss') => field(name, 'regularizer', null, doc, { nullable: true, advanced: true }),
  constraint: (name: string, doc = 'Constraint applied after each update') =>
    field(name, 'constraint', null, doc, { nullable: true, advanced: true }),
};

/** `trainable` and `dtype`, which every Keras layer config has. */
export const baseFields: readonly FieldSpec[] = [
  f.bool('trainable', true, 'Whether training updates the weights (false: all weights are frozen)', { advanced: true }),
  // Keras 3.4+ writes a DTypePolicy object here; kept as JSON.
  field('dtype', 'json', 'float32', 'Compute dtype', { advanced: true, nullable: true, check: (v) => (typeof v === 'string' || (v !== null && typeof v === 'object' && !Array.isArray(v)) ? null : 'must be a dtype name such as "float32"') }),
];

export const dataFormatField = f.enum('data_format', 'channels_last', ['channels_last', 'channels_first'], 'Where the channels axis is: last (N, H, W, C) or first (N, C, H, W)');

export function paddingField(options: readonly string[] = ['valid', 'same']): FieldSpec {
  return f.enum('padding', 'valid', options, "'valid': no padding, the output shrinks; 'same': pad so output = ceil(input / stride)");
}

/** kernel/bias initializer, regularizer and constraint fields with Keras' defaults, in Keras' order. */
export function kernelBiasFields(kernelInit = 'glorot_uniform'): FieldSpec[] {
  return [
    f.initializer('kernel_initializer', kernelInit, 'How the kernel starts'),
    f.initializer('bias_initializer', 'zeros', 'How the bias starts'),
    f.regularizer('kernel_regularizer'),
    f.regularizer('bias_regularizer'),
    f.regularizer('activity_regularizer', 'Penalty on the layer output'),
    f.constraint('kernel_constraint'),
    f.constraint('bias_constraint'),
  ];
}
