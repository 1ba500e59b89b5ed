/**
 * How far a run is and how long it has left, from its batch events: one home for the numbers the status bar
 * and the training view header show (batch x/N, elapsed, ETA, samples/s), so both say the same thing.
 */
import type { BatchPoint } from './events';

/** A point in a run: steps (batches since the run began) done at a time, in seconds. */
export interface StepSample {
  step: number;
  seconds: number;
}

/** Where a session stands, as its header shows it. */
export interface RunProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch, and in a whole epoch (unknown until the trainer says or an epoch ends). */
  batch?: number;
  batchesPerEpoch?: number;
  elapsedSeconds: number;
  etaSeconds?: number;
  samplesPerSec?: number;
}

/** Batches left in the run after `batch` of epoch `epoch` (1-based), each epoch `batchesPerEpoch` long. */
export function stepsLeft(epoch: number, epochs: number, batch: number, batchesPerEpoch: number): number {
  return Math.max(0, (epochs - epoch) * batchesPerEpoch + batchesPerEpoch - batch);
}

/**
 * Seconds left at the step rate measured between two samples. The first sample is the run's first batch
 * event, not its start: loading data and compiling the graph happen once and would inflate the estimate.
 * Undefined until two samples are apart in steps and in time.
 */
export function estimateEta(first: StepSample, last: StepSample, left: number): number | undefined {
  const steps = last.step - first.step;
  const seconds = last.seconds - first.seconds;
  if (steps <= 0 || seconds <= 0) return undefined;
  return (left * seconds) / steps;
}

/** A session's progress from its start time, its first and latest batch event, and the time now (ms). */
export function runProgress(o: {
  epochs: number;
  startedAt: number;
  now: number;
  first?: { point: BatchPoint; at: number };
  last?: { point: BatchPoint; at: number };
  /** The epoch shown when no batch arrived yet (e.g. from an epoch event). */
  epoch?: number;
}): RunProgress {
  const elapsedSeconds = Math.max(0, (o.now - o.startedAt) / 1000);
  const p = o.last?.point;
  const out: RunProgress = { epoch: Math.max(p?.epoch ?? 0, o.epoch ?? 0), epochs: o.epochs, elapsedSeconds };
  if (!p || !o.first || !o.last) return out;
  out.batch = p.batch;
  out.batchesPerEpoch = p.batches;
  out.samplesPerSec = p.samplesPerSec;
  if (p.batches) {
    const sample = (x: { point: BatchPoint; at: number }) => ({ step: x.point.step, seconds: x.at / 1000 });
    const eta = estimateEta(sample(o.first), sample(o.last), stepsLeft(p.epoch, o.epochs, p.batch, p.batches));
    // Time passed since the last event is already spent.
    if (eta !== undefined) out.etaSeconds = Math.max(0, eta - Math.max(0, (o.now - o.last.at) / 1000));
  }
  return out;
}

/** 42 → "0:42", 3725 → "1:02:05": a clock, as a progress display reads. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** 2345.6 → "2,346 samples/s"; 12.34 → "12.3 samples/s". */
export function formatRate(samplesPerSec: number): string {
  const v = samplesPerSec >= 100 ? Math.round(samplesPerSec).toLocaleString('en-US') : samplesPerSec.toFixed(1);
  return `${v} samples/s`;
}

/** The parts a progress line shows: "batch 120/469", "1:23 elapsed", "ETA 3:10", "2,346 samples/s". */
export function progressParts(p: RunProgress): string[] {
  const parts: string[] = [];
  if (p.batch !== undefined) parts.push(p.batchesPerEpoch ? `batch ${p.batch}/${p.batchesPerEpoch}` : `batch ${p.batch}`);
  parts.push(`${formatDuration(p.elapsedSeconds)} elapsed`);
  if (p.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  if (p.samplesPerSec !== undefined && Number.isFinite(p.samplesPerSec)) parts.push(formatRate(p.samplesPerSec));
  return parts;
}
