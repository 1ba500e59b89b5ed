/**
 * The checks of a training configuration, with the engine's rules. Both sides of the webview boundary use
 * them: the Training panel shows the problems inline, the host refuses a config that does not pass.
 */
import { isJson, isObj } from '../guards';
import { callbackParts, CALLBACKS, LR_SCHEDULES, monitorChoices } from './callbacks';
import { isDevicesChoice } from './cluster';
import { LOSSES, METRICS, MIXED_PRECISION_POLICIES, OPTIMIZER_BASE_PARAMS, OPTIMIZER_DEFAULTS, OPTIMIZER_INERT_PARAMS, type OptimizerName, type TrainingConfig } from './config';
import { outputMetricKeys } from './metricNames';
import { DATASET_KINDS, DATASET_PATH_KINDS, SAMPLE_WEIGHT, splitDataSpec, type DatasetKind } from './dataSpec';
import { outputMonitorKeys } from './outputs';

/** Problems by field key ('dataset.path', 'batchSize', 'optimizer.learning_rate', 'EarlyStopping.patience', ...). */
export type ConfigErrors = Record<string, string>;

type Rule = { int?: boolean; min?: number; minExclusive?: boolean; max?: number; maxExclusive?: boolean };

function checkNumber(v: unknown, r: Rule): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
  if (r.int && !Number.isInteger(v)) return 'must be a whole number';
  if (r.min !== undefined && (r.minExclusive ? !(v > r.min) : !(v >= r.min))) return r.minExclusive ? `must be above ${r.min}` : `must be at least ${r.min}`;
  if (r.max !== undefined && (r.maxExclusive ? !(v < r.max) : !(v <= r.max))) return r.maxExclusive ? `must be below ${r.max}` : `must be at most ${r.max}`;
  return undefined;
}

/** A problem with what the field means, so the fix is clear ("must be above 0 (a fraction of ...)"). */
const hinted = (problem: string | undefined, hint: string) => problem && `${problem} (${hint})`;

/** Keras' valid ranges for each optimizer hyper-parameter (keras/src/optimizers/*.py). */
const OPTIMIZER_RULES: Record<string, Rule | 'bool'> = {
  learning_rate: { min: 0, minExclusive: true },
  momentum: { min: 0, max: 1, maxExclusive: true },
  rho: { min: 0, max: 1, maxExclusive: true },
  beta_1: { min: 0, max: 1, maxExclusive: true },
  beta_2: { min: 0, max: 1, maxExclusive: true },
  epsilon: { min: 0, minExclusive: true },
  initial_accumulator_value: { min: 0 },
  weight_decay: { min: 0 },
  clipnorm: { min: 0, minExclusive: true },
  clipvalue: { min: 0, minExclusive: true },
  global_clipnorm: { min: 0, minExclusive: true },
  nesterov: 'bool',
  centered: 'bool',
  amsgrad: 'bool',
};

/** Arguments the form edits per callback, with their ranges (keras/src/callbacks/*.py). Others are kept as read. */
const CALLBACK_RULES: Record<string, Record<string, Rule | 'bool' | 'monitor'>> = {
  EarlyStopping: { monitor: 'monitor', min_delta: { min: 0 }, patience: { int: true, min: 0 }, restore_best_weights: 'bool', start_from_epoch: { int: true, min: 0 } },
  ModelCheckpoint: { monitor: 'monitor' },
  ReduceLROnPlateau: { monitor: 'monitor', factor: { min: 0, minExclusive: true, max: 1, maxExclusive: true }, patience: { int: true, min: 0 }, min_delta: { min: 0 }, cooldown: { int: true, min: 0 }, min_lr: { min: 0 } },
  StepDecay: { factor: { min: 0, minExclusive: true, max: 1 }, step_size: { int: true, min: 1 } },
  ExponentialDecay: { decay_steps: { int: true, min: 1 }, decay_rate: { min: 0, minExclusive: true, max: 1 }, staircase: 'bool' },
  Histograms: { freq: { int: true, min: 1 } },
  TerminateOnNaN: {},
  TensorBoard: { histogram_freq: { int: true, min: 0 } },
};

/**
 * Checks a training configuration with the engine's rules; the result maps field keys to problems and is
 * empty when the configuration can be saved. The engine checks again when a run starts (data, shapes).
 */
