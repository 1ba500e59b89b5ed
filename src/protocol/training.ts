/**
 * The messages between the training view (webview/training) and the extension host, with runtime validation
 * on both sides. The host owns the metric history and the run list; the view renders what it is sent and
 * posts intents back. Anything that does not validate is dropped.
 */
import { OPTIMIZER_DEFAULTS, type OptimizerName, type TrainingConfig } from '../core/training';

/** One throttled per-batch event of a session. `step` counts batches from the start of the run. */
export interface BatchPoint {
  step: number;
  epoch: number;
  batch: number;
  /** Train metrics at this batch, Keras names: loss, acc/accuracy, mae, ... */
  metrics: Record<string, number>;
  lr?: number;
  samplesPerSec?: number;
}

/** One per-epoch event: train metrics and `val_*` metrics as Keras' History names them. */
export interface EpochPoint {
  epoch: number;
  /** Steps completed when the epoch ended, so epoch points can sit on the batch axis. */
  step?: number;
  metrics: Record<string, number>;
  lr?: number;
  samplesPerSec?: number;
}

/** A per-layer histogram for one epoch (TensorBoard-style distributions). */
export interface HistogramItem {
  epoch: number;
  layer: string;
  kind: 'weights' | 'activations';
  min: number;
  max: number;
  counts: number[];
}

export type SessionState = 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'stopped' | 'failed';

export interface SessionInfo {
  id: string;
  model: string;
  runId?: string;
  state: SessionState;
  epochs: number;
  engine?: string;
  device?: string;
  error?: string;
}

/** A saved run as the comparison shows it: hyper-parameters flattened to `optimizer.learning_rate` etc. */
export interface RunInfo {
  id: string;
  model: string;
  name: string;
  startedAt?: string;
  state?: string;
  hyper: Record<string, string | number | boolean>;
  final: Record<string, number>;
  best: Record<string, number>;
  epochs: EpochPoint[];
}

/** What "try the model" can offer for this model. */
export type TryInfo =
  | { kind: 'none'; reason: string }
  | { kind: 'image'; width: number; height: number; channels: number; classNames?: string[]; testSamples: number; autoencoder: boolean }
  | { kind: 'tabular'; features: number; featureNames?: string[]; classNames?: string[] }
  | { kind: 'text'; seqLength: number; vocab: string };

export type TryInput =
  | { kind: 'image'; pixels: number[] }
  | { kind: 'sample'; index: number }
  | { kind: 'tabular'; values: number[] }
  | { kind: 'text'; seed: string; length: number; temperature: number };

export type TryOutput =
  | { kind: 'classes'; probs: number[]; classNames?: string[]; label?: number; input?: number[] }
  | { kind: 'values'; values: number[]; label?: number[]; input?: number[] }
  | { kind: 'reconstruction'; input: number[]; output: number[]; width: number; height: number }
  | { kind: 'text'; seed: string; generated: string };

