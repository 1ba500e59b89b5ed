/**
 * The Training panel's form state ("draft") and its conversion to and from a TrainingConfig. The draft keeps
 * numbers as the text the user typed, so a half-typed or wrong value can be shown with its problem; a config
 * is built only from a draft without problems. The rules are the host's (`checkTrainingConfig`), so what the
 * form accepts is what the host accepts. Callback shapes are src/core/training/callbacks.ts':
 * `{ class_name, config }` with Keras' argument names.
 */
import {
  CALLBACK_DEFAULTS as KERAS_CALLBACK_DEFAULTS,
  callbackParts,
  checkTrainingConfig,
  defaultTrainingConfig,
  joinDataSpec,
  parseDevices,
  LR_SCHEDULES,
  OPTIMIZER_BASE_PARAMS,
  OPTIMIZER_DEFAULTS,
  splitDataSpec,
  type ConfigErrors,
  type ModelShapes,
  type MixedPrecisionPolicy,
  type OptimizerName,
  type ScheduleName,
  type TrainingConfig,
} from '../../src/core/training';
import type { JsonObject } from '../../src/core/types';
import { rlDraftFrom, rlFrom, type RlDraft } from './rlDraft';
import { dataMapFrom, lossDraftFrom, lossOptionsFrom, outputDraftsFrom, outputsFrom, type LossDraft, type ModelIo, type OutputDraft } from './outputsDraft';

type Args = Record<string, string | boolean>;

/** The model-wide loss and metrics are LossDraft's fields (outputsDraft.ts). */
export interface Draft extends LossDraft {
  dataset: { kind: string; path: string; label: string; options: string };
  target: NonNullable<TrainingConfig['target']>;
  optimizer: OptimizerName;
  /** The optimizer's hyper-parameters; numbers as typed. */
  params: Args;
  /** Models with several outputs: each output's loss, weight and metrics, by output name (outputsDraft.ts). */
  outputs: Record<string, OutputDraft>;
  /** Layer name -> data array, as typed ('' or the layer's own name: the default). */
  dataMap: Record<string, string>;
  epochs: string;
  batchSize: string;
  validationSplit: string;
  /** Keras' steps_per_epoch and the training subset as typed; '' for none (the whole data each epoch). */
  stepsPerEpoch: string;
  subset: string;
  shuffle: boolean;
  /** The keras engine's devices as typed: '' (one), 'all' or a number. */
  devices: string;
  /** A mixed-precision policy, or '' (off). */
  mixedPrecision: string;
  early: { on: boolean; args: Args };
  checkpoint: { on: boolean; args: Args };
  schedule: { name: ScheduleName | 'none'; args: Args };
  histograms: { on: boolean; args: Args };
  /** Reinforcement learning (./rlDraft.ts): on, the model learns from an environment instead of a dataset. */
  rl: RlDraft;
  /** What the form does not edit, kept as read: other callbacks, other arguments, initialEpoch. */
  keep: { callbacks: JsonObject[]; extraArgs: Record<string, JsonObject>; initialEpoch?: number };
}

type FormCallback = keyof typeof KERAS_CALLBACK_DEFAULTS;

/** The defaults of the arguments the form edits (src/core/training/callbacks.ts), numbers as text. */
const CALLBACK_DEFAULTS = Object.fromEntries(
  Object.entries(KERAS_CALLBACK_DEFAULTS).map(([name, args]) => [
    name,
    Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)])),
  ]),
) as Record<FormCallback, Args>;

const FORM_CALLBACKS = new Set<string>(['EarlyStopping', 'ModelCheckpoint', 'Histograms', ...LR_SCHEDULES]);

function argsOf(defaults: Args, read: Record<string, unknown>): { args: Args; extra: JsonObject } {
  const args: Args = { ...defaults };
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(read)) {
    if (k in defaults) args[k] = typeof defaults[k] === 'boolean' ? v === true : typeof v === 'number' ? String(v) : String(v ?? '');
    else extra[k] = v as JsonObject[string];
  }
  return { args, extra };
}

