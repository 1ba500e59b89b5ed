/**
 * Messages between the extension host and the short-lived "try the model" worker (engine/predict/predictProbeWorker.ts), with
 * runtime validation. The channel uses Node's 'advanced' serialization so weights travel as typed arrays.
 * Each request carries an `id`; its answer (PREDICT_ANSWERS), progress or an `error` carries it back.
 */
import { isNum, isObj, isStr, isStrArray } from '../core/guards';
import { isEngineId, type EngineChoice, type EngineId, type ProbeRow, type SkippedEngine, type TrainingConfig } from '../core/training';
import type { ModelFile } from '../core/types';
import { answers, protocol, request, type AnswerTo } from './message';
import { isEvaluation, isTryInfo, isTryInput, isTryOutput, type Evaluation, type TryInfo, type TryInput, type TryOutput } from './training';

export interface LoadRequest {
  model: ModelFile;
  training?: TrainingConfig;
  /** Folder relative dataset paths are resolved against. */
  baseDir: string;
  cacheDir?: string;
  /** Inference is small: wasm (then cpu) unless the user chose an engine. */
  engine?: EngineChoice;
  engineDirs?: string[];
  /** Seed for text sampling (tests). */
  seed?: number;
}

export type ToPredictWorker =
  | { type: 'load'; id: number; request: LoadRequest }
  | { type: 'predict'; id: number; input: TryInput }
  | { type: 'evaluate'; id: number; limit?: number }
  /** Which engine would train: loads and smoke-tests it (status bar, Select Engine). */
  | { type: 'probe'; id: number; engine: LoadRequest['engine']; engineDirs?: string[]; /** The keras engine's Python. */ python?: string }
  /** Measure this model's training speed on each engine (Select Engine, "Measure speed for this model"). */
  | { type: 'probeSpeed'; id: number; request: SpeedRequest };

export interface SpeedRequest {
  model: ModelFile;
  batch: number;
  /** Default: every engine. */
  engines?: EngineId[];
  /** Timed seconds per engine (default 1.5). */
  seconds?: number;
  engineDirs?: string[];
}

/** A probe's result so far (progress) or in full (answer): rows fastest first, engines that did not load. */
export interface SpeedReport {
  batch: number;
  rows: ProbeRow[];
  skipped: SkippedEngine[];
}

export type FromPredictWorker =
  | { type: 'ready' }
  | { type: 'loaded'; id: number; info: TryInfo; engine: string }
  | { type: 'result'; id: number; output: TryOutput }
  | { type: 'evaluation'; id: number; evaluation: Evaluation }
  | { type: 'probed'; id: number; engine: string; device: string; skipped: SkippedEngine[] }
  /** Sent before each engine (`measuring`) and after it (`report` so far); the answer is `speed`. */
  | { type: 'speedProgress'; id: number; done: number; total: number; measuring?: string; report: SpeedReport }
  | { type: 'speed'; id: number; report: SpeedReport }
  | { type: 'error'; id: number; message: string; hint?: string };

/** The answer each request gets (unless an `error` with its id comes instead). */
export const PREDICT_ANSWERS = { load: 'loaded', predict: 'result', evaluate: 'evaluation', probe: 'probed', probeSpeed: 'speed' } as const;
type Answers = typeof PREDICT_ANSWERS;
/** The answer message to a request of type K. */
export type PredictAnswer<K extends keyof Answers> = AnswerTo<FromPredictWorker, Answers, K>;
/** True when `m` is the answer to a request of type `k`. */
export const isPredictAnswer = <K extends keyof Answers>(k: K, m: FromPredictWorker): m is PredictAnswer<K> => answers(PREDICT_ANSWERS, k, m);

/** Validate a message arriving in the worker. */
export const parseToPredictWorker = protocol<ToPredictWorker>({
  load: request(({ request: r }) => isObj(r) && isObj(r.model) && isObj(r.model.graph) && isStr(r.baseDir)),
  predict: request((m) => isTryInput(m.input)),
  evaluate: request((m) => m.limit === undefined || (isNum(m.limit) && m.limit > 0)),
  probe: request((m) => (m.engine === undefined || isStr(m.engine)) && (m.python === undefined || isStr(m.python))),
  probeSpeed: request((m) => isSpeedRequest(m.request)),
});

function isSpeedRequest(r: unknown): r is SpeedRequest {
  if (!isObj(r) || !isObj(r.model) || !isObj(r.model.graph)) return false;
  if (!isNum(r.batch) || !Number.isInteger(r.batch) || r.batch < 1) return false;
  if (r.engines !== undefined && !(isStrArray(r.engines) && r.engines.every(isEngineId))) return false;
  // Bounded: the host waits on it with a notification up.
  if (r.seconds !== undefined && !(isNum(r.seconds) && r.seconds > 0 && r.seconds <= 60)) return false;
  return r.engineDirs === undefined || isStrArray(r.engineDirs);
}

const isNumOrNull = (v: unknown) => v === null || (isNum(v) && Number.isFinite(v));
const isSkipped = (x: unknown) => isObj(x) && isStr(x.engine) && isStr(x.reason);

function isSpeedReport(r: unknown): r is SpeedReport {
  if (!isObj(r) || !isNum(r.batch) || !Array.isArray(r.rows) || !Array.isArray(r.skipped)) return false;
  const rowOk = (x: unknown) =>
    isObj(x) && isStr(x.engine) && isStr(x.device) && isNumOrNull(x.samples_per_s) && isNumOrNull(x.ms_per_step) && (x.reason === undefined || isStr(x.reason));
  return r.rows.every(rowOk) && r.skipped.every(isSkipped);
}

/** Validate a message arriving in the host. */
export const parseFromPredictWorker = protocol<FromPredictWorker>({
  ready: () => ({ type: 'ready' }),
  loaded: request((m) => isTryInfo(m.info) && isStr(m.engine)),
  result: request((m) => isTryOutput(m.output)),
  evaluation: request((m) => isEvaluation(m.evaluation)),
  probed: request((m) => isStr(m.engine) && isStr(m.device) && Array.isArray(m.skipped)),
  speedProgress: request((m) => isNum(m.done) && isNum(m.total) && (m.measuring === undefined || isStr(m.measuring)) && isSpeedReport(m.report)),
  speed: request((m) => isSpeedReport(m.report)),
  error: request((m) => isStr(m.message)),
});