export interface Evaluation {
  classNames: string[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  accuracy: number;
  samples: number;
  /** The test samples with the lowest probability on their true class. */
  worst: { index: number; label: number; predicted: number; prob: number; pixels?: number[] }[];
}

export interface TrainingSnapshot {
  session: SessionInfo | null;
  sessions: SessionInfo[];
  batches: BatchPoint[];
  epochs: EpochPoint[];
  histograms: HistogramItem[];
  runs: RunInfo[];
  tryInfo: TryInfo;
  evaluation?: Evaluation;
}

export type HostToTraining =
  | { type: 'snapshot'; snapshot: TrainingSnapshot }
  | { type: 'batches'; sessionId: string; points: BatchPoint[] }
  | { type: 'epoch'; sessionId: string; point: EpochPoint }
  | { type: 'histograms'; sessionId: string; items: HistogramItem[] }
  | { type: 'session'; session: SessionInfo }
  | { type: 'runs'; runs: RunInfo[] }
  | { type: 'compare'; runs: RunInfo[] }
  | { type: 'tryInfo'; info: TryInfo }
  | { type: 'prediction'; requestId: number; output: TryOutput }
  | { type: 'evaluation'; evaluation: Evaluation }
  | { type: 'error'; message: string; hint?: string; requestId?: number }
  | { type: 'showTab'; tab: TrainingTab };

export type TrainingTab = 'charts' | 'compare' | 'histograms' | 'try';

export type TrainingToHost =
  | { type: 'ready' }
  | { type: 'command'; command: 'train' | 'stop' | 'pauseResume' | 'configure' | 'showLog' }
  | { type: 'focusSession'; sessionId: string }
  | { type: 'compare'; runIds: string[] }
  | { type: 'renameRun'; runId: string; name: string }
  | { type: 'deleteRun'; runId: string }
  | { type: 'exportCsv'; fileName: string; csv: string }
  | { type: 'exportPng'; fileName: string; dataUrl: string }
  | { type: 'predict'; requestId: number; input: TryInput }
  | { type: 'evaluate' };

// ---------------------------------------------------------------------------------------------------------
// Validation

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptNum = (v: unknown) => v === undefined || isNum(v);
const isOptStr = (v: unknown) => v === undefined || isStr(v);
const isNumArray = (v: unknown, max = 1e7): v is number[] => Array.isArray(v) && v.length <= max && v.every(isNum);
/** Metric values may be NaN/Infinity (a diverging run); JSON carries them as null, which we accept too. */
const isMetrics = (v: unknown): v is Record<string, number> =>
  isObj(v) && Object.values(v).every((x) => isNum(x) || x === null);

const SESSION_STATES: readonly SessionState[] = ['starting', 'running', 'paused', 'stopping', 'done', 'stopped', 'failed'];
const TABS: readonly TrainingTab[] = ['charts', 'compare', 'histograms', 'try'];
const COMMANDS = ['train', 'stop', 'pauseResume', 'configure', 'showLog'] as const;

export function isBatchPoint(v: unknown): v is BatchPoint {
  return isObj(v) && isNum(v.step) && isNum(v.epoch) && isNum(v.batch) && isMetrics(v.metrics) && isOptNum(v.lr) && isOptNum(v.samplesPerSec);
}

export function isEpochPoint(v: unknown): v is EpochPoint {
  return isObj(v) && isNum(v.epoch) && isOptNum(v.step) && isMetrics(v.metrics) && isOptNum(v.lr) && isOptNum(v.samplesPerSec);
}

export function isHistogramItem(v: unknown): v is HistogramItem {
  return (
    isObj(v) && isNum(v.epoch) && isStr(v.layer) && (v.kind === 'weights' || v.kind === 'activations') &&
    isNum(v.min) && isNum(v.max) && isNumArray(v.counts, 10_000)
  );
}

export function isSessionInfo(v: unknown): v is SessionInfo {
  return (
    isObj(v) && isStr(v.id) && isStr(v.model) && isOptStr(v.runId) && SESSION_STATES.includes(v.state as SessionState) &&
    isNum(v.epochs) && isOptStr(v.engine) && isOptStr(v.device) && isOptStr(v.error)
  );
}

export function isRunInfo(v: unknown): v is RunInfo {
  return (
    isObj(v) && isStr(v.id) && isStr(v.model) && isStr(v.name) && isOptStr(v.startedAt) && isOptStr(v.state) &&
    isObj(v.hyper) && Object.values(v.hyper).every((x) => isStr(x) || isNum(x) || typeof x === 'boolean') &&
    isMetrics(v.final) && isMetrics(v.best) && Array.isArray(v.epochs) && v.epochs.every(isEpochPoint)
  );
}

export function isTryInfo(v: unknown): v is TryInfo {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'none':
      return isStr(v.reason);
    case 'image':
      return isNum(v.width) && isNum(v.height) && isNum(v.channels) && isNum(v.testSamples) && typeof v.autoencoder === 'boolean' &&
        (v.classNames === undefined || (Array.isArray(v.classNames) && v.classNames.every(isStr)));
    case 'tabular':
      return isNum(v.features) && (v.classNames === undefined || (Array.isArray(v.classNames) && v.classNames.every(isStr)));
    case 'text':
      return isNum(v.seqLength) && isStr(v.vocab);
    default:
      return false;
  }
}

