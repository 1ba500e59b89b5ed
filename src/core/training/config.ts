/**
 * The training configuration saved with a model. Keras' own part (optimizer, loss, metrics) is written to
 * the file the way Keras does (`training_config` / TF.js `trainingConfig`); dataset and fit settings, which
 * Keras does not store, live in `userDefinedMetadata.modelStudio.training`.
 */
import type { RlConfig } from '../rl/config';
import type { Json, JsonObject, ModelFile } from '../types';

export type OptimizerName = 'sgd' | 'adagrad' | 'adadelta' | 'rmsprop' | 'adam' | 'adamax' | 'nadam' | 'adamw';

/** The losses the engine implements (src/engine/tfjs/training/losses.ts), by Keras name. */
export const LOSSES = [
  'mean_squared_error',
  'mean_absolute_error',
  'mean_absolute_percentage_error',
  'mean_squared_logarithmic_error',
  'huber',
  'log_cosh',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'categorical_focal_crossentropy',
  'kl_divergence',
  'poisson',
  'cosine_similarity',
  'hinge',
  'squared_hinge',
  'categorical_hinge',
] as const;
/** Metric names the engine resolves (src/engine/tfjs/training/metrics.ts `metricId`), as Keras' `metrics.get` spells them. */
export const METRICS = [
  'accuracy',
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'top_k_categorical_accuracy',
  'sparse_top_k_categorical_accuracy',
  'auc',
  'precision',
  'recall',
  'mae',
  'mse',
  'root_mean_squared_error',
] as const;

/**
 * Keras' mixed-precision policies (`keras.mixed_precision.set_global_policy`, keras/src/dtype_policies/
 * dtype_policy.py): compute in bfloat16 or float16, variables in float32. The keras engine only.
 */
export const MIXED_PRECISION_POLICIES = ['mixed_bfloat16', 'mixed_float16'] as const;
export type MixedPrecisionPolicy = (typeof MIXED_PRECISION_POLICIES)[number];

/** Keras loss arguments: `from_logits` and `label_smoothing` for the crossentropies, `delta` for huber, focal `alpha`/`gamma`. */
export interface LossOptions {
  from_logits?: boolean;
  label_smoothing?: number;
  delta?: number;
  alpha?: number;
  gamma?: number;
}

export interface OptimizerConfig {
  /** Keras' lower-case identifier. */
  name: OptimizerName;
  /** Hyper-parameters as Keras names them (learning_rate, momentum, nesterov, beta_1, ...). */
  params: { [key: string]: number | boolean };
}

/**
 * One output's part of compile for a model with several outputs: Keras' `compile(loss={name: ...},
 * loss_weights={name: w}, metrics={name: [...]})`, keyed by the output layer's name.
 */
export interface OutputTraining {
  loss: string;
  lossOptions?: LossOptions;
  metrics: string[];
  /** Keras' `loss_weights[name]`; absent: 1. */
  lossWeight?: number;
}

