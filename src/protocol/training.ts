/**
 * The messages between the training view (webview/training) and the extension host, with runtime validation
 * on both sides. The host owns the metric history and the run list; the view renders what it is sent and
 * posts intents back. Anything that does not validate is dropped. The points, histograms and runs they carry
 * are the training vocabulary's (src/core/training).
 */
import { isFiniteNum, isMetrics, isNum, isNumArray, isObj, isOneOf, isOptNum, isOptStr, isStr } from '../core/guards';
import { SESSION_STATES, type BatchPoint, type EpochPoint, type HistogramItem, type RunInfo, type SessionState } from '../core/training';
import { FRAME_STATE_SIZE, isRlFrame, type FrameScene, type RlFrame } from '../core/rl/watch';
import { command, notification, protocol } from './message';

export interface SessionInfo {
  id: string;
  model: string;
  runId?: string;
  state: SessionState;
  epochs: number;
  engine?: string;
  device?: string;
  error?: string;
  /** When the session started (ms since 1970): the view's elapsed time counts from it. */
  startedAt?: number;
}

/** What "try the model" can offer for this model. */
export type TryInfo =
  | { kind: 'none'; reason: string }
  | { kind: 'image'; width: number; height: number; channels: number; classNames?: string[]; testSamples: number; autoencoder: boolean }
  | { kind: 'tabular'; features: number; featureNames?: string[]; classNames?: string[] }
  | { kind: 'text'; seqLength: number; vocab: string }
  /** An RL model of a classic-control environment: plays a greedy episode. */
  | { kind: 'episode'; scene: ClassicScene; maxSteps: number }
  /** A self-play model of a board game: the user plays against the network with MCTS. */
  | { kind: 'game'; scene: BoardScene; simulations: number };

/** The scenes of classic control and of board games (core/rl/watch.ts FRAME_SCENES, split by how they are tried). */
export const CLASSIC_SCENES = ['cartpole', 'mountaincar', 'acrobot'] as const satisfies readonly FrameScene[];
export const BOARD_SCENES = ['tictactoe', 'connect4'] as const satisfies readonly FrameScene[];
export type ClassicScene = (typeof CLASSIC_SCENES)[number];
export type BoardScene = (typeof BOARD_SCENES)[number];
/** MCTS simulations per network move in "Try the model": 1 is the network's prior alone, more is stronger and slower. */
export const TRY_SIMULATIONS = { min: 1, max: 2000, default: 200 } as const;

export type TryInput =
  | { kind: 'image'; pixels: number[] }
  | { kind: 'sample'; index: number }
  | { kind: 'tabular'; values: number[] }
  | { kind: 'text'; seed: string; length: number; temperature: number }
  | { kind: 'episode'; seed: number }
  /** The network's move in this position (cells row-major: +1 the first player, −1 the second, 0 empty). */
  | { kind: 'move'; scene: BoardScene; cells: number[]; simulations: number };

export type TryOutput =
  | { kind: 'classes'; probs: number[]; classNames?: string[]; label?: number; input?: number[] }
  | { kind: 'values'; values: number[]; label?: number[]; input?: number[] }
  | { kind: 'reconstruction'; input: number[]; output: number[]; width: number; height: number }
  | { kind: 'text'; seed: string; generated: string }
  /** A greedy episode: the state after reset and after every step, the actions, the return. */
  | { kind: 'episode'; scene: ClassicScene; states: number[][]; actions: number[]; return: number; terminated: boolean }
  /** The network's move, with its value of the position for the player to move (the network's side). */
  | { kind: 'move'; action: number; value: number };

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
  /** The live animation of an RL session (core/rl/watch.ts); not kept: a reloaded view waits for the next. */
  | { type: 'frame'; sessionId: string; frame: RlFrame }
  | { type: 'session'; session: SessionInfo }
  | { type: 'runs'; runs: RunInfo[] }
  | { type: 'compare'; runs: RunInfo[] }
  | { type: 'tryInfo'; info: TryInfo }
  | { type: 'prediction'; requestId: number; output: TryOutput }
  | { type: 'evaluation'; evaluation: Evaluation }
  | { type: 'error'; message: string; hint?: string; requestId?: number }
  | { type: 'showTab'; tab: TrainingTab };

export const TRAINING_TABS = ['charts', 'compare', 'histograms', 'try'] as const;
export type TrainingTab = (typeof TRAINING_TABS)[number];

/** The view's buttons that run a host command. */
export const VIEW_COMMANDS = ['train', 'stop', 'pauseResume', 'configure', 'showLog'] as const;

export type TrainingToHost =
  | { type: 'ready' }
  | { type: 'command'; command: (typeof VIEW_COMMANDS)[number] }
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

export function isBatchPoint(v: unknown): v is BatchPoint {
  return isObj(v) && isNum(v.step) && isNum(v.epoch) && isNum(v.batch) && isMetrics(v.metrics) && isOptNum(v.lr) && isOptNum(v.samplesPerSec) && isOptNum(v.batches);
}

export function isEpochPoint(v: unknown): v is EpochPoint {
  return isObj(v) && isNum(v.epoch) && isOptNum(v.step) && isMetrics(v.metrics) && isOptNum(v.lr) && isOptNum(v.samplesPerSec) && isOptNum(v.batches);
}

export function isHistogramItem(v: unknown): v is HistogramItem {
  return (
    isObj(v) && isNum(v.epoch) && isStr(v.layer) && (v.kind === 'weights' || v.kind === 'activations') &&
    isNum(v.min) && isNum(v.max) && isNumArray(v.counts, 10_000)
  );
}

