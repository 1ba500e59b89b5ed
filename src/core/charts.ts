/**
 * Drawing a run's curves: TensorBoard's smoothing, min/max decimation for long series, and the CSV export of
 * the charted points. No DOM here: the training view and the tests share it.
 */
import type { BatchPoint, EpochPoint } from './training/events';

/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased for its zero start
 * (tensorboard/plugins/scalar/vz_line_chart2/line-chart.ts `resmoothDataset`). `weight` in [0, 1).
 * Non-finite values are passed through and do not poison the average.
 */
export function smooth(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    const debias = w === 0 ? 1 : 1 - Math.pow(w, n);
    out[i] = last / debias;
  }
  return out;
}

/**
 * Min/max decimation for drawing a long series into `buckets` pixel columns: each bucket keeps the indices of
 * its first, min, max and last point (in x order), so spikes stay visible and the line looks like the full
 * series. x must be ascending. Returns every index when there are no more than 4 × buckets points.
 */
export function decimateIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, buckets: number): number[] {
  const n = xs.length;
  if (n <= buckets * 4 || buckets < 1) return Array.from({ length: n }, (_, i) => i);
  const x0 = xs[0];
  const span = xs[n - 1] - x0 || 1;
  const out: number[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const end = b === buckets - 1 ? Infinity : x0 + (span * (b + 1)) / buckets;
    const first = i;
    let minI = -1;
    let maxI = -1;
    while (i < n && xs[i] < end) {
      const v = ys[i];
      if (Number.isFinite(v)) {
        if (minI < 0 || v < ys[minI]) minI = i;
        if (maxI < 0 || v > ys[maxI]) maxI = i;
      }
      i++;
    }
    if (i === first) continue;
    const keep = [first, minI, maxI, i - 1].filter((k) => k >= 0).sort((a, b) => a - b);
    for (let k = 0; k < keep.length; k++) if (k === 0 || keep[k] !== keep[k - 1]) out.push(keep[k]);
  }
  return out;
}

/** `decimateIndices` applied: the kept x and y values (non-finite y as null, which uPlot draws as a gap). */
export function decimate(xs: ArrayLike<number>, ys: ArrayLike<number>, buckets: number): { x: number[]; y: (number | null)[] } {
  const idx = decimateIndices(xs, ys, buckets);
  return { x: idx.map((i) => xs[i]), y: idx.map((i) => (Number.isFinite(ys[i]) ? ys[i] : null)) };
}

/** Batch and epoch series as one CSV (a `kind` column tells them apart), every metric a column. */
export function metricsCsv(batches: readonly BatchPoint[], epochs: readonly EpochPoint[]): string {
  const keys: string[] = [];
  const add = (m: Record<string, number>) => {
    for (const k of Object.keys(m)) if (!keys.includes(k)) keys.push(k);
  };
  batches.forEach((b) => add(b.metrics));
  epochs.forEach((e) => add(e.metrics));
  const cell = (v: number | undefined) => (v === undefined ? '' : String(v));
  const rows = [['kind', 'step', 'epoch', 'batch', ...keys, 'lr', 'samples_per_s'].join(',')];
  for (const b of batches) rows.push(['batch', b.step, b.epoch, b.batch, ...keys.map((k) => cell(b.metrics[k])), cell(b.lr), cell(b.samplesPerSec)].join(','));
  for (const e of epochs) rows.push(['epoch', cell(e.step), e.epoch, '', ...keys.map((k) => cell(e.metrics[k])), cell(e.lr), cell(e.samplesPerSec)].join(','));
  return rows.join('\n') + '\n';
}
