/**
 * Run-history logic that needs neither vscode nor the file system: parsing a run's metrics lines, final and
 * best values, which hyper-parameters differ between runs, curve smoothing and decimation for drawing.
 * The training view (browser) and the host both use it.
 */
import type { BatchPoint, EpochPoint, HistogramItem, RunInfo } from '../protocol/training';

// ---------------------------------------------------------------------------------------------------------
// Smoothing and decimation

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

// ---------------------------------------------------------------------------------------------------------
// Metric names

/** Metrics where lower is better (losses and errors); everything else (accuracy, auc, ...) is higher-better. */
export function lowerIsBetter(metric: string): boolean {
  const m = metric.replace(/^val_/, '');
  return /loss|error|mae|mse|mape|msle|crossentropy|hinge|huber|kl|poisson/.test(m) && !/accuracy|acc$/.test(m);
}

/** The base metric names of a set of keys: `loss`, `acc` for `loss`, `val_loss`, `acc`, `val_acc`. */
export function baseMetrics(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const k of keys) out.add(k.replace(/^val_/, ''));
  // Loss first, then the others in first-seen order.
  return [...out].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
}

/** A short label for a metric's value: accuracy-like as a percentage, others with 3-4 significant digits. */
export function formatMetric(name: string, v: number | undefined): string {
  if (v === undefined || v === null) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (/acc/.test(name) && v >= 0 && v <= 1) return `${(v * 100).toFixed(1)}%`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  // Three significant digits below 1 (0.123, 0.0421), three decimals up to 100, one above.
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(3) : String(Number(v.toPrecision(3)));
}

// ---------------------------------------------------------------------------------------------------------
// metrics.jsonl

export interface RunMetrics {
  batches: BatchPoint[];
  epochs: EpochPoint[];
  histograms: HistogramItem[];
  /** The `end` line: how the run ended, and its test-set metrics when it was evaluated. */
  end?: { state: string; reason?: string; test?: Record<string, number> };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : v === null ? NaN : undefined);

function metricsOf(o: Record<string, unknown>): Record<string, number> {
  const src = (typeof o.metrics === 'object' && o.metrics !== null ? o.metrics : typeof o.logs === 'object' && o.logs !== null ? o.logs : {}) as Record<
    string,
    unknown
  >;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(src)) {
    const n = num(v);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/**
 * Parse a run's `metrics.jsonl`. Each line is one event: `{type: 'batch' | 'epoch' | 'histogram' | ..., ...}`
 * (also `kind` instead of `type`). Unknown and broken lines are skipped: a run killed mid-write ends with a
 * partial line, and the rest of the file is still good.
 */
export function parseMetricsJsonl(text: string): RunMetrics {
  const out: RunMetrics = { batches: [], epochs: [], histograms: [] };
  let step = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof o !== 'object' || o === null) continue;
    const type = (o.type ?? o.kind ?? o.event) as string | undefined;
    if (type === 'batch') {
      const s = num(o.step) ?? step;
      step = s + 1;
      out.batches.push({
        step: s,
        epoch: num(o.epoch) ?? 0,
        batch: num(o.batch) ?? 0,
        metrics: metricsOf(o),
        lr: num(o.lr ?? o.learningRate),
        samplesPerSec: num(o.samplesPerSec ?? o.samples_per_s),
      });
    } else if (type === 'epoch') {
      out.epochs.push({
        epoch: num(o.epoch) ?? out.epochs.length,
        step: num(o.step) ?? (out.batches.length ? out.batches[out.batches.length - 1].step + 1 : undefined),
        metrics: metricsOf(o),
        lr: num(o.lr ?? o.learningRate),
        samplesPerSec: num(o.samplesPerSec ?? o.samples_per_s),
      });
    } else if (type === 'histogram' || type === 'histograms') {
      const items = Array.isArray(o.items) ? o.items : [o];
      for (const it of items as Record<string, unknown>[]) {
        const h = histogramOf(it, num(o.epoch));
        if (h) out.histograms.push(h);
      }
    } else if (type === 'done' || type === 'failed' || type === 'stopped' || type === 'end') {
      const test = o.test && typeof o.test === 'object' ? metricsOf({ metrics: o.test }) : undefined;
      out.end = {
        state: type === 'end' ? String(o.status ?? o.state ?? 'done') : type,
        reason: typeof o.reason === 'string' ? o.reason : typeof o.message === 'string' ? o.message : undefined,
        test,
      };
    }
  }
  return out;
}

