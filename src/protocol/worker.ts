/**
 * The messages between a training host (extension host or CLI) and a training worker process, with runtime
 * validation on both sides: anything that does not validate is dropped. The channel uses Node's 'advanced'
 * IPC serialization, so weights travel as typed arrays, not JSON number lists.
 */
import type { TrainingConfig } from '../core/training';
import type { JsonObject, ModelFile } from '../core/types';
import type { BatchPoint, EpochPoint, HistogramItem } from './training';

export type EngineChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** Everything a worker needs to run one session. */
export interface StartJob {
  sessionId: string;
  /** The model as the host has it (possibly unsaved edits); the worker never writes the model file. */
  model: ModelFile;
  training: TrainingConfig;
  /** Keras loss arguments not in TrainingConfig (e.g. `from_logits`, huber's `delta`). */
  lossOptions?: { from_logits?: boolean; delta?: number };
  engine: EngineChoice;
  /** Extra folders the engine loader looks in (the extension's global storage). */
  engineDirs?: string[];
  /** Folder relative dataset paths are resolved against. */
  baseDir: string;
  /** Dataset cache (default Keras' ~/.keras/datasets). */
  cacheDir?: string;
  /** A separate validation set (data spec); otherwise training.validationSplit applies. */
  validationData?: string;
  /** The run folder: config.json, metrics.jsonl, checkpoints/, final/. */
  runDir: string;
  /** What Stop keeps by default: the last completed batch or the last completed epoch. */
  stopKeeps?: 'batch' | 'epoch';
  seed?: number;
  /** Limit batches per epoch (quick runs, tests). */
  stepsPerEpoch?: number;
}

export type HostToWorker =
  | { type: 'start'; job: StartJob }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop'; keep?: 'batch' | 'epoch' };

export interface EpochEventPoint extends EpochPoint {
  seconds: number;
  etaSeconds: number;
  memory: { tensorBytes: number; rssBytes: number };
}

export type DoneStatus = 'done' | 'stopped' | 'early-stopped';

export type WorkerToHost =
  | { type: 'ready'; pid: number }
  | { type: 'engine'; engine: string; device: string; skipped: { engine: string; reason: string }[] }
  | { type: 'data'; train: string; validation?: string; test?: string }
  | { type: 'state'; state: 'running' | 'paused' | 'stopping' }
  | { type: 'batch'; point: BatchPoint & { etaSeconds?: number } }
  | { type: 'epoch'; point: EpochEventPoint }
  | { type: 'histograms'; items: HistogramItem[] }
  | { type: 'checkpoint'; kinds: ('best' | 'last')[]; epoch: number; paths: string[] }
  | { type: 'log'; line: string }
  | {
      type: 'done';
      status: DoneStatus;
      epochs: number;
      /** The trained model (TF.js format) in the run folder. */
      finalPath: string;
      weights: 'final' | 'last-batch' | 'last-epoch' | 'best';
      message?: string;
      test?: Record<string, number>;
    }
  | { type: 'failed'; message: string; hint?: string; code?: string };

// ---------------------------------------------------------------------------------------------------------
// Validation

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';
const isOptStr = (v: unknown) => v === undefined || isStr(v);
const isOptNum = (v: unknown) => v === undefined || isNum(v);
const isMetrics = (v: unknown): v is Record<string, number> => isObj(v) && Object.values(v).every((x) => isNum(x) || x === null);
const ENGINES: readonly EngineChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
const KEEPS = ['batch', 'epoch'];

function isModelFile(v: unknown): v is ModelFile {
  if (!isObj(v) || !isObj(v.graph) || !Array.isArray(v.weights)) return false;
  const g = v.graph;
  return (
    isStr(g.name) && Array.isArray(g.layers) && Array.isArray(g.inputs) && Array.isArray(g.outputs) &&
    v.weights.every(
      (w) => isObj(w) && isStr(w.name) && Array.isArray(w.shape) && (w.data instanceof Float32Array || w.data instanceof Int32Array),
    )
  );
}

