/** A training-speed measurement of one model on one engine (`model-studio bench`, the engine picker). */
import type { EngineId } from './engines';

/** Speed of training steps on synthetic data of the model's shapes, after warm-up. */
export interface TrainingSpeed {
  engine: string;
  device: string;
  batch: number;
  /** null when not measured; with `skipped` set, an estimate from a batch of 8. */
  samples_per_s: number | null;
  ms_per_step: number | null;
  /** Timed steps (warm-up excluded). */
  steps: number;
  /** Did the loss go down over the timed steps (a sanity check that the engine trains, not just runs). */
  loss_decreased: boolean | null;
  /** Why the full measurement was not run (one step would take too long on this engine). */
  skipped?: string;
}

/** One engine's result in a probe: measured, or loaded but not measurable (`reason`). */
export interface ProbeRow extends TrainingSpeed {
  engine: EngineId;
  /** Set when the engine loaded but the model could not be (fully) measured on it. */
  reason?: string;
}

/**
 * The speed a run of the model measured (its last epoch: samples per second, validation included), and the
 * rows of its data before the validation split and subset (undefined when steps_per_epoch cut its epochs).
 */
export interface MeasuredSpeed {
  samplesPerSec: number;
  dataRows?: number;
  runId: string;
}

type EpochShape = { stepsPerEpoch?: number; subset?: number; validationSplit: number; batchSize: number };

/** A MeasuredSpeed from a run's last epoch (samples/s and seconds, as metrics.jsonl has them) and its config. */
export function measuredSpeed(runId: string, epoch: { samplesPerSec?: unknown; seconds?: unknown }, run: EpochShape): MeasuredSpeed | undefined {
  const sps = epoch.samplesPerSec;
  const seconds = epoch.seconds;
  if (typeof sps !== 'number' || !(sps > 0) || typeof seconds !== 'number' || !(seconds > 0)) return undefined;
  const seen = sps * seconds;
  // With steps_per_epoch the epoch saw only part of the data: its size says nothing about the data's.
  const dataRows = run.stepsPerEpoch ? undefined : Math.round(seen / (run.subset ?? 1) / (1 - run.validationSplit));
  return { samplesPerSec: sps, dataRows, runId };
}

/**
 * Seconds an epoch of `t` would take at the measured speed: its training rows (the data after the validation
 * split, times the subset; at most steps_per_epoch batches) over samples per second. Undefined when the
 * rows are unknown (the run was cut by steps_per_epoch and `t` sets none).
 */
export function estimateEpochSeconds(speed: MeasuredSpeed, t: EpochShape): number | undefined {
  const byData = speed.dataRows === undefined ? Infinity : speed.dataRows * (1 - t.validationSplit) * (t.subset ?? 1);
  const bySteps = t.stepsPerEpoch ? t.stepsPerEpoch * t.batchSize : Infinity;
  const rows = Math.min(byData, bySteps);
  return Number.isFinite(rows) ? rows / speed.samplesPerSec : undefined;
}

/** "about 12 s", "about 3 min", "about 1.5 h": an estimate, so rounded. */
export function formatApproxDuration(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

/** The Training panel's line: "An epoch: about 12 s at 230 samples/s (measured by run X)"; undefined when unknown. */
export function epochEstimateText(speed: MeasuredSpeed | null | undefined, t: EpochShape): string | undefined {
  if (!speed) return undefined;
  const valid = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n > 0);
  if (!(t.batchSize > 0) || !(t.validationSplit >= 0 && t.validationSplit < 1) || !valid(t.stepsPerEpoch) || !valid(t.subset)) return undefined;
  const s = estimateEpochSeconds(speed, t);
  if (s === undefined) return undefined;
  return `An epoch: ${formatApproxDuration(s)} at ${Math.round(speed.samplesPerSec)} samples/s (measured by run ${speed.runId})`;
}
