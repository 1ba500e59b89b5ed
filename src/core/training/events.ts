/**
 * What a trainer reports while it runs, from the fit loop to the status bar, the charts and metrics.jsonl:
 * one event type for a batch, one for an epoch, and the per-layer histograms.
 */

/** One throttled per-batch event of a session. `step` counts batches from the start of the run. */
export interface BatchPoint {
  step: number;
  epoch: number;
  /** Batches done in this epoch (1 after the first). */
  batch: number;
  /** Batches in a whole epoch, when the trainer knows it (the progress display's N in "batch x/N"). */
  batches?: number;
  /** Train metrics at this batch, Keras names: loss, acc/accuracy, mae, ... */
  metrics: Record<string, number>;
  lr?: number;
  samplesPerSec?: number;
}

/** A batch event as the trainer sends it: the chart point and the time left. */
export interface BatchEvent extends BatchPoint {
  etaSeconds?: number;
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

/** An epoch event as the trainer sends it: the chart point, its timing and memory. */
export interface EpochEvent extends EpochPoint {
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
