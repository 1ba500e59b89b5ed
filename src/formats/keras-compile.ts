/**
 * Keras' compile arguments in model files, both ways:
 * - reading: a `.keras` `compile_config` (keras/src/trainers/trainer.py `get_compile_config`) or an `.h5` /
 *   TF.js `training_config` (keras/src/legacy/saving/saving_utils.py `model_metadata`) becomes the model's
 *   training configuration (`userDefinedMetadata.modelStudio.training`: optimizer, loss, metrics), with a note
 *   for what Model Studio cannot take over;
 * - writing: a `.keras` gets the `compile_config` of the model's training configuration, so
 *   `keras.saving.load_model` returns a model compiled with our optimizer, loss and metrics.
 */
import {
  LOSSES,
  METRICS,
  OPTIMIZER_DEFAULTS,
  defaultTrainingConfig,
  kerasTrainingConfig,
  trainingConfigOf,
  type LossOptions,
  type OptimizerName,
  type OutputTraining,
  type TrainingConfig,
} from '../core/training/config';
import type { Json, JsonObject, ModelFile } from '../core/types';
import { isJsonObject } from './format';

/** Keras' short names and class names of losses and metrics, lower-cased without underscores. */
const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  kld: 'kl_divergence',
  kldivergence: 'kl_divergence',
  kullbackleiblerdivergence: 'kl_divergence',
  huberloss: 'huber',
  logcosh: 'log_cosh',
  acc: 'accuracy',
  meanabsoluteerror: 'mae',
  meansquarederror: 'mse',
};

const squash = (s: string): string => s.replace(/_/g, '').toLowerCase();

/** A Keras identifier or class name (`'mse'`, `'MeanSquaredError'`) as one of `known`, or undefined. */
function resolveName(name: string, known: readonly string[]): string | undefined {
  const sq = squash(name);
  const alias = ALIASES[sq];
  if (alias && known.includes(alias)) return alias;
  return known.find((k) => squash(k) === sq);
}

/** Keras stores float32 values as their float64 expansion (0.009999999776482582): the shortest decimal back. */
function float32Decimal(v: number): number {
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === Math.fround(v)) return d;
  }
  return v;
}

function readOptimizer(v: Json | undefined, notes: string[]): TrainingConfig['optimizer'] | undefined {
  const cls = typeof v === 'string' ? v : isJsonObject(v) && typeof v.class_name === 'string' ? v.class_name : undefined;
  if (!cls) return undefined;
  const name = Object.keys(OPTIMIZER_DEFAULTS).find((k) => squash(k) === squash(cls)) as OptimizerName | undefined;
  if (!name) {
    notes.push(`the file's optimizer ${cls} is not one Model Studio trains with; the default optimizer is used`);
    return undefined;
  }
  const defaults = OPTIMIZER_DEFAULTS[name];
  const params = { ...defaults };
  const cfg = isJsonObject(v) && isJsonObject(v.config) ? v.config : {};
  const lr = cfg.learning_rate ?? cfg.lr;
  for (const [k, x] of Object.entries({ ...cfg, learning_rate: lr ?? null })) {
    if (!(k in defaults)) continue;
    if (typeof x === 'number' && typeof defaults[k] === 'number') params[k] = float32Decimal(x);
    else if (typeof x === 'boolean' && typeof defaults[k] === 'boolean') params[k] = x;
    else if (k === 'learning_rate' && isJsonObject(x)) notes.push(`the file's learning-rate schedule (${String(x.class_name)}) is not taken over; the learning rate is ${params[k]}`);
  }
  return { name, params };
}

function readLoss(v: Json | undefined, notes: string[]): { loss: string; lossOptions?: LossOptions } | undefined {
  if (v === undefined || v === null) return undefined;
  const cls = typeof v === 'string' ? v : isJsonObject(v) && typeof v.class_name === 'string' ? v.class_name : undefined;
  if (!cls) {
    notes.push('the file\'s loss is neither a name, a loss object nor one per output; the default loss is used');
    return undefined;
  }
  const loss = resolveName(cls, LOSSES);
  if (!loss) {
    notes.push(`the file's loss ${cls} is not one Model Studio trains with; the default loss is used`);
    return undefined;
  }
  const cfg = isJsonObject(v) && isJsonObject(v.config) ? v.config : {};
  const lossOptions: LossOptions = {};
  if (typeof cfg.from_logits === 'boolean') lossOptions.from_logits = cfg.from_logits;
  if (typeof cfg.delta === 'number') lossOptions.delta = cfg.delta;
  return Object.keys(lossOptions).length ? { loss, lossOptions } : { loss };
}

/** A loss per output: `{output_name: loss}` (a serialized loss object has class_name instead). */
function isPerOutput(v: Json | undefined): v is JsonObject {
  return isJsonObject(v) && typeof v.class_name !== 'string' && Object.keys(v).length > 0;
}

