/**
 * The Keras vocabulary that layer configs refer to: activation names, initializers, regularizers and
 * constraints, with the `{class_name, config}` form Keras 2 serializes them in (configs carry them that way,
 * e.g. `"kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}`).
 *
 * Sources: keras/initializers, keras/regularizers.py, keras/constraints.py (Keras 2.x) and
 * tfjs-layers src/{initializers,regularizers,constraints}.ts for the TF.js spellings.
 */
import type { Json, JsonObject } from '../types';

/** Activation names accepted by Keras 2/3 and TF.js (`relu6`, `mish`, `gelu` exist in Keras 3 / TF.js). */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'hard_sigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'softplus',
  'softsign',
  'selu',
  'elu',
  'exponential',
  'swish',
  'silu',
  'gelu',
  'mish',
] as const;

export interface VocabEntry {
  /** The snake_case name Keras accepts as a string, e.g. `glorot_uniform`. */
  name: string;
  /** The class name used in serialized configs, e.g. `GlorotUniform`. */
  className: string;
  /** Keras' default constructor config for that class. */
  config: JsonObject;
  /** Other class names that mean the same (TF.js spellings, Keras 1 aliases). */
  aliases?: string[];
}

export const INITIALIZERS: readonly VocabEntry[] = [
  { name: 'zeros', className: 'Zeros', config: {}, aliases: ['zero', 'Zero'] },
  { name: 'ones', className: 'Ones', config: {}, aliases: ['one', 'One'] },
  { name: 'constant', className: 'Constant', config: { value: 0 } },
  // Keras 2 `'uniform'` / `'normal'` are these two classes with their default ranges.
  { name: 'random_normal', className: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null }, aliases: ['normal'] },
  { name: 'random_uniform', className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null }, aliases: ['uniform'] },
  { name: 'truncated_normal', className: 'TruncatedNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  { name: 'glorot_normal', className: 'GlorotNormal', config: { seed: null } },
  { name: 'glorot_uniform', className: 'GlorotUniform', config: { seed: null } },
  { name: 'he_normal', className: 'HeNormal', config: { seed: null } },
  { name: 'he_uniform', className: 'HeUniform', config: { seed: null } },
  // TF.js spells these `LeCunNormal` / `LeCunUniform`.
  { name: 'lecun_normal', className: 'LecunNormal', config: { seed: null }, aliases: ['LeCunNormal'] },
  { name: 'lecun_uniform', className: 'LecunUniform', config: { seed: null }, aliases: ['LeCunUniform'] },
  { name: 'orthogonal', className: 'Orthogonal', config: { gain: 1, seed: null } },
  { name: 'identity', className: 'Identity', config: { gain: 1 } },
  {
    name: 'variance_scaling',
    className: 'VarianceScaling',
    config: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: null },
  },
];

/**
 * Regularizers. Keras 2.4+ serializes `l1`/`l2` as classes `L1`/`L2`, but TF.js only registers `L1L2`,
 * and both Keras 2 and 3 read `L1L2`: so we write `L1L2` for all three and read every spelling.
 */
export const REGULARIZERS: readonly VocabEntry[] = [
  { name: 'l1', className: 'L1L2', config: { l1: 0.01, l2: 0 }, aliases: ['L1'] },
  { name: 'l2', className: 'L1L2', config: { l1: 0, l2: 0.01 }, aliases: ['L2'] },
  { name: 'l1_l2', className: 'L1L2', config: { l1: 0.01, l2: 0.01 } },
];

export const CONSTRAINTS: readonly VocabEntry[] = [
  { name: 'max_norm', className: 'MaxNorm', config: { max_value: 2, axis: 0 }, aliases: ['maxnorm'] },
  { name: 'non_neg', className: 'NonNeg', config: {}, aliases: ['nonneg'] },
  { name: 'unit_norm', className: 'UnitNorm', config: { axis: 0 }, aliases: ['unitnorm'] },
  { name: 'min_max_norm', className: 'MinMaxNorm', config: { min_value: 0, max_value: 1, rate: 1, axis: 0 } },
];

export type VocabKind = 'initializer' | 'regularizer' | 'constraint';

const TABLES: Record<VocabKind, readonly VocabEntry[]> = {
  initializer: INITIALIZERS,
  regularizer: REGULARIZERS,
  constraint: CONSTRAINTS,
};

export function vocab(kind: VocabKind): readonly VocabEntry[] {
  return TABLES[kind];
}

/** The entry a string name or a serialized `{class_name}` object refers to, or undefined. */
export function lookupVocab(kind: VocabKind, value: Json): VocabEntry | undefined {
  const table = TABLES[kind];
  if (typeof value === 'string') {
    return table.find((e) => e.name === value || e.className === value || e.aliases?.includes(value));
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.class_name === 'string') {
    const cn = value.class_name;
    // L1/L2/L1L2 all share one class here; pick by the class spelling first, then by the aliases.
    return table.find((e) => e.aliases?.includes(cn)) ?? table.find((e) => e.className === cn || e.name === cn);
  }
  return undefined;
}

/** The Keras 2 serialized form, `{class_name, config}`, of a named initializer/regularizer/constraint. */
export function serializeVocab(kind: VocabKind, name: string): JsonObject {
  const e = TABLES[kind].find((x) => x.name === name);
  if (!e) throw new Error(`unknown ${kind} "${name}"`);
  return { class_name: e.className, config: structuredClone(e.config) };
}

/** The snake_case name of a stored value (string or `{class_name}`), for display; null when absent. */
export function vocabName(kind: VocabKind, value: Json): string | null {
  if (value === null || value === undefined) return null;
  const e = lookupVocab(kind, value);
  if (!e) return typeof value === 'string' ? value : String((value as JsonObject).class_name ?? '?');
  if (kind === 'regularizer' && value && typeof value === 'object' && !Array.isArray(value)) {
    // An L1L2 object is named by which of its factors are set.
    const c = (value.config ?? {}) as JsonObject;
    const l1 = Number(c.l1 ?? 0);
    const l2 = Number(c.l2 ?? 0);
    if (l1 && l2) return 'l1_l2';
    if (l1) return 'l1';
    if (l2) return 'l2';
  }
  return e.name;
}

export function isActivation(value: Json): boolean {
  return typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value);
}
