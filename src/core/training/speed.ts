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
