/**
 * The live charts of one session: per metric, a per-batch chart (smoothed line over the faint raw trace) and
 * a per-epoch chart (train and validation overlaid, so over-fitting shows as the curves parting), plus
 * learning rate and samples/s. Points are kept in full; drawing decimates to the chart's pixel width, so
 * 100k batches draw as fast as 1k. Redraws are coalesced to one per animation frame.
 */
import type uPlot from 'uplot';
import { decimateIndices, metricsCsv, smooth } from '../../src/core/charts';
import { baseMetrics, type BatchPoint, type EpochPoint } from '../../src/core/training';
import { ChartCard, type ChartSpec } from './chartCard';
import { rlUnitOf, type RlUnit } from '../../src/core/rl/watch';
import { chartedMetrics, rlCharts, type ChartedMetric, type RlChart } from './chartedMetrics';
import { h } from './dom';
import { palette } from './theme';

/** Every batch point of a session, column-wise (the charts' own layout), plus the epoch points. */
export class SeriesStore {
  readonly points: BatchPoint[] = [];
  readonly steps: number[] = [];
  readonly columns = new Map<string, number[]>();
  readonly lr: number[] = [];
  readonly sps: number[] = [];
  epochs: EpochPoint[] = [];

  addBatches(points: readonly BatchPoint[]): void {
    for (const p of points) {
      // Out-of-order or repeated steps (a resent snapshot overlapping live events) are ignored.
      if (this.steps.length && p.step <= this.steps[this.steps.length - 1]) continue;
      const n = this.steps.length;
      this.points.push(p);
      this.steps.push(p.step);
      for (const [k, v] of Object.entries(p.metrics)) {
        let col = this.columns.get(k);
        if (!col) {
          col = new Array<number>(n).fill(NaN);
          this.columns.set(k, col);
        }
        col.push(v === null ? NaN : v);
      }
      for (const col of this.columns.values()) if (col.length < n + 1) col.push(NaN);
      this.lr.push(p.lr ?? NaN);
      this.sps.push(p.samplesPerSec ?? NaN);
    }
  }

  addEpoch(p: EpochPoint): void {
    const i = this.epochs.findIndex((e) => e.epoch === p.epoch);
    if (i >= 0) this.epochs[i] = p;
    else this.epochs.push(p);
    this.epochs.sort((a, b) => a.epoch - b.epoch);
  }

  get metricNames(): string[] {
    const keys = new Set<string>(this.columns.keys());
    for (const e of this.epochs) for (const k of Object.keys(e.metrics)) keys.add(k);
    return baseMetrics(keys);
  }

  csv(): string {
    return metricsCsv(this.points, this.epochs);
  }
}

export interface ChartOptions {
  smoothing: number;
  logScale: boolean;
}

const positive = (log: boolean) => (v: number | null) => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v);

export class LiveCharts {
  readonly el: HTMLElement;
  private readonly cards = new Map<string, ChartCard>();
  private frame = 0;
  store = new SeriesStore();

  constructor(private opts: ChartOptions) {
    this.el = h('div', { className: 'chart-grid', id: 'live-charts' });
  }

  setOptions(opts: Partial<ChartOptions>): void {
    this.opts = { ...this.opts, ...opts };
    this.schedule();
  }

  reset(): void {
    this.store = new SeriesStore();
    for (const c of this.cards.values()) c.destroy();
    this.cards.clear();
    this.schedule();
  }

  addBatches(points: readonly BatchPoint[]): void {
    this.store.addBatches(points);
    this.schedule();
  }

  addEpoch(p: EpochPoint): void {
    this.store.addEpoch(p);
    this.schedule();
  }

