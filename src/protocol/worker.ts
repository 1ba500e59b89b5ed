/**
 * The messages between a training host (extension host or CLI) and a training worker process, with runtime
 * validation on both sides: anything that does not validate is dropped. The channel uses Node's 'advanced'
 * IPC serialization, so weights travel as typed arrays, not JSON number lists.
 */
import { isMetrics, isNum, isObj, isOneOf, isOptNum, isOptStr, isStr, isStrArray } from '../core/guards';
import {
  clusterProblems,
  isDevicesChoice,
  DONE_STATUSES,
  ENGINE_CHOICES,
  STOP_KEEPS,
  WORKER_STATES,
  type BatchEvent,
  type CheckpointKind,
  type ClusterSpec,
  type DoneStatus,
  type EngineChoice,
  type EpochEvent,
  type HistogramItem,
  type SkippedEngine,
  type LossOptions,
  type StopKeeps,
  type TrainingConfig,
  type WeightsKept,
  type WorkerState,
} from '../core/training';
import { isRlFrame, type RlFrame } from '../core/rl/watch';
import type { ModelFile } from '../core/types';
import { command, notification, protocol } from './message';

/** Everything a worker needs to run one session. */
export interface StartJob {
  sessionId: string;
  /** The model as the host has it (possibly unsaved edits); the worker never writes the model file. */
  model: ModelFile;
  training: TrainingConfig;
  /** Keras loss arguments not in TrainingConfig (e.g. `from_logits`, huber's `delta`). */
  lossOptions?: LossOptions;
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
  stopKeeps?: StopKeeps;
  seed?: number;
  /** Limit batches per epoch (quick runs, tests). */
  stepsPerEpoch?: number;
  /** The keras engine's Python (setting modelStudio.python.interpreter, CLI --python); else found on PATH. */
  python?: string;
  /** The keras engine: data-parallel over this many local devices, or all of them (JAX backend). */
  devices?: number | 'all';
  /** The keras engine: one of several processes training together (keras.distribution.initialize, JAX). */
  cluster?: ClusterSpec;
}

export type HostToWorker =
  /** `watching`: whether someone watches the animation from the start (later changes come as `frames`). */
  | { type: 'start'; job: StartJob; watching?: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop'; keep?: StopKeeps }
  /** Whether someone watches the run's animation: an RL trainer sends frames only then. */
  | { type: 'frames'; on: boolean };

export type WorkerToHost =
  | { type: 'ready'; pid: number }
  | { type: 'engine'; engine: string; device: string; skipped: SkippedEngine[] }
  /** The data a run uses: a line per split for people, and the sample counts for progress bars. */
  | { type: 'data'; train: string; validation?: string; test?: string; samples: { train: number; validation?: number; test?: number } }
  | { type: 'state'; state: WorkerState }
  | { type: 'batch'; point: BatchEvent }
  | { type: 'epoch'; point: EpochEvent }
  | { type: 'histograms'; items: HistogramItem[] }
  | { type: 'checkpoint'; kinds: CheckpointKind[]; epoch: number; paths: string[] }
  | { type: 'log'; line: string }
  /** An RL run's animation frame (core/rl/watch.ts), throttled in the worker. */
  | { type: 'frame'; frame: RlFrame }
  | {
      type: 'done';
      status: DoneStatus;
      epochs: number;
      /** The trained model (TF.js format) in the run folder. */
      finalPath: string;
      weights: WeightsKept;
      message?: string;
      test?: Record<string, number>;
    }
  | { type: 'failed'; message: string; hint?: string; code?: string };

// ---------------------------------------------------------------------------------------------------------
// Validation

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

function isClusterSpec(v: unknown): v is ClusterSpec {
  return isObj(v) && isStr(v.coordinator) && isNum(v.processes) && isNum(v.processId) && Object.keys(clusterProblems(v as unknown as ClusterSpec)).length === 0;
}

function isStartJob(v: unknown): v is StartJob {
  return (
    isObj(v) && isStr(v.sessionId) && isModelFile(v.model) && isTrainingConfig(v.training) && isOneOf<EngineChoice>(ENGINE_CHOICES, v.engine) &&
    isStr(v.baseDir) && isStr(v.runDir) && isOptStr(v.cacheDir) && isOptStr(v.validationData) && isOptNum(v.seed) &&
    isOptNum(v.stepsPerEpoch) && (v.stopKeeps === undefined || isOneOf(STOP_KEEPS, v.stopKeeps)) &&
    (v.engineDirs === undefined || isStrArray(v.engineDirs)) &&
    (v.lossOptions === undefined || isObj(v.lossOptions)) && isOptStr(v.python) &&
    (v.devices === undefined || isDevicesChoice(v.devices)) &&
    (v.cluster === undefined || isClusterSpec(v.cluster))
  );
}

/** Validate a message arriving in the worker. */
export const parseHostToWorker = protocol<HostToWorker>({
  start: (m) => (isStartJob(m.job) && (m.watching === undefined || typeof m.watching === 'boolean') ? { type: 'start', job: m.job, watching: m.watching === true } : undefined),
  pause: command(),
  resume: command(),
  stop: (m) => (m.keep === undefined || isOneOf(STOP_KEEPS, m.keep) ? { type: 'stop', keep: m.keep } : undefined),
  frames: (m) => (typeof m.on === 'boolean' ? { type: 'frames', on: m.on } : undefined),
});

const isSkipped = (v: unknown) => Array.isArray(v) && v.every((s) => isObj(s) && isStr(s.engine) && isStr(s.reason));

/** Validate a message arriving in the host. */
export const parseWorkerToHost = protocol<WorkerToHost>({
  ready: notification((m) => isNum(m.pid)),
  engine: notification((m) => isStr(m.engine) && isStr(m.device) && isSkipped(m.skipped)),
  data: notification((m) => isStr(m.train) && isOptStr(m.validation) && isOptStr(m.test) && isObj(m.samples) && isNum(m.samples.train)),
  state: notification((m) => isOneOf(WORKER_STATES, m.state)),
  batch: notification(({ point: p }) => isObj(p) && isNum(p.step) && isNum(p.epoch) && isNum(p.batch) && isMetrics(p.metrics) && isOptNum(p.lr)),
  epoch: notification(({ point: p }) => isObj(p) && isNum(p.epoch) && isMetrics(p.metrics) && isNum(p.seconds) && isNum(p.etaSeconds) && isObj(p.memory)),
  histograms: notification((m) => Array.isArray(m.items) && m.items.every((h) => isObj(h) && isStr(h.layer) && Array.isArray(h.counts))),
  checkpoint: notification((m) => Array.isArray(m.kinds) && isNum(m.epoch) && isStrArray(m.paths)),
  log: notification((m) => isStr(m.line)),
  frame: notification((m) => isRlFrame(m.frame)),
  done: notification(
    (m) =>
      isOneOf(DONE_STATUSES, m.status) && isNum(m.epochs) && isStr(m.finalPath) && isStr(m.weights) && isOptStr(m.message) && (m.test === undefined || isMetrics(m.test)),
  ),
  failed: notification((m) => isStr(m.message) && isOptStr(m.hint) && isOptStr(m.code)),
});