export function checkTrainingConfig(t: TrainingConfigLike): ConfigErrors {
  const e: ConfigErrors = {};
  if (t.rl !== undefined && !isObj(t.rl)) e.rl = 'must be the reinforcement-learning settings (an object)';
  // A reinforcement-learning run learns from its environment (core/rl), not from a dataset.
  if (typeof t.dataset !== 'string' || t.dataset.trim() === '') {
    if (!t.rl) e['dataset.kind'] = 'choose a dataset';
  } else {
    const d = splitDataSpec(t.dataset);
    if (!DATASET_KINDS.includes(d.kind as DatasetKind)) e['dataset.kind'] = `unknown dataset "${d.kind}"`;
    else if (DATASET_PATH_KINDS.includes(d.kind as DatasetKind)) {
      if (d.path.trim() === '') e['dataset.path'] = d.kind === 'images' ? 'enter a folder' : 'enter a file';
      else if (d.kind === 'npy' && ![2, 3].includes(d.path.split(',').length)) e['dataset.path'] = 'enter two files: X.npy,Y.npy (a third: sample weights)';
      else if (/[?&]/.test(d.path)) e['dataset.path'] = 'a path here may not contain ? or &';
    }
    if (d.options.label !== undefined && d.options.label.trim() === '') e['dataset.label'] = 'enter a column name or index';
    if (d.options[SAMPLE_WEIGHT.csvOption]?.trim() === '') e['dataset.options'] = `${SAMPLE_WEIGHT.csvOption}= needs a column name or index`;
  }
  if (t.target !== undefined && t.target !== 'labels' && t.target !== 'input') e.target = 'must be labels or input';
  checkOptimizer(t.optimizer, e);
  checkLoss(t, '', e);
  const metrics = Array.isArray(t.metrics) ? t.metrics : [];
  Object.assign(e, outputsProblems(t));
  const put = (k: string, p: string | undefined) => {
    if (p) e[k] = p;
  };
  put('epochs', checkNumber(t.epochs, { int: true, min: 1, max: 1_000_000 }));
  put('batchSize', checkNumber(t.batchSize, { int: true, min: 1, max: 1_000_000 }));
  put('validationSplit', checkNumber(t.validationSplit, { min: 0, max: 1, maxExclusive: true }));
  if (t.stepsPerEpoch !== undefined) put('stepsPerEpoch', hinted(checkNumber(t.stepsPerEpoch, { int: true, min: 1 }), 'batches per epoch; leave it empty for the whole data'));
  if (t.subset !== undefined) put('subset', hinted(checkNumber(t.subset, { min: 0, minExclusive: true, max: 1 }), 'a fraction of the training rows, e.g. 0.1 for a tenth; 1 for all'));
  if (typeof t.shuffle !== 'boolean') e.shuffle = 'must be true or false';
  if (t.devices !== undefined && !isDevicesChoice(t.devices)) e.devices = 'enter all, or a whole number of at least 1';
  if (t.mixedPrecision !== undefined && !MIXED_PRECISION_POLICIES.includes(t.mixedPrecision as never)) e.mixedPrecision = `choose ${MIXED_PRECISION_POLICIES.join(' or ')}, or leave it off`;
  if (t.initialEpoch !== undefined) {
    put('initialEpoch', checkNumber(t.initialEpoch, { int: true, min: 0 }));
    if (!e.initialEpoch && !e.epochs && (t.initialEpoch as number) >= (t.epochs as number)) e.initialEpoch = 'must be below epochs';
  }
  if (t.callbacks !== undefined && !Array.isArray(t.callbacks)) e.callbacks = 'must be a list';
  const monitors = monitorChoices([...metrics.filter((m): m is string => typeof m === 'string'), ...outputMonitorKeys(t)]);
  const seen = new Set<string>();
  for (const c of Array.isArray(t.callbacks) ? t.callbacks : []) {
    if (!isObj(c)) {
      e.callbacks = 'each callback must be an object';
      continue;
    }
    const { name, args } = callbackParts(c);
    const rules = CALLBACK_RULES[name];
    if (!rules) {
      e.callbacks = `unknown callback "${name}"; use ${CALLBACKS.join(', ')}`;
      continue;
    }
    if (seen.has(name)) e[name] = `${name} appears twice`;
    seen.add(name);
    for (const [k, rule] of Object.entries(rules)) {
      const v = args[k];
      if (v === undefined) continue;
      if (rule === 'monitor') put(`${name}.${k}`, typeof v === 'string' && monitors.includes(v) ? undefined : `choose one of ${monitors.join(', ')}`);
      else if (rule === 'bool') put(`${name}.${k}`, typeof v === 'boolean' ? undefined : 'must be true or false');
      else put(`${name}.${k}`, checkNumber(v, rule));
    }
  }
  if (LR_SCHEDULES.filter((s) => seen.has(s)).length > 1) e.schedule = 'use one learning-rate schedule';
  return e;
}