export function isTryInput(v: unknown): v is TryInput {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'image':
      return isNumArray(v.pixels, 1 << 20) && v.pixels.every(Number.isFinite);
    case 'sample':
      return Number.isInteger(v.index) && (v.index as number) >= 0;
    case 'tabular':
      return isNumArray(v.values, 1 << 16) && v.values.every(Number.isFinite);
    case 'text':
      return isStr(v.seed) && v.seed.length <= 10_000 && Number.isInteger(v.length) && (v.length as number) >= 1 &&
        (v.length as number) <= 10_000 && isFiniteNum(v.temperature) && v.temperature > 0 && v.temperature <= 10;
    default:
      return false;
  }
}

export function isTryOutput(v: unknown): v is TryOutput {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'classes':
      return isNumArray(v.probs);
    case 'values':
      return isNumArray(v.values);
    case 'reconstruction':
      return isNumArray(v.input) && isNumArray(v.output) && isNum(v.width) && isNum(v.height);
    case 'text':
      return isStr(v.seed) && isStr(v.generated);
    default:
      return false;
  }
}

export function isEvaluation(v: unknown): v is Evaluation {
  return (
    isObj(v) && Array.isArray(v.classNames) && v.classNames.every(isStr) && Array.isArray(v.confusion) &&
    v.confusion.every((r) => isNumArray(r)) && isNum(v.accuracy) && isNum(v.samples) && Array.isArray(v.worst) &&
    v.worst.every((w) => isObj(w) && isNum(w.index) && isNum(w.label) && isNum(w.predicted) && isNum(w.prob))
  );
}

function isSnapshot(v: unknown): v is TrainingSnapshot {
  return (
    isObj(v) && (v.session === null || isSessionInfo(v.session)) && Array.isArray(v.sessions) && v.sessions.every(isSessionInfo) &&
    Array.isArray(v.batches) && v.batches.every(isBatchPoint) && Array.isArray(v.epochs) && v.epochs.every(isEpochPoint) &&
    Array.isArray(v.histograms) && v.histograms.every(isHistogramItem) && Array.isArray(v.runs) && v.runs.every(isRunInfo) &&
    isTryInfo(v.tryInfo) && (v.evaluation === undefined || isEvaluation(v.evaluation))
  );
}

/** Validate a message from the host (run in the webview). */
export function parseHostToTraining(v: unknown): HostToTraining | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'snapshot':
      return isSnapshot(v.snapshot) ? (v as HostToTraining) : undefined;
    case 'batches':
      return isStr(v.sessionId) && Array.isArray(v.points) && v.points.every(isBatchPoint) ? (v as HostToTraining) : undefined;
    case 'epoch':
      return isStr(v.sessionId) && isEpochPoint(v.point) ? (v as HostToTraining) : undefined;
    case 'histograms':
      return isStr(v.sessionId) && Array.isArray(v.items) && v.items.every(isHistogramItem) ? (v as HostToTraining) : undefined;
    case 'session':
      return isSessionInfo(v.session) ? (v as HostToTraining) : undefined;
    case 'runs':
    case 'compare':
      return Array.isArray(v.runs) && v.runs.every(isRunInfo) ? (v as HostToTraining) : undefined;
    case 'tryInfo':
      return isTryInfo(v.info) ? (v as HostToTraining) : undefined;
    case 'prediction':
      return isNum(v.requestId) && isTryOutput(v.output) ? (v as HostToTraining) : undefined;
    case 'evaluation':
      return isEvaluation(v.evaluation) ? (v as HostToTraining) : undefined;
    case 'error':
      return isStr(v.message) && isOptStr(v.hint) && isOptNum(v.requestId) ? (v as HostToTraining) : undefined;
    case 'showTab':
      return TABS.includes(v.tab as TrainingTab) ? (v as HostToTraining) : undefined;
    default:
      return undefined;
  }
}