function isTrainingConfig(v: unknown): v is TrainingConfig {
  return (
    isObj(v) && isObj(v.optimizer) && isStr(v.optimizer.name) && isStr(v.loss) && Array.isArray(v.metrics) && v.metrics.every(isStr) &&
    isNum(v.epochs) && isNum(v.batchSize) && (v.dataset === null || isStr(v.dataset))
  );
}

function isStartJob(v: unknown): v is StartJob {
  return (
    isObj(v) && isStr(v.sessionId) && isModelFile(v.model) && isTrainingConfig(v.training) && ENGINES.includes(v.engine as EngineChoice) &&
    isStr(v.baseDir) && isStr(v.runDir) && isOptStr(v.cacheDir) && isOptStr(v.validationData) && isOptNum(v.seed) &&
    isOptNum(v.stepsPerEpoch) && (v.stopKeeps === undefined || KEEPS.includes(v.stopKeeps as string)) &&
    (v.engineDirs === undefined || (Array.isArray(v.engineDirs) && v.engineDirs.every(isStr))) &&
    (v.lossOptions === undefined || isObj(v.lossOptions))
  );
}

/** Validate a message arriving in the worker. */
export function parseHostToWorker(v: unknown): HostToWorker | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'start':
      return isStartJob(v.job) ? { type: 'start', job: v.job } : undefined;
    case 'pause':
    case 'resume':
      return { type: v.type };
    case 'stop':
      return v.keep === undefined || KEEPS.includes(v.keep as string) ? { type: 'stop', keep: v.keep as 'batch' | 'epoch' | undefined } : undefined;
    default:
      return undefined;
  }
}

/** Validate a message arriving in the host. */
export function parseWorkerToHost(v: unknown): WorkerToHost | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return isNum(v.pid) ? (v as WorkerToHost) : undefined;
    case 'engine':
      return isStr(v.engine) && isStr(v.device) && Array.isArray(v.skipped) && v.skipped.every((s) => isObj(s) && isStr(s.engine) && isStr(s.reason))
        ? (v as WorkerToHost)
        : undefined;
    case 'data':
      return isStr(v.train) && isOptStr(v.validation) && isOptStr(v.test) ? (v as WorkerToHost) : undefined;
    case 'state':
      return v.state === 'running' || v.state === 'paused' || v.state === 'stopping' ? (v as WorkerToHost) : undefined;
    case 'batch': {
      const p = v.point;
      return isObj(p) && isNum(p.step) && isNum(p.epoch) && isNum(p.batch) && isMetrics(p.metrics) && isOptNum(p.lr) ? (v as WorkerToHost) : undefined;
    }
    case 'epoch': {
      const p = v.point;
      return isObj(p) && isNum(p.epoch) && isMetrics(p.metrics) && isNum(p.seconds) && isNum(p.etaSeconds) && isObj(p.memory) ? (v as WorkerToHost) : undefined;
    }
    case 'histograms':
      return Array.isArray(v.items) && v.items.every((h) => isObj(h) && isStr(h.layer) && Array.isArray(h.counts)) ? (v as WorkerToHost) : undefined;
    case 'checkpoint':
      return Array.isArray(v.kinds) && isNum(v.epoch) && Array.isArray(v.paths) && v.paths.every(isStr) ? (v as WorkerToHost) : undefined;
    case 'log':
      return isStr(v.line) ? (v as WorkerToHost) : undefined;
    case 'done':
      return ['done', 'stopped', 'early-stopped'].includes(v.status as string) && isNum(v.epochs) && isStr(v.finalPath) && isStr(v.weights) &&
        isOptStr(v.message) && (v.test === undefined || isMetrics(v.test))
        ? (v as WorkerToHost)
        : undefined;
    case 'failed':
      return isStr(v.message) && isOptStr(v.hint) && isOptStr(v.code) ? (v as WorkerToHost) : undefined;
    default:
      return undefined;
  }
}

/** A training config as saved with a run (JSON-safe). */
export type RunConfig = JsonObject;