/** The optimizer's name and settings (Keras' names; inert Keras settings pass, unimplemented ones are named). */
function checkOptimizer(opt: unknown, e: ConfigErrors): void {
  if (!isObj(opt) || typeof opt.name !== 'string' || !(opt.name in OPTIMIZER_DEFAULTS)) e.optimizer = `choose one of ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')}`;
  else {
    const allowed = OPTIMIZER_DEFAULTS[opt.name as OptimizerName];
    const params = isObj(opt.params) ? opt.params : {};
    for (const [k, v] of Object.entries(params)) {
      if (k in OPTIMIZER_INERT_PARAMS) {
        const unsupported = OPTIMIZER_INERT_PARAMS[k](v);
        if (unsupported) e[`optimizer.${k}`] = `${unsupported} is not implemented by the tfjs engine: remove it`;
        continue;
      }
      if (!(k in allowed) && !(OPTIMIZER_BASE_PARAMS as readonly string[]).includes(k)) {
        e[`optimizer.${k}`] = `${opt.name} has no setting ${k}`;
        continue;
      }
      const rule = OPTIMIZER_RULES[k];
      const problem = rule === 'bool' ? (typeof v === 'boolean' ? undefined : 'must be true or false') : checkNumber(v, rule ?? {});
      if (problem) e[`optimizer.${k}`] = problem;
    }
    if (params.learning_rate === undefined) e['optimizer.learning_rate'] = 'enter a learning rate';
    const clips = ['clipnorm', 'clipvalue', 'global_clipnorm'].filter((k) => params[k] !== undefined);
    if (clips.length > 1) e[`optimizer.${clips[1]}`] = `only one of clipnorm, clipvalue and global_clipnorm can be set (${clips.join(' and ')} are)`;
  }
}

/**
 * A loss, its arguments and its metrics, for the whole model (`prefix` '') or one output (`outputs.NAME.`):
 * each argument only on the losses that take it, in range.
 */
function checkLoss(t: { loss?: unknown; lossOptions?: unknown; metrics?: unknown }, prefix: string, e: ConfigErrors): void {
  if (!LOSSES.includes(t.loss as (typeof LOSSES)[number])) e[`${prefix}loss`] = `choose one of ${LOSSES.join(', ')}`;
  const metrics = Array.isArray(t.metrics) ? t.metrics : [];
  if (!Array.isArray(t.metrics) || metrics.some((m) => !METRICS.includes(m as (typeof METRICS)[number]))) e[`${prefix}metrics`] = `use ${METRICS.join(', ')}`;
  else if (new Set(metrics).size !== metrics.length) e[`${prefix}metrics`] = 'each metric once';
  const lo = t.lossOptions;
  if (lo === undefined) return;
  const k = `${prefix}lossOptions`;
  if (!isObj(lo)) {
    e[k] = 'must be an object';
    return;
  }
  if (lo.from_logits !== undefined && typeof lo.from_logits !== 'boolean') e[`${k}.from_logits`] = 'must be true or false';
  else if (lo.from_logits !== undefined && !String(t.loss).endsWith('crossentropy')) e[`${k}.from_logits`] = 'only the crossentropy losses take from_logits';
  if (lo.label_smoothing !== undefined) {
    if (!['binary_crossentropy', 'categorical_crossentropy', 'categorical_focal_crossentropy'].includes(String(t.loss))) e[`${k}.label_smoothing`] = 'only binary, categorical and focal crossentropy take label_smoothing';
    else {
      const p = checkNumber(lo.label_smoothing, { min: 0, max: 1 });
      if (p) e[`${k}.label_smoothing`] = p;
    }
  }
  if (lo.delta !== undefined) {
    if (t.loss !== 'huber') e[`${k}.delta`] = 'only the huber loss takes delta';
    else {
      const p = checkNumber(lo.delta, { min: 0, minExclusive: true });
      if (p) e[`${k}.delta`] = p;
    }
  }
}