export interface TrainingConfig {
  /** A data spec: `xor`, `linear`, `mnist`, `fashion-mnist`, `csv:PATH`, `npz:PATH`, `images:DIR`, `text:PATH`. */
  dataset: string | null;
  /** How targets are made from the dataset: its labels, or the input itself (autoencoders). */
  target?: 'labels' | 'input';
  optimizer: OptimizerConfig;
  loss: string;
  lossOptions?: LossOptions;
  /** Keras metric names: accuracy, mae, mse, ... */
  metrics: string[];
  /** Keras' fit `class_weight`: class index -> weight of its samples in the training loss. */
  classWeight?: Record<string, number>;
  /**
   * Models with several outputs: each output layer's loss, loss weight and metrics, keyed by its name. Absent
   * (or for an output it does not name): `loss`, `lossOptions` and `metrics` above, weight 1.
   */
  outputs?: Record<string, OutputTraining>;
  /**
   * Models with several inputs or outputs: which array of the data feeds each model input / is the target of
   * each output, keyed by the layer's name (an npz key, or a csv column group `col1+col2+...`). Absent for a
   * layer: the array named like the layer.
   */
  dataMap?: Record<string, string>;
  /** Keras' fit `steps_per_epoch`: batches per epoch (the data continues where the previous epoch stopped). */
  stepsPerEpoch?: number;
  /** Train on the first FRACTION (0 < f <= 1) of the training rows, after the validation split is taken. */
  subset?: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  shuffle: boolean;
  initialEpoch?: number;
  /** Callbacks, by Keras name, with their Keras arguments. */
  callbacks?: JsonObject[];
  /** Reinforcement learning (src/core/rl/config.ts): set, the model learns from an environment, not a dataset. */
  rl?: RlConfig;
  /** Data-parallel over this machine's devices (keras engine, JAX); absent: one device. */
  devices?: number | 'all';
  /** Mixed precision (keras engine); absent: float32 throughout. */
  mixedPrecision?: MixedPrecisionPolicy;
}

/** Keras' defaults for each optimizer (keras/src/optimizers/*.py). */
export const OPTIMIZER_DEFAULTS: Record<OptimizerName, { [key: string]: number | boolean }> = {
  sgd: { learning_rate: 0.01, momentum: 0.0, nesterov: false },
  adagrad: { learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 },
  adadelta: { learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 },
  rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0.0, epsilon: 1e-7, centered: false },
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
  adamax: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
  nadam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
  adamw: { learning_rate: 0.001, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
};

/** Keras' class name of each optimizer, as `training_config` / `compile_config` write it. */
export const OPTIMIZER_CLASS_NAMES: Record<OptimizerName, string> = {
  sgd: 'SGD',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  rmsprop: 'RMSprop',
  adam: 'Adam',
  adamax: 'Adamax',
  nadam: 'Nadam',
  adamw: 'AdamW',
};

/**
 * Settings every Keras optimizer takes (keras/src/optimizers/base_optimizer.py), all off by default (None in
 * Keras): decoupled weight decay, and gradient clipping by norm, by value or by the global norm (one of the three).
 */
export const OPTIMIZER_BASE_PARAMS = ['weight_decay', 'clipnorm', 'clipvalue', 'global_clipnorm'] as const;

/**
 * Keras base-optimizer arguments a Keras file may carry that change nothing in training at their Keras
 * default (`lr` is Keras 2's learning_rate; Keras 3 ignores `decay`). The value maps to what is not
 * implemented, or undefined when the value is inert.
 */
export const OPTIMIZER_INERT_PARAMS: Record<string, (v: unknown) => string | undefined> = {
  lr: () => undefined,
  decay: () => undefined,
  // The loss is scaled and the gradients unscaled by the same factor: no change in float32.
  loss_scale_factor: () => undefined,
  ema_momentum: () => undefined,
  ema_overwrite_frequency: () => undefined,
  use_ema: (v) => (v === true ? 'use_ema (a moving average of the weights)' : undefined),
  gradient_accumulation_steps: (v) => (typeof v === 'number' && v > 1 ? 'gradient_accumulation_steps' : undefined),
};

/** The optimizer arguments Keras takes as floats (it refuses `learning_rate=1` or SGD's `momentum=0` as ints). */
export const OPTIMIZER_FLOAT_PARAMS: ReadonlySet<string> = new Set([
  'learning_rate',
  'momentum',
  'rho',
  'epsilon',
  'beta_1',
  'beta_2',
  'initial_accumulator_value',
  ...OPTIMIZER_BASE_PARAMS,
]);

export function defaultTrainingConfig(over: Partial<TrainingConfig> = {}): TrainingConfig {
  return {
    dataset: null,
    target: 'labels',
    optimizer: { name: 'adam', params: { ...OPTIMIZER_DEFAULTS.adam } },
    loss: 'mean_squared_error',
    metrics: [],
    epochs: 10,
    batchSize: 32,
    validationSplit: 0,
    shuffle: true,
    ...over,
  };
}