export function draftFrom(config: TrainingConfig | null): Draft {
  const t = config ?? defaultTrainingConfig();
  const spec = splitDataSpec(t.dataset ?? '');
  const { label, ...otherOptions } = spec.options;
  const params: Args = {};
  const defaults = OPTIMIZER_DEFAULTS[t.optimizer.name] ?? OPTIMIZER_DEFAULTS.adam;
  for (const [k, d] of Object.entries(defaults)) {
    const v = t.optimizer.params[k] ?? d;
    params[k] = typeof d === 'boolean' ? v === true : String(v);
  }
  // Weight decay and clipping are fields only where the config sets them (Keras' None otherwise).
  for (const k of OPTIMIZER_BASE_PARAMS) if (!(k in params) && typeof t.optimizer.params[k] === 'number') params[k] = String(t.optimizer.params[k]);
  const draft: Draft = {
    dataset: {
      kind: spec.kind,
      path: spec.path,
      label: label ?? '',
      options: Object.entries(otherOptions)
        .map(([k, v]) => `${k}=${v}`)
        .join('&'),
    },
    target: t.target === 'input' ? 'input' : 'labels',
    optimizer: t.optimizer.name in OPTIMIZER_DEFAULTS ? t.optimizer.name : 'adam',
    params,
    ...lossDraftFrom(t),
    outputs: outputDraftsFrom(t),
    dataMap: { ...t.dataMap },
    epochs: String(t.epochs),
    batchSize: String(t.batchSize),
    validationSplit: String(t.validationSplit),
    stepsPerEpoch: t.stepsPerEpoch === undefined ? '' : String(t.stepsPerEpoch),
    subset: t.subset === undefined ? '' : String(t.subset),
    shuffle: t.shuffle !== false,
    devices: t.devices === undefined ? '' : String(t.devices),
    mixedPrecision: t.mixedPrecision ?? '',
    early: { on: false, args: { ...CALLBACK_DEFAULTS.EarlyStopping } },
    checkpoint: { on: false, args: { ...CALLBACK_DEFAULTS.ModelCheckpoint } },
    schedule: { name: 'none', args: {} },
    histograms: { on: false, args: { ...CALLBACK_DEFAULTS.Histograms } },
    rl: rlDraftFrom(t.rl),
    keep: { callbacks: [], extraArgs: {}, initialEpoch: t.initialEpoch },
  };
  for (const c of t.callbacks ?? []) {
    const { name, args } = callbackParts(c);
    if (!FORM_CALLBACKS.has(name) || (LR_SCHEDULES.includes(name as ScheduleName) && draft.schedule.name !== 'none')) {
      draft.keep.callbacks.push(structuredClone(c));
      continue;
    }
    const read = argsOf(CALLBACK_DEFAULTS[name as keyof typeof CALLBACK_DEFAULTS], args);
    draft.keep.extraArgs[name] = read.extra;
    if (name === 'EarlyStopping') draft.early = { on: true, args: read.args };
    else if (name === 'ModelCheckpoint') draft.checkpoint = { on: true, args: read.args };
    else if (name === 'Histograms') draft.histograms = { on: true, args: read.args };
    else draft.schedule = { name: name as ScheduleName, args: read.args };
  }
  return draft;
}

/** Switching optimizer: Keras' defaults of the new one, keeping the learning rate the user set. */
export function withOptimizer(d: Draft, name: OptimizerName): Draft {
  const params: Args = {};
  for (const [k, v] of Object.entries(OPTIMIZER_DEFAULTS[name])) params[k] = typeof v === 'boolean' ? v : String(v);
  if (typeof d.params.learning_rate === 'string') params.learning_rate = d.params.learning_rate;
  return { ...d, optimizer: name, params };
}

export function withSchedule(d: Draft, name: ScheduleName | 'none'): Draft {
  return { ...d, schedule: { name, args: name === 'none' ? {} : { ...CALLBACK_DEFAULTS[name] } } };
}

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Text to number; NaN for text that is not one (the checks then report it). */
function num(text: string | boolean, key: string, errors: ConfigErrors): number {
  const t = String(text).trim();
  if (t === '') {
    errors[key] = 'enter a value';
    return NaN;
  }
  if (!NUMBER_RE.test(t)) {
    errors[key] = 'must be a number';
    return NaN;
  }
  return Number(t);
}