/** Per-output losses (Keras' `compile(loss={...}, loss_weights={...}, metrics={...})`), keyed by output name. */
function checkOutputs(outputs: unknown, e: ConfigErrors): void {
  if (outputs === undefined) return;
  if (!isObj(outputs)) {
    e.outputs = 'must map each output layer to its loss';
    return;
  }
  for (const [name, o] of Object.entries(outputs)) {
    const prefix = `outputs.${name}.`;
    if (!isObj(o)) {
      e[`outputs.${name}`] = 'must be an object with loss and metrics';
      continue;
    }
    checkLoss(o, prefix, e);
    // Keras multiplies the output's loss by its weight (keras/src/trainers/compile_utils.py CompileLoss).
    if (o.lossWeight !== undefined) {
      const p = checkNumber(o.lossWeight, { min: 0 });
      if (p) e[`${prefix}lossWeight`] = p;
    }
  }
}

/**
 * Which data array feeds each model input / is each output's target: layer name -> array name, or for a CSV a
 * group of columns joined by + (engine/datasets/csvGroups.ts).
 */
function checkDataMap(map: unknown, e: ConfigErrors): void {
  if (map === undefined) return;
  if (!isObj(map)) {
    e.dataMap = 'must map layer names to array names';
    return;
  }
  for (const [name, v] of Object.entries(map)) {
    if (typeof v !== 'string' || v.trim() === '') e[`dataMap.${name}`] = 'enter the name of an array in the data';
    else if (/[?&=]/.test(v)) e[`dataMap.${name}`] = 'an array name may not contain ? & or =';
    else if (v.includes('+') && v.split('+').some((c) => c.trim() === '')) e[`dataMap.${name}`] = 'a group of CSV columns needs a column between each + (e.g. a+b+c)';
  }
}

/**
 * The per-output losses and the data map as received, by field key (`outputs.<name>.loss`, `dataMap.<layer>`);
 * with the model's `layers`, names that are not its outputs (or inputs) are problems too. The Training panel's
 * Apply checks without layers; a training job checks with them before any data is read.
 */
export function outputsProblems(t: { outputs?: unknown; dataMap?: unknown }, layers?: { inputs: readonly string[]; outputs: readonly string[] }): ConfigErrors {
  const e: ConfigErrors = {};
  checkOutputs(t.outputs, e);
  checkDataMap(t.dataMap, e);
  if (!layers) return e;
  if (isObj(t.outputs)) {
    for (const name of Object.keys(t.outputs)) {
      if (!layers.outputs.includes(name)) e[`outputs.${name}`] = `"${name}" is not an output of this model; its outputs are ${layers.outputs.join(', ')}`;
    }
  }
  if (isObj(t.dataMap)) {
    const known = [...layers.inputs, ...layers.outputs];
    for (const layer of Object.keys(t.dataMap)) {
      if (!known.includes(layer)) e[`dataMap.${layer}`] = `"${layer}" is not an input or output of this model; they are ${known.join(', ')}`;
    }
  }
  return e;
}

/** A training config as received (unchecked). */
export type TrainingConfigLike = { [K in keyof TrainingConfig]?: unknown };

/**
 * Structure and rules together: the config when it is a complete, valid TrainingConfig, else the problems.
 * Unknown top-level keys are dropped so nothing but a training config reaches the model file.
 */
export function parseTrainingConfig(v: unknown): { config: TrainingConfig; errors?: undefined } | { config?: undefined; errors: ConfigErrors } {
  if (!isObj(v) || !isJson(v, 32, 1000)) return { errors: { '': 'not a training configuration' } };
  const errors = checkTrainingConfig(v as TrainingConfigLike);
  if (Object.keys(errors).length > 0) return { errors };
  const t = v as unknown as TrainingConfig;
  const config: TrainingConfig = {
    dataset: t.dataset,
    target: t.target ?? 'labels',
    optimizer: { name: t.optimizer.name, params: { ...t.optimizer.params } },
    loss: t.loss,
    metrics: [...t.metrics],
    epochs: t.epochs,
    batchSize: t.batchSize,
    validationSplit: t.validationSplit,
    shuffle: t.shuffle,
  };
  if (t.initialEpoch !== undefined) config.initialEpoch = t.initialEpoch;
  if (t.callbacks !== undefined) config.callbacks = structuredClone(t.callbacks);
  if (t.outputs !== undefined) config.outputs = structuredClone(t.outputs);
  if (t.dataMap !== undefined) config.dataMap = { ...t.dataMap };
  // Its settings are checked against the model where the model is known (the form, the trainer: checkRlConfig).
  if (t.rl !== undefined) config.rl = structuredClone(t.rl);
  return { config };
}

/** The first problem as one line (for a refused edit). */
export function firstProblem(errors: ConfigErrors): string {
  const [k, msg] = Object.entries(errors)[0] ?? ['', 'invalid'];
  return k ? `${k}: ${msg}` : msg;
}
