/**
 * The contract every trainer implements (tfjs today in ./tfjs; Keras in Python and reinforcement learning
 * next): prepare a job, fit it under a control (pause / resume / stop), evaluate, predict, and report what
 * happens as events. The worker process (./job.ts) drives whichever trainer the job's engine belongs to
 * (./trainers.ts) and owns everything around it: the run folder, the messages to the host.
 */
import type { BatchEvent, CheckpointKind, DoneStatus, EngineId, EpochEvent, HistogramItem, WeightsKept } from '../core/training';
import type { RlFrame } from '../core/rl';
import type { NamedTensor } from '../core/types';
import type { StartJob } from '../protocol/worker';
import type { TrainingControl } from './control';

// The events a trainer reports are training vocabulary (src/core/training/events.ts): the host, the status bar
// and the charts read the same types.
export type { BatchEvent, CheckpointKind, EpochEvent, HistogramItem };

/** A job as the host starts it (model, training config, data spec, engine choice, run folder). */
export type TrainingJob = StartJob;

/** What the trainer says while it works; every member is optional. */
export interface TrainerEvents {
  /** The engine that runs the job, and the faster ones that were skipped (why, in plain words). */
  onEngine?(e: { engine: EngineId; device: string; skipped: { engine: EngineId; reason: string }[] }): void;
  /** The data as loaded, one line per split. */
  onData?(d: DataDescription): void;
  onBatch?(p: BatchEvent): void;
  onEpoch?(p: EpochEvent): void | Promise<void>;
  onHistograms?(items: HistogramItem[]): void;
  /** The weights are worth keeping (best and/or last). Awaited: the weights stay still meanwhile. */
  onCheckpoint?(kinds: CheckpointKind[], epoch: number, logs: Record<string, number>): Promise<void>;
  onLog?(line: string): void;
  /** An RL run's animation frame (throttled by ./rl/frames.ts; never written to the run folder). */
  onFrame?(f: RlFrame): void;
}

export interface DataDescription {
  train: string;
  validation?: string;
  test?: string;
  samples: { train: number; validation?: number; test?: number };
  /** Whatever the dataset tells about itself (class names, vocabulary, ...), as config.json keeps it. */
  info: Record<string, unknown>;
}

/** How a fit ended: a run's end states, or a loss that became NaN (the job then fails). */
export type FitStatus = DoneStatus | 'nan';

/** Which weights the model holds at the end. */
export type FinalWeights = WeightsKept;

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
  readonly engine: EngineId;
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