function argsToJson(prefix: string, args: Args, errors: ConfigErrors): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(args)) {
    if (typeof v === 'boolean' || k === 'monitor') out[k] = v;
    else out[k] = num(v, `${prefix}.${k}`, errors);
  }
  return out;
}

/**
 * The config a draft stands for, and its problems by field key (typing problems first, then the host's rules).
 * `config` is only set when there are no problems: the form never sends anything else. `io`, the model's
 * inputs and outputs, decides the per-output rows and the data map (without it they are kept as read);
 * `shapes`, a one-input, one-output model's, lets the RL checks compare it with the environment.
 */
export function configFrom(d: Draft, io?: ModelIo, shapes?: ModelShapes): { config?: TrainingConfig; errors: ConfigErrors } {
  const typing: ConfigErrors = {};
  const options: Record<string, string> = {};
  const optText = d.dataset.options.trim();
  if (optText) {
    if (!/^[\w-]+=[^&]*(&[\w-]+=[^&]*)*$/.test(optText)) typing['dataset.options'] = 'write options as key=value&key=value';
    else for (const pair of optText.split('&')) options[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  if (d.dataset.kind === 'csv' && d.dataset.label.trim() !== '') options.label = d.dataset.label.trim();
  if (/[?&=]/.test(d.dataset.label)) typing['dataset.label'] = 'a column name may not contain ? & or =';
  const dataset = d.dataset.kind ? joinDataSpec({ kind: d.dataset.kind, path: d.dataset.path.trim(), options }) : null;
  const params: { [k: string]: number | boolean } = {};
  for (const [k, v] of Object.entries(d.params)) params[k] = typeof v === 'boolean' ? v : num(v, `optimizer.${k}`, typing);
  const callbacks: JsonObject[] = [];
  const add = (name: string, args: Args) => {
    const config = { ...(d.keep.extraArgs[name] ?? {}), ...argsToJson(name, args, typing) };
    callbacks.push({ class_name: name, config });
  };
  if (d.early.on) add('EarlyStopping', d.early.args);
  if (d.checkpoint.on) add('ModelCheckpoint', d.checkpoint.args);
  if (d.schedule.name !== 'none') add(d.schedule.name, d.schedule.args);
  if (d.histograms.on) add('Histograms', d.histograms.args);
  callbacks.push(...d.keep.callbacks.map((c) => structuredClone(c)));
  const config: TrainingConfig = {
    dataset,
    target: d.target,
    optimizer: { name: d.optimizer, params },
    loss: d.loss,
    metrics: [...d.metrics],
    epochs: num(d.epochs, 'epochs', typing),
    batchSize: num(d.batchSize, 'batchSize', typing),
    validationSplit: num(d.validationSplit, 'validationSplit', typing),
    shuffle: d.shuffle,
    callbacks,
  };
  if (d.keep.initialEpoch !== undefined) config.initialEpoch = d.keep.initialEpoch;
  if (d.stepsPerEpoch.trim() !== '') config.stepsPerEpoch = num(d.stepsPerEpoch, 'stepsPerEpoch', typing);
  if (d.subset.trim() !== '') config.subset = num(d.subset, 'subset', typing);
  const devices = parseDevices(d.devices);
  if (devices === null) typing.devices = 'enter all, or a whole number of at least 1';
  else if (devices !== undefined) config.devices = devices;
  if (d.mixedPrecision) config.mixedPrecision = d.mixedPrecision as MixedPrecisionPolicy;
  const lossOptions = lossOptionsFrom(d, 'lossOptions', typing, num);
  if (lossOptions) config.lossOptions = lossOptions;
  const outputs = outputsFrom(d.outputs, d, io, typing, num);
  if (outputs) config.outputs = outputs;
  const dataMap = dataMapFrom(d.dataMap, d.dataset.kind, io);
  if (dataMap) config.dataMap = dataMap;
  const rl = rlFrom(d.rl, shapes, d.loss, typing, num);
  if (rl) config.rl = rl;
  const errors = { ...checkTrainingConfig(config), ...typing };
  return Object.keys(errors).length === 0 ? { config, errors } : { errors };
}