export function isSessionInfo(v: unknown): v is SessionInfo {
  return (
    isObj(v) && isStr(v.id) && isStr(v.model) && isOptStr(v.runId) && isOneOf<SessionState>(SESSION_STATES, v.state) &&
    isNum(v.epochs) && isOptStr(v.engine) && isOptStr(v.device) && isOptStr(v.error) && isOptNum(v.startedAt)
  );
}

export function isRunInfo(v: unknown): v is RunInfo {
  return (
    isObj(v) && isStr(v.id) && isStr(v.model) && isStr(v.name) && isOptStr(v.startedAt) && isOptStr(v.state) &&
    isObj(v.hyper) && Object.values(v.hyper).every((x) => isStr(x) || isNum(x) || typeof x === 'boolean') &&
    isMetrics(v.final) && isMetrics(v.best) && Array.isArray(v.epochs) && v.epochs.every(isEpochPoint) &&
    (v.batches === undefined || (Array.isArray(v.batches) && v.batches.every(isBatchPoint)))
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
    case 'episode':
      return isOneOf(CLASSIC_SCENES, v.scene) && isNum(v.maxSteps);
    case 'game':
      return isOneOf(BOARD_SCENES, v.scene) && isSimulations(v.simulations);
    default:
      return false;
  }
}

const isSimulations = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= TRY_SIMULATIONS.min && (v as number) <= TRY_SIMULATIONS.max;
const isCells = (scene: BoardScene, v: unknown): v is number[] =>
  isNumArray(v, 64) && v.length === FRAME_STATE_SIZE[scene] && v.every((c) => c === 0 || c === 1 || c === -1);

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
    case 'episode':
      return Number.isInteger(v.seed);
    case 'move':
      return isOneOf(BOARD_SCENES, v.scene) && isCells(v.scene, v.cells) && isSimulations(v.simulations);
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
    case 'episode':
      return isOneOf(CLASSIC_SCENES, v.scene) && Array.isArray(v.states) && v.states.length <= 100_000 &&
        v.states.every((st) => isNumArray(st, 8) && st.length === FRAME_STATE_SIZE[v.scene as ClassicScene]) &&
        isNumArray(v.actions, 100_000) && isNum(v.return) && typeof v.terminated === 'boolean';
    case 'move':
      return Number.isInteger(v.action) && isNum(v.value);
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
export const parseHostToTraining = protocol<HostToTraining>({
  snapshot: notification((m) => isSnapshot(m.snapshot)),
  batches: notification((m) => isStr(m.sessionId) && Array.isArray(m.points) && m.points.every(isBatchPoint)),
  epoch: notification((m) => isStr(m.sessionId) && isEpochPoint(m.point)),
  histograms: notification((m) => isStr(m.sessionId) && Array.isArray(m.items) && m.items.every(isHistogramItem)),
  frame: notification((m) => isStr(m.sessionId) && isRlFrame(m.frame)),
  session: notification((m) => isSessionInfo(m.session)),
  runs: notification((m) => isRunList(m.runs)),
  compare: notification((m) => isRunList(m.runs)),
  tryInfo: notification((m) => isTryInfo(m.info)),
  prediction: notification((m) => isNum(m.requestId) && isTryOutput(m.output)),
  evaluation: notification((m) => isEvaluation(m.evaluation)),
  error: notification((m) => isStr(m.message) && isOptStr(m.hint) && isOptNum(m.requestId)),
  showTab: notification((m) => isOneOf(TRAINING_TABS, m.tab)),
});

const isRunList = (v: unknown): v is RunInfo[] => Array.isArray(v) && v.every(isRunInfo);

/** A safe file name for exports: no folders, no odd characters. */
const isFileName = (v: unknown): v is string => isStr(v) && /^[\w.\- ]{1,120}$/.test(v) && !v.startsWith('.');

/** Validate a message from the webview (run in the host); fields are copied, so nothing else comes along. */
export const parseTrainingToHost = protocol<TrainingToHost>({
  ready: command(),
  evaluate: command(),
  command: (m) => (isOneOf(VIEW_COMMANDS, m.command) ? { type: 'command', command: m.command } : undefined),
  focusSession: (m) => (isStr(m.sessionId) ? { type: 'focusSession', sessionId: m.sessionId } : undefined),
  compare: (m) => (Array.isArray(m.runIds) && m.runIds.length <= 64 && m.runIds.every(isStr) ? { type: 'compare', runIds: m.runIds } : undefined),
  renameRun: (m) =>
    isStr(m.runId) && isStr(m.name) && m.name.trim().length > 0 && m.name.length <= 200 ? { type: 'renameRun', runId: m.runId, name: m.name.trim() } : undefined,
  deleteRun: (m) => (isStr(m.runId) ? { type: 'deleteRun', runId: m.runId } : undefined),
  exportCsv: (m) => (isFileName(m.fileName) && isStr(m.csv) ? { type: 'exportCsv', fileName: m.fileName, csv: m.csv } : undefined),
  exportPng: (m) =>
    isFileName(m.fileName) && isStr(m.dataUrl) && m.dataUrl.startsWith('data:image/png;base64,')
      ? { type: 'exportPng', fileName: m.fileName, dataUrl: m.dataUrl }
      : undefined,
  predict: (m) => (isNum(m.requestId) && isTryInput(m.input) ? { type: 'predict', requestId: m.requestId, input: m.input } : undefined),
});