export function optimizer(name: OptimizerName, params: { [key: string]: number | boolean } = {}): OptimizerConfig {
  return { name, params: { ...OPTIMIZER_DEFAULTS[name], ...params } };
}

/** Read our training config from a model's metadata, if it has one. */
export function trainingConfigOf(meta: JsonObject | undefined): TrainingConfig | undefined {
  const ms = meta?.modelStudio;
  if (!ms || typeof ms !== 'object' || Array.isArray(ms)) return undefined;
  const t = (ms as JsonObject).training;
  if (!t || typeof t !== 'object' || Array.isArray(t)) return undefined;
  return defaultTrainingConfig(t as unknown as Partial<TrainingConfig>);
}

/**
 * A model file's metadata with a training configuration: ours in `userDefinedMetadata.modelStudio.training`
 * (other modelStudio keys, such as the layout, kept) and Keras' `training_config` beside it.
 */
export function withTraining<M extends Pick<ModelFile, 'trainingConfig' | 'userDefinedMetadata'>>(file: M, training: TrainingConfig): M {
  const udm: JsonObject = structuredClone(file.userDefinedMetadata ?? {});
  const ms = udm.modelStudio;
  const prev = ms && typeof ms === 'object' && !Array.isArray(ms) ? ms : {};
  udm.modelStudio = { ...prev, training: training as unknown as JsonObject };
  const outputs = (file as Partial<Pick<ModelFile, 'graph'>>).graph?.outputs;
  return { ...file, userDefinedMetadata: udm, trainingConfig: kerasTrainingConfig(training, outputs) };
}

/**
 * Keras' `training_config` for a model file (keras/src/saving/legacy/saving_utils.py `model_metadata`). A model
 * with several `outputNames` and per-output settings gets Keras' dicts keyed by output name, as
 * `compile(loss={...}, loss_weights={...}, metrics={...})` saves them; an output the settings do not name has
 * the model-wide loss and metrics, weight 1 (what our engines train it with).
 */
export function kerasTrainingConfig(t: TrainingConfig, outputNames?: readonly string[]): JsonObject {
  const className = OPTIMIZER_CLASS_NAMES[t.optimizer.name];
  const perOutput = t.outputs && outputNames && outputNames.length > 1 ? outputNames.map((n) => [n, t.outputs?.[n] ?? t] as const) : undefined;
  return {
    loss: perOutput ? Object.fromEntries(perOutput.map(([n, o]) => [n, kerasLoss(o)])) : kerasLoss(t),
    metrics: perOutput ? Object.fromEntries(perOutput.map(([n, o]) => [n, [...o.metrics]])) : t.metrics,
    weighted_metrics: null,
    loss_weights: perOutput ? Object.fromEntries(perOutput.map(([n]) => [n, t.outputs?.[n]?.lossWeight ?? 1])) : null,
    // Keras 3 refuses Keras 2's `lr` (learning_rate is always there).
    optimizer_config: { class_name: className, config: Object.fromEntries(Object.entries(t.optimizer.params).filter(([k]) => k !== 'lr')) },
  };
}

/**
 * A loss as Keras writes it in `training_config`: its name, or, with arguments, the serialized loss object
 * (`{class_name: "SparseCategoricalCrossentropy", config: {name, reduction, from_logits}}`).
 */
function kerasLoss(t: Pick<TrainingConfig, 'loss' | 'lossOptions'>): Json {
  const given = Object.entries(t.lossOptions ?? {}).filter(([, v]) => v !== undefined) as [string, Json][];
  if (given.length === 0) return t.loss;
  const className = t.loss === 'kl_divergence' ? 'KLDivergence' : t.loss.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  return { class_name: className, config: { name: t.loss, reduction: 'sum_over_batch_size', ...Object.fromEntries(given) } };
}