/** A safe file name for exports: no folders, no odd characters. */
const isFileName = (v: unknown): v is string => isStr(v) && /^[\w.\- ]{1,120}$/.test(v) && !v.startsWith('.');

/** Validate a message from the webview (run in the host). */
export function parseTrainingToHost(v: unknown): TrainingToHost | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'evaluate':
      return { type: v.type };
    case 'command':
      return COMMANDS.includes(v.command as (typeof COMMANDS)[number]) ? { type: 'command', command: v.command as (typeof COMMANDS)[number] } : undefined;
    case 'focusSession':
      return isStr(v.sessionId) ? { type: 'focusSession', sessionId: v.sessionId } : undefined;
    case 'compare':
      return Array.isArray(v.runIds) && v.runIds.length <= 64 && v.runIds.every(isStr) ? { type: 'compare', runIds: v.runIds } : undefined;
    case 'renameRun':
      return isStr(v.runId) && isStr(v.name) && v.name.trim().length > 0 && v.name.length <= 200
        ? { type: 'renameRun', runId: v.runId, name: v.name.trim() }
        : undefined;
    case 'deleteRun':
      return isStr(v.runId) ? { type: 'deleteRun', runId: v.runId } : undefined;
    case 'exportCsv':
      return isFileName(v.fileName) && isStr(v.csv) ? { type: 'exportCsv', fileName: v.fileName, csv: v.csv } : undefined;
    case 'exportPng':
      return isFileName(v.fileName) && isStr(v.dataUrl) && v.dataUrl.startsWith('data:image/png;base64,')
        ? { type: 'exportPng', fileName: v.fileName, dataUrl: v.dataUrl }
        : undefined;
    case 'predict':
      return isNum(v.requestId) && isTryInput(v.input) ? { type: 'predict', requestId: v.requestId, input: v.input } : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The training configuration saved with a model (the editor's Training panel edits it). Checked on both sides
// of the boundary with the same rules: the form shows problems inline, the host refuses what does not pass.

/** Dataset kinds of a data spec (src/engine/datasets/spec.ts `parseDataSpec`). */
export const DATASET_KINDS = ['xor', 'linear', 'mnist', 'fashion-mnist', 'csv', 'npz', 'npy', 'images', 'text'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];
/** Kinds that name a file or folder (browse asks the host for a picker). */
export const DATASET_PATH_KINDS: readonly DatasetKind[] = ['csv', 'npz', 'npy', 'images', 'text'];
/** The losses the engine implements (src/engine/training/losses.ts), by Keras name. */
export const LOSSES = ['mean_squared_error', 'mean_absolute_error', 'huber', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'] as const;
/** Metric names the engine resolves (losses.ts `metricId`). */
export const METRICS = ['accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy', 'mae', 'mse'] as const;
/** Callbacks the engine's fit loop knows (src/engine/training/callbacks.ts `parseCallbacks`). */
export const CALLBACKS = ['EarlyStopping', 'ModelCheckpoint', 'ReduceLROnPlateau', 'StepDecay', 'ExponentialDecay', 'TerminateOnNaN', 'Histograms', 'TensorBoard'] as const;
/** Learning-rate schedules: at most one runs (the fit loop uses the first of each kind). */
export const LR_SCHEDULES = ['ReduceLROnPlateau', 'StepDecay', 'ExponentialDecay'] as const;

/** A data spec split into the parts the form edits: `kind:path?options` (options as `k=v&k=v`). */
export interface DataSpecParts {
  kind: string;
  path: string;
  options: Record<string, string>;
}

const OPTIONS_RE = /^[\w-]+=[^&]*(&[\w-]+=[^&]*)*$/;

/** The same split as the engine's parseDataSpec, without touching the file system. */
export function splitDataSpec(spec: string): DataSpecParts {
  const text = spec.trim();
  const colon = text.indexOf(':');
  if (colon < 0) {
    const q = text.indexOf('?');
    const kind = (q < 0 ? text : text.slice(0, q)).toLowerCase();
    return { kind, path: '', options: q < 0 ? {} : optionsOf(text.slice(q + 1)) };
  }
  let path = text.slice(colon + 1);
  const q = path.lastIndexOf('?');
  let options: Record<string, string> = {};
  if (q >= 0 && OPTIONS_RE.test(path.slice(q + 1))) {
    options = optionsOf(path.slice(q + 1));
    path = path.slice(0, q);
  }
  return { kind: text.slice(0, colon).toLowerCase(), path, options };
}

function optionsOf(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!OPTIONS_RE.test(query)) return out;
  for (const pair of query.split('&')) {
    const i = pair.indexOf('=');
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export function joinDataSpec(p: DataSpecParts): string {
  const q = Object.entries(p.options)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const head = DATASET_PATH_KINDS.includes(p.kind as DatasetKind) ? `${p.kind}:${p.path}` : p.kind;
  return q ? `${head}?${q}` : head;
}

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

/** Keras' valid ranges for each optimizer hyper-parameter (keras/src/optimizers/*.py). */
const OPTIMIZER_RULES: Record<string, Rule | 'bool'> = {
  learning_rate: { min: 0, minExclusive: true },
  momentum: { min: 0, max: 1, maxExclusive: true },
  rho: { min: 0, max: 1, maxExclusive: true },
  beta_1: { min: 0, max: 1, maxExclusive: true },
  beta_2: { min: 0, max: 1, maxExclusive: true },
  epsilon: { min: 0, minExclusive: true },
  initial_accumulator_value: { min: 0 },
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

/** `{class_name, config}` (what the form writes) or Keras' `{name, ...args}`: the name and the arguments. */
export function callbackParts(c: Record<string, unknown>): { name: string; args: Record<string, unknown> } {
  const name = String(c.class_name ?? c.name ?? '');
  const args = isObj(c.config) ? c.config : c;
  return { name, args };
}

/** What a monitor may name: the loss or a chosen metric, on the training or the validation data. */
export function monitorChoices(metrics: readonly string[]): string[] {
  const base = ['loss', ...metrics];
  return [...base.map((m) => `val_${m}`), ...base];
}

/**
 * Checks a training configuration with the engine's rules; the result maps field keys to problems and is
 * empty when the configuration can be saved. The engine checks again when a run starts (data, shapes).
 */
export function checkTrainingConfig(t: TrainingConfigLike): ConfigErrors {
  const e: ConfigErrors = {};
  if (typeof t.dataset !== 'string' || t.dataset.trim() === '') e['dataset.kind'] = 'choose a dataset';
  else {
    const d = splitDataSpec(t.dataset);
    if (!DATASET_KINDS.includes(d.kind as DatasetKind)) e['dataset.kind'] = `unknown dataset "${d.kind}"`;
    else if (DATASET_PATH_KINDS.includes(d.kind as DatasetKind)) {
      if (d.path.trim() === '') e['dataset.path'] = d.kind === 'images' ? 'enter a folder' : 'enter a file';
      else if (d.kind === 'npy' && d.path.split(',').length !== 2) e['dataset.path'] = 'enter two files: X.npy,Y.npy';
      else if (/[?&]/.test(d.path)) e['dataset.path'] = 'a path here may not contain ? or &';
    }
    if (d.options.label !== undefined && d.options.label.trim() === '') e['dataset.label'] = 'enter a column name or index';
  }
  if (t.target !== undefined && t.target !== 'labels' && t.target !== 'input') e.target = 'must be labels or input';
  const opt = t.optimizer;
  if (!isObj(opt) || typeof opt.name !== 'string' || !(opt.name in OPTIMIZER_DEFAULTS)) e.optimizer = `choose one of ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')}`;
  else {
    const allowed = OPTIMIZER_DEFAULTS[opt.name as OptimizerName];
    const params = isObj(opt.params) ? opt.params : {};
    for (const [k, v] of Object.entries(params)) {
      if (!(k in allowed)) {
        e[`optimizer.${k}`] = `${opt.name} has no setting ${k}`;
        continue;
      }
      const rule = OPTIMIZER_RULES[k];
      const problem = rule === 'bool' ? (typeof v === 'boolean' ? undefined : 'must be true or false') : checkNumber(v, rule ?? {});
      if (problem) e[`optimizer.${k}`] = problem;
    }
    if (params.learning_rate === undefined) e['optimizer.learning_rate'] = 'enter a learning rate';
    // tfjs has no AMSGrad variant (src/engine/training/optimizers.ts refuses it).
    if (params.amsgrad === true) e['optimizer.amsgrad'] = 'AMSGrad is not available in TensorFlow.js';
  }
  if (!LOSSES.includes(t.loss as (typeof LOSSES)[number])) e.loss = `choose one of ${LOSSES.join(', ')}`;
  const lo = t.lossOptions;
  if (lo !== undefined) {
    if (!isObj(lo)) e.lossOptions = 'must be an object';
    else {
      if (lo.from_logits !== undefined && typeof lo.from_logits !== 'boolean') e['lossOptions.from_logits'] = 'must be true or false';
      else if (lo.from_logits !== undefined && !String(t.loss).endsWith('crossentropy')) e['lossOptions.from_logits'] = 'only the crossentropy losses take from_logits';
      if (lo.delta !== undefined) {
        if (t.loss !== 'huber') e['lossOptions.delta'] = 'only the huber loss takes delta';
        else {
          const p = checkNumber(lo.delta, { min: 0, minExclusive: true });
          if (p) e['lossOptions.delta'] = p;
        }
      }
    }
  }
  const metrics = Array.isArray(t.metrics) ? t.metrics : [];
  if (!Array.isArray(t.metrics) || metrics.some((m) => !METRICS.includes(m as (typeof METRICS)[number]))) e.metrics = `use ${METRICS.join(', ')}`;
  else if (new Set(metrics).size !== metrics.length) e.metrics = 'each metric once';
  const put = (k: string, p: string | undefined) => {
    if (p) e[k] = p;
  };
  put('epochs', checkNumber(t.epochs, { int: true, min: 1, max: 1_000_000 }));
  put('batchSize', checkNumber(t.batchSize, { int: true, min: 1, max: 1_000_000 }));
  put('validationSplit', checkNumber(t.validationSplit, { min: 0, max: 1, maxExclusive: true }));
  if (typeof t.shuffle !== 'boolean') e.shuffle = 'must be true or false';
  if (t.initialEpoch !== undefined) {
    put('initialEpoch', checkNumber(t.initialEpoch, { int: true, min: 0 }));
    if (!e.initialEpoch && !e.epochs && (t.initialEpoch as number) >= (t.epochs as number)) e.initialEpoch = 'must be below epochs';
  }
  if (t.callbacks !== undefined && !Array.isArray(t.callbacks)) e.callbacks = 'must be a list';
  const monitors = monitorChoices(metrics.filter((m): m is string => typeof m === 'string'));
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

/** A training config as received (unchecked). */
export type TrainingConfigLike = { [K in keyof TrainingConfig]?: unknown };

/**
 * Structure and rules together: the config when it is a complete, valid TrainingConfig, else the problems.
 * Unknown top-level keys are dropped so nothing but a training config reaches the model file.
 */
export function parseTrainingConfig(v: unknown): { config: TrainingConfig; errors?: undefined } | { config?: undefined; errors: ConfigErrors } {
  if (!isObj(v) || !isJsonValue(v)) return { errors: { '': 'not a training configuration' } };
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
  return { config };
}

function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.length <= 1000 && v.every((x) => isJsonValue(x, depth + 1));
  if (isObj(v)) return Object.values(v).every((x) => isJsonValue(x, depth + 1));
  return false;
}

/** The first problem as one line (for a refused edit). */
export function firstProblem(errors: ConfigErrors): string {
  const [k, msg] = Object.entries(errors)[0] ?? ['', 'invalid'];
  return k ? `${k}: ${msg}` : msg;
}
