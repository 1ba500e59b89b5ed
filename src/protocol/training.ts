/**
 * The messages between the training view (webview/training) and the extension host, with runtime validation
 * on both sides. The host owns the metric history and the run list; the view renders what it is sent and
 * posts intents back. Anything that does not validate is dropped.
 */

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