/** Metric names from Keras' forms: strings, serialized metric objects, nested lists (tf.keras per output). */
function readMetrics(v: Json | undefined, notes: string[]): string[] {
  const out: string[] = [];
  const visit = (m: Json): void => {
    if (Array.isArray(m)) return m.forEach(visit);
    const cfg = isJsonObject(m) && isJsonObject(m.config) ? m.config : {};
    const name = typeof m === 'string' ? m : isJsonObject(m) ? (m.class_name === 'MeanMetricWrapper' && typeof cfg.name === 'string' ? cfg.name : String(m.class_name)) : String(m);
    const known = resolveName(name, METRICS);
    if (known) {
      if (!out.includes(known)) out.push(known);
    } else notes.push(`the file's metric ${name} is not one Model Studio computes; it is left out`);
  };
  if (v !== undefined && v !== null) visit(v);
  return out;
}

/** The training configuration a Keras `compile_config` / `training_config` describes, and what was left out. */
export function trainingFromKeras(cfg: JsonObject): { training: Partial<TrainingConfig>; notes: string[] } {
  const notes: string[] = [];
  const training: Partial<TrainingConfig> = {};
  const opt = readOptimizer(cfg.optimizer ?? cfg.optimizer_config, notes);
  if (opt) training.optimizer = opt;
  if (isPerOutput(cfg.loss)) {
    // Keras' compile(loss={name: ...}, loss_weights={name: w}, metrics={name: [...]}): our per-output settings.
    const outputs: Record<string, OutputTraining> = {};
    for (const [name, v] of Object.entries(cfg.loss)) {
      const loss = readLoss(v, notes) ?? { loss: defaultTrainingConfig().loss };
      const w = isJsonObject(cfg.loss_weights) ? cfg.loss_weights[name] : undefined;
      const metrics = readMetrics(isJsonObject(cfg.metrics) ? cfg.metrics[name] : undefined, notes);
      outputs[name] = { ...loss, metrics, ...(typeof w === 'number' && w !== 1 ? { lossWeight: w } : {}) };
    }
    const first = Object.values(outputs)[0];
    if (first) Object.assign(training, { loss: first.loss, ...(first.lossOptions ? { lossOptions: first.lossOptions } : {}), metrics: [], outputs });
    return { training, notes };
  }
  const loss = readLoss(cfg.loss, notes);
  if (loss) Object.assign(training, loss);
  training.metrics = readMetrics(cfg.metrics, notes);
  return { training, notes };
}

/**
 * A file read from Keras: when it carries Keras' compile arguments and no training configuration of ours, they
 * become its training configuration (as the model would train in Keras), with notes for what was left out.
 */
export function adoptKerasTraining(file: ModelFile): ModelFile {
  if (!isJsonObject(file.trainingConfig) || trainingConfigOf(file.userDefinedMetadata)) return file;
  const { training, notes } = trainingFromKeras(file.trainingConfig);
  const udm: JsonObject = structuredClone(file.userDefinedMetadata ?? {});
  const ms = isJsonObject(udm.modelStudio) ? udm.modelStudio : {};
  udm.modelStudio = { ...ms, training: training as unknown as JsonObject };
  const all = [...(file.notes ?? []), ...notes.map((n) => `training configuration: ${n}`)];
  return { ...file, userDefinedMetadata: udm, ...(all.length ? { notes: all } : {}) };
}

/** Keras 3's `{module, class_name, config, registered_name}` of a Keras 2-style `{class_name, config}`. */
function keras3Object(module: string, v: Json): Json {
  if (!isJsonObject(v) || typeof v.class_name !== 'string') return v;
  return { module, class_name: v.class_name, config: (v.config ?? {}) as Json, registered_name: null };
}

/** The `.keras` `compile_config` of a model, or undefined when it has no training configuration. */
export function kerasCompileConfig(file: ModelFile): JsonObject | undefined {
  const ours = trainingConfigOf(file.userDefinedMetadata);
  const tc = ours ? kerasTrainingConfig(ours, file.graph.outputs) : file.trainingConfig;
  if (!isJsonObject(tc)) return undefined;
  if (isJsonObject(tc.optimizer) || typeof tc.optimizer === 'string') return tc; // already a compile_config
  const opt = isJsonObject(tc.optimizer_config) ? tc.optimizer_config : undefined;
  const optimizer = opt && typeof opt.class_name === 'string' ? keras3Object('keras.optimizers', { class_name: opt.class_name, config: { name: opt.class_name.toLowerCase(), ...(isJsonObject(opt.config) ? opt.config : {}) } }) : 'rmsprop';
  return {
    optimizer,
    loss: keras3Object('keras.losses', tc.loss ?? null),
    loss_weights: tc.loss_weights ?? null,
    metrics: tc.metrics ?? null,
    weighted_metrics: tc.weighted_metrics ?? null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: true,
  };
}

/** The `.h5` / TF.js `training_config` of a model: ours when it has one, else the one it was read with. */
export function kerasLegacyTrainingConfig(file: ModelFile): JsonObject | null {
  const ours = trainingConfigOf(file.userDefinedMetadata);
  if (ours) return kerasTrainingConfig(ours, file.graph.outputs);
  return isJsonObject(file.trainingConfig) ? file.trainingConfig : null;
}