  /** Redraw on the next animation frame (many messages in one frame cost one redraw). */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redraw();
    });
  }

  /** Charts, how many points each draws and what its legend says, for the status line and tests. */
  info(): { id: string; points: number; title: string; series: string[] }[] {
    return [...this.cards.values()].map((c) => ({ id: c.id, points: c.pointCount, title: c.title, series: c.labels }));
  }

  csv(): string {
    return this.store.csv();
  }

  private card(id: string, spec: ChartSpec): ChartCard {
    let c = this.cards.get(id);
    if (!c) {
      c = new ChartCard(id, spec);
      this.cards.set(id, c);
      this.el.append(c.el);
    }
    return c;
  }

  redraw(): void {
    const s = this.store;
    const colors = palette().series;
    const log = this.opts.logScale;
    const unit = rlUnitOf(s.metricNames);
    if (unit) for (const c of rlCharts(s.metricNames, colors, unit)) this.rlChart(c, unit, log);
    else {
      for (const c of chartedMetrics(s.metricNames, colors)) {
        this.batchChart(c, log);
        this.epochChart(c, log);
      }
    }
    this.extraChart('lr', 'learning rate', 'lr', s.lr, colors[3], log, unit);
    // An RL run's "samples" are environment steps.
    this.extraChart('sps', unit ? 'steps/s' : 'samples/s', 'samples/s', s.sps, colors[2], false, unit);
  }

  /** An RL run's chart: its metrics per episode (or iteration), drawn together. */
  private rlChart(c: RlChart, unit: RlUnit, log: boolean): void {
    const pos = positive(log);
    const rows = this.store.epochs.filter((e) => c.series.some((x) => x.key in e.metrics));
    if (!rows.length) return;
    const data: uPlot.AlignedData = [rows.map((e) => e.epoch), ...c.series.map((x) => rows.map((e) => pos(e.metrics[x.key] ?? null)))];
    const spec: ChartSpec = { title: c.title, xLabel: unit, metric: c.metric, series: c.series.map(({ label, color, points, width }) => ({ label, color, points, width })), logScale: log };
    this.card(c.id, spec).update(spec, data);
  }

  /** One metric per batch: the faint raw trace under the smoothed line. */
  private batchChart(c: ChartedMetric, log: boolean): void {
    const s = this.store;
    const pos = positive(log);
    const raw = s.columns.get(c.key);
    if (!raw || !raw.some(Number.isFinite)) return;
    const spec: ChartSpec = { title: `${c.title} per batch`, xLabel: 'batch', metric: c.metric, output: c.output, series: [], logScale: log };
    const card = this.card(`batch:${c.key}`, spec);
    const sm = smooth(raw, this.opts.smoothing);
    const idx = decimateIndices(s.steps, raw, card.width);
    const data: uPlot.AlignedData = [idx.map((i) => s.steps[i]), idx.map((i) => pos(raw[i])), idx.map((i) => pos(sm[i]))];
    const series = [
      { label: `${c.label} (raw)`, color: c.color, faint: true },
      { label: `${c.label} (smoothed)`, color: c.color },
    ];
    card.update({ ...spec, series }, data);
  }

  /** One metric per epoch, train and validation overlaid (so over-fitting shows as the curves parting). */
  private epochChart(c: ChartedMetric, log: boolean): void {
    const pos = positive(log);
    const val = `val_${c.key}`;
    const withEpoch = this.store.epochs.filter((e) => c.key in e.metrics || val in e.metrics);
    if (!withEpoch.length) return;
    const hasVal = withEpoch.some((e) => val in e.metrics);
    const data: uPlot.AlignedData = [
      withEpoch.map((e) => e.epoch),
      withEpoch.map((e) => pos(e.metrics[c.key] ?? null)),
      ...(hasVal ? [withEpoch.map((e) => pos(e.metrics[val] ?? null))] : []),
    ];
    const spec: ChartSpec = { title: `${c.title} per epoch`, xLabel: 'epoch', metric: c.metric, output: c.output, series: [], logScale: log };
    const series = [
      { label: `train ${c.label}`, color: c.train, points: true },
      ...(hasVal ? [{ label: `val ${c.label}`, color: c.val, points: true, dashed: true }] : []),
    ];
    this.card(`epoch:${c.key}`, spec).update({ ...spec, series }, data);
  }

  /** Learning rate and samples/s: per batch when the events carry them, else per epoch. */
  private extraChart(id: string, title: string, metric: string, column: number[], color: string, log: boolean, unit?: RlUnit): void {
    const s = this.store;
    const pos = positive(log);
    const fromEpochs = s.epochs.map((e) => (id === 'lr' ? e.lr : e.samplesPerSec) ?? NaN);
    const useBatches = column.some(Number.isFinite);
    if (!useBatches && !fromEpochs.some(Number.isFinite)) return;
    const card = this.card(id, { title, xLabel: 'batch', metric, series: [], logScale: log });
    let data: uPlot.AlignedData;
    let xLabel = 'batch';
    if (useBatches) {
      const idx = decimateIndices(s.steps, column, card.width);
      data = [idx.map((i) => s.steps[i]), idx.map((i) => pos(column[i]))];
    } else {
      xLabel = unit ?? 'epoch';
      data = [s.epochs.map((e) => e.epoch), fromEpochs.map((v) => pos(v))];
    }
    card.update({ title, xLabel, metric, logScale: log, series: [{ label: title, color, points: !useBatches }] }, data);
  }
}
