/**
 * The metrics file of a run folder, `metrics.jsonl`: one JSON object per line, `{type: 'epoch', ...}` for each
 * epoch (an EpochEvent) and one `{type: 'end', ...}` line when the run ends. The trainer writes these lines; the
 * run list and the charts read them back with `parseMetricsJsonl`, which also accepts batch and histogram lines.
 */
import type { BatchPoint, EpochEvent, EpochPoint, HistogramItem } from './events';
import type { DoneStatus, WeightsKept } from './sessions';

/** An epoch line: the epoch event as the trainer reported it. */
export type EpochLine = { type: 'epoch' } & EpochEvent;

/** The last line: how the run ended, and its test-set metrics when it was evaluated. */
export type EndLine =
  | { type: 'end'; status: 'failed'; message?: string }
  | { type: 'end'; status: DoneStatus; epochs: number; weights: WeightsKept; message: string | null; test: Record<string, number> | null };

/** A line the trainer writes. */
export type MetricsLine = EpochLine | EndLine;

/** One line of the file. */
export const metricsLine = (l: MetricsLine): string => `${JSON.stringify(l)}\n`;

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