/** A histogram from an event; accepts `counts` with `min`/`max` or with `edges` (bin edges, counts+1 long). */
export function histogramOf(it: Record<string, unknown>, epoch?: number): HistogramItem | undefined {
  const counts = it.counts;
  if (!Array.isArray(counts) || !counts.every((c) => typeof c === 'number')) return undefined;
  const edges = Array.isArray(it.edges) ? (it.edges as number[]) : undefined;
  const min = num(it.min) ?? edges?.[0];
  const max = num(it.max) ?? edges?.[edges.length - 1];
  const layer = typeof it.layer === 'string' ? it.layer : typeof it.name === 'string' ? it.name : undefined;
  const kind = it.kind === 'activations' || it.what === 'activations' || it.type === 'activations' ? 'activations' : 'weights';
  const ep = num(it.epoch) ?? epoch;
  if (min === undefined || max === undefined || layer === undefined || ep === undefined) return undefined;
  return { epoch: ep, layer, kind, min, max, counts: counts as number[] };
}

// ---------------------------------------------------------------------------------------------------------
// Summaries and comparison

/** Final and best value of every metric over a run's epochs (best = min for losses, max otherwise). */
export function finalAndBest(epochs: readonly EpochPoint[]): { final: Record<string, number>; best: Record<string, number> } {
  const final: Record<string, number> = {};
  const best: Record<string, number> = {};
  for (const e of epochs) {
    for (const [k, v] of Object.entries(e.metrics)) {
      if (!Number.isFinite(v)) continue;
      final[k] = v;
      if (best[k] === undefined || (lowerIsBetter(k) ? v < best[k] : v > best[k])) best[k] = v;
    }
  }
  return { final, best };
}

type Flat = Record<string, string | number | boolean>;

/** Flatten a run config to `optimizer=adam`, `optimizer.learning_rate=0.001`, `batchSize=32`, ... */
export function flattenHyper(config: unknown, prefix = ''): Flat {
  const out: Flat = {};
  if (typeof config !== 'object' || config === null) return out;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else if (Array.isArray(v)) out[key] = v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
    else if (v && typeof v === 'object') {
      // The optimizer's name is its identity: `optimizer: adam` reads better than `optimizer.name: adam`.
      const o = v as Record<string, unknown>;
      if (typeof o.name === 'string' && k === 'optimizer') out[key] = o.name;
      Object.assign(out, flattenHyper(k === 'optimizer' && o.params ? o.params : Object.fromEntries(Object.entries(o).filter(([kk]) => kk !== 'name')), key));
    }
  }
  return out;
}

/** The hyper-parameter keys whose values are not the same in all the given runs (in first-seen order). */
export function differingHyper(runs: readonly { hyper: Flat }[]): string[] {
  const keys: string[] = [];
  for (const r of runs) for (const k of Object.keys(r.hyper)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((k) => {
    const vals = new Set(runs.map((r) => (k in r.hyper ? String(r.hyper[k]) : '∅')));
    return vals.size > 1;
  });
}

/** A legend label for a run: the differing hyper-parameters, e.g. `optimizer=sgd momentum=0.9`. */
export function runLabel(run: { name: string; hyper: Flat }, differing: readonly string[]): string {
  if (differing.length === 0) return run.name;
  const parts = differing
    .filter((k) => k in run.hyper)
    .map((k) => `${k.replace(/^optimizer\./, '')}=${run.hyper[k]}`);
  return parts.length ? parts.join(' ') : run.name;
}

/** A RunInfo from a run's config and metrics (as read from its folder). */
export function runInfo(id: string, model: string, config: Record<string, unknown>, metrics: RunMetrics): RunInfo {
  const training = (config.training ?? config.trainingConfig ?? config) as Record<string, unknown>;
  const hyper = flattenHyper(pickHyper(training));
  const { final, best } = finalAndBest(metrics.epochs);
  // Test-set metrics (evaluated once, at the end) sit beside the final ones as `test_<metric>`.
  for (const [k, v] of Object.entries(metrics.end?.test ?? {})) if (Number.isFinite(v)) final[`test_${k}`] = best[`test_${k}`] = v;
  return {
    id,
    model,
    name: typeof config.label === 'string' ? config.label : typeof config.name === 'string' ? config.name : id,
    startedAt: typeof config.startedAt === 'string' ? config.startedAt : undefined,
    state: metrics.end?.state ?? (typeof config.state === 'string' ? config.state : undefined),
    hyper,
    final,
    best,
    epochs: metrics.epochs,
  };
}

/** The parts of a training config that are hyper-parameters (not paths, callbacks' internals or ids). */
function pickHyper(t: Record<string, unknown>): Record<string, unknown> {
  const keep = ['dataset', 'optimizer', 'loss', 'metrics', 'epochs', 'batchSize', 'validationSplit', 'shuffle', 'engine', 'seed'];
  return Object.fromEntries(Object.entries(t).filter(([k]) => keep.includes(k)));
}

// ---------------------------------------------------------------------------------------------------------
// CSV

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
