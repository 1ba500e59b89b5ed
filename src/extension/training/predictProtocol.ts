/**
 * Messages between the extension host and the short-lived "try the model" worker (predictWorker.ts), with
 * runtime validation. The channel uses Node's 'advanced' serialization so weights travel as typed arrays.
 */
import type { TrainingConfig } from '../../core/training';
import type { ModelFile } from '../../core/types';
import type { ProbeRow } from '../../engine/tfjs/benchmark';
import type { EngineId } from '../../engine/tfjs/engines';
import { isEvaluation, isTryInfo, isTryInput, isTryOutput, type Evaluation, type TryInfo, type TryInput, type TryOutput } from '../../protocol/training';

export interface LoadRequest {
  model: ModelFile;
  training?: TrainingConfig;
  /** Folder relative dataset paths are resolved against. */
  baseDir: string;
  cacheDir?: string;
  /** Inference is small: wasm (then cpu) unless the user chose an engine. */
  engine?: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  engineDirs?: string[];
  /** Seed for text sampling (tests). */
  seed?: number;
}

export type ToPredictWorker =
  | { type: 'load'; id: number; request: LoadRequest }
  | { type: 'predict'; id: number; input: TryInput }
  | { type: 'evaluate'; id: number; limit?: number }
  /** Which engine would train: loads and smoke-tests it (status bar, Select Engine). */
  | { type: 'probe'; id: number; engine: LoadRequest['engine']; engineDirs?: string[] }
  /** Measure this model's training speed on each engine (Select Engine, "Measure speed for this model"). */
  | { type: 'probeSpeed'; id: number; request: SpeedRequest };

/** engines.ts ENGINE_ORDER, repeated: the host must not import engines.ts at run time (it pulls in tfjs). */
const SPEED_ENGINES: readonly string[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] satisfies EngineId[];

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
  skipped: { engine: string; reason: string }[];
}

export type FromPredictWorker =
  | { type: 'ready' }
  | { type: 'loaded'; id: number; info: TryInfo; engine: string }
  | { type: 'result'; id: number; output: TryOutput }
  | { type: 'evaluation'; id: number; evaluation: Evaluation }
  | { type: 'probed'; id: number; engine: string; device: string; skipped: { engine: string; reason: string }[] }
  /** Sent before each engine (`measuring`) and after it (`report` so far); the answer is `speed`. */
  | { type: 'speedProgress'; id: number; done: number; total: number; measuring?: string; report: SpeedReport }
  | { type: 'speed'; id: number; report: SpeedReport }
  | { type: 'error'; id: number; message: string; hint?: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseToPredictWorker(v: unknown): ToPredictWorker | undefined {
  if (!isObj(v) || typeof v.id !== 'number') return undefined;
  switch (v.type) {
    case 'load': {
      const r = v.request;
      return isObj(r) && isObj(r.model) && isObj((r.model as Record<string, unknown>).graph) && typeof r.baseDir === 'string' ? (v as ToPredictWorker) : undefined;
    }
    case 'predict':
      return isTryInput(v.input) ? (v as ToPredictWorker) : undefined;
    case 'evaluate':
      return v.limit === undefined || (typeof v.limit === 'number' && v.limit > 0) ? (v as ToPredictWorker) : undefined;
    case 'probe':
      return v.engine === undefined || typeof v.engine === 'string' ? (v as ToPredictWorker) : undefined;
    case 'probeSpeed':
      return isSpeedRequest(v.request) ? (v as ToPredictWorker) : undefined;
    default:
      return undefined;
  }
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isSpeedRequest(r: unknown): r is SpeedRequest {
  if (!isObj(r) || !isObj(r.model) || !isObj(r.model.graph)) return false;
  if (typeof r.batch !== 'number' || !Number.isInteger(r.batch) || r.batch < 1) return false;
  if (r.engines !== undefined && !(isStringArray(r.engines) && r.engines.every((e) => SPEED_ENGINES.includes(e)))) return false;
  // Bounded: the host waits on it with a notification up.
  if (r.seconds !== undefined && !(typeof r.seconds === 'number' && r.seconds > 0 && r.seconds <= 60)) return false;
  return r.engineDirs === undefined || isStringArray(r.engineDirs);
}

const isNumOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

function isSpeedReport(r: unknown): r is SpeedReport {
  if (!isObj(r) || typeof r.batch !== 'number' || !Array.isArray(r.rows) || !Array.isArray(r.skipped)) return false;
  const rowOk = (x: unknown) =>
    isObj(x) &&
    typeof x.engine === 'string' &&
    typeof x.device === 'string' &&
    isNumOrNull(x.samples_per_s) &&
    isNumOrNull(x.ms_per_step) &&
    (x.reason === undefined || typeof x.reason === 'string');
  const skippedOk = (x: unknown) => isObj(x) && typeof x.engine === 'string' && typeof x.reason === 'string';
  return r.rows.every(rowOk) && r.skipped.every(skippedOk);
}

export function parseFromPredictWorker(v: unknown): FromPredictWorker | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'ready') return { type: 'ready' };
  if (typeof v.id !== 'number') return undefined;
  switch (v.type) {
    case 'loaded':
      return isTryInfo(v.info) && typeof v.engine === 'string' ? (v as FromPredictWorker) : undefined;
    case 'result':
      return isTryOutput(v.output) ? (v as FromPredictWorker) : undefined;
    case 'evaluation':
      return isEvaluation(v.evaluation) ? (v as FromPredictWorker) : undefined;
    case 'probed':
      return typeof v.engine === 'string' && typeof v.device === 'string' && Array.isArray(v.skipped) ? (v as FromPredictWorker) : undefined;
    case 'speedProgress':
      return typeof v.done === 'number' && typeof v.total === 'number' && (v.measuring === undefined || typeof v.measuring === 'string') && isSpeedReport(v.report)
        ? (v as FromPredictWorker)
        : undefined;
    case 'speed':
      return isSpeedReport(v.report) ? (v as FromPredictWorker) : undefined;
    case 'error':
      return typeof v.message === 'string' ? (v as FromPredictWorker) : undefined;
    default:
      return undefined;
  }
}
