/**
 * The contract every trainer implements (tfjs today in ./tfjs; Keras in Python and reinforcement learning
 * next): prepare a job, fit it under a control (pause / resume / stop), evaluate, predict, and report what
 * happens as events. The worker process (./job.ts) drives whichever trainer the job's engine belongs to
 * (./trainers.ts) and owns everything around it: the run folder, the messages to the host.
 */
import type { NamedTensor } from '../core/types';
import type { StartJob } from '../protocol/worker';
import type { TrainingControl } from './control';

/** A job as the host starts it (model, training config, data spec, engine choice, run folder). */
export type TrainingJob = StartJob;

/** One training step, throttled to a few a second. */
export interface BatchEvent {
  /** Steps completed since the first epoch (counting initial_epoch's). */
  step: number;
  /** 1-based, as the log and the status bar show it. */
  epoch: number;
  batch: number;
  /** Train metrics at this batch, Keras names: loss, acc/accuracy, mae, ... */
  metrics: Record<string, number>;
  lr?: number;
  samplesPerSec?: number;
  /** Seconds left for the whole run, at the current speed. */
  etaSeconds?: number;
}

/** One completed epoch: train metrics and `val_*` metrics as Keras' History names them. */
export interface EpochEvent {
  /** 1-based. */
  epoch: number;
  /** Steps completed when the epoch ended, so epoch points can sit on the batch axis. */
  step?: number;
  metrics: Record<string, number>;
  lr?: number;
  samplesPerSec?: number;
  /** Seconds the epoch took. */
  seconds: number;
  /** Seconds left for the remaining epochs, at the current speed. */
  etaSeconds: number;
  /** Tensor memory held by the engine and the process's resident memory, in bytes. */
  memory: { tensorBytes: number; rssBytes: number };
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

export type CheckpointKind = 'best' | 'last';

/** What the trainer says while it works; every member is optional. */
export interface TrainerEvents {
  /** The engine that runs the job, and the faster ones that were skipped (why, in plain words). */
  onEngine?(e: { engine: string; device: string; skipped: { engine: string; reason: string }[] }): void;
  /** The data as loaded, one line per split. */
  onData?(d: DataDescription): void;
  onBatch?(p: BatchEvent): void;
  onEpoch?(p: EpochEvent): void | Promise<void>;
  onHistograms?(items: HistogramItem[]): void;
  /** The weights are worth keeping (best and/or last). Awaited: the weights stay still meanwhile. */
  onCheckpoint?(kinds: CheckpointKind[], epoch: number, logs: Record<string, number>): Promise<void>;
  onLog?(line: string): void;
}

export interface DataDescription {
  train: string;
  validation?: string;
  test?: string;
  /** Whatever the dataset tells about itself (class names, vocabulary, ...), as config.json keeps it. */
  info?: Record<string, unknown>;
}

export type FitStatus = 'done' | 'stopped' | 'early-stopped' | 'nan';

/** Which weights the model holds at the end. */
export type FinalWeights = 'final' | 'last-batch' | 'last-epoch' | 'best';

export interface FitResult {
  status: FitStatus;
  /** Epochs completed (counting initial_epoch). */
  epochs: number;
  history: EpochEvent[];
  message?: string;
  weights: FinalWeights;
}

/** A dense array with its shape, for predict. */
export interface ArrayData {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A job whose engine, model and data are ready, and checked: fit fails no more on a bad option or shape. */
export interface PreparedJob {
  readonly engine: string;
  readonly device: string;
  readonly data: DataDescription;
  fit(control: TrainingControl, events: TrainerEvents): Promise<FitResult>;
  /** Keras' `model.evaluate` on the job's test split; undefined when the data has none. */
  evaluate(): Promise<Record<string, number> | undefined>;
  /** Keras' `model.predict` on a batch. */
  predict(x: ArrayData): Promise<ArrayData>;
  /** The model's current weights, Keras names. */
  weights(): Promise<NamedTensor[]>;
  dispose(): void;
}

export interface Trainer {
  /** Load the engine, build the model, load the data and check everything before the first batch. */
  prepare(job: TrainingJob, events: TrainerEvents): Promise<PreparedJob>;
}
