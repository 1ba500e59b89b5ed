/**
 * One uPlot chart in a card: title, PNG export, resize with its container. Charts are rebuilt (not patched)
 * when their series or scale type change; data updates go through `setData`, which is cheap.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMetric } from '../../src/core/training';
import { button, h } from './dom';
import { palette, withAlpha } from './theme';
import { post } from './vscodeApi';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Faint raw trace under a smoothed line. */
  faint?: boolean;
  dashed?: boolean;
  points?: boolean;
  width?: number;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  /** Metric name used to format values in the hover readout (accuracy as %, ...). */
  metric: string;
  /** The model output the chart belongs to (models with several outputs). */
  output?: string;
  series: SeriesSpec[];
  logScale: boolean;
  height?: number;
}

/** Axis ticks: the metric's format without trailing zeros ("2.000" → "2", "0.500" → "0.5"). */
const tick = (metric: string, v: number) => {
  const t = formatMetric(metric, v);
  return /^-?\d+\.\d+$/.test(t) ? t.replace(/\.?0+$/, '') : t;
};

const keyOf = (s: ChartSpec) => JSON.stringify([s.series.map((x) => [x.label, x.color, x.faint, x.dashed, x.points]), s.logScale, s.xLabel]);

export class ChartCard {
  readonly el: HTMLElement;
  private readonly plotEl: HTMLElement;
  private plot: uPlot | undefined;
  private key = '';
  private spec: ChartSpec;
  private data: uPlot.AlignedData = [[]];
  private readonly resize: ResizeObserver;

  constructor(
    readonly id: string,
    spec: ChartSpec,
  ) {
    this.spec = spec;
    this.plotEl = h('div', { className: 'plot' });
    const title = h('h3', { className: 'chart-title' }, spec.title);
    this.el = h(
      'section',
      { className: 'chart-card', 'data-chart': id, 'aria-label': spec.title, 'data-output': spec.output },
      h('header', {}, title, button('', () => this.exportPng(), { icon: 'device-camera', secondary: true, title: `Export "${spec.title}" as PNG` })),
      this.plotEl,
    );
    // Size follows the card; the first observation creates the plot at the right width.
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.plotEl);
  }

  /** Width available for drawing, which is also the number of decimation buckets. */
  get width(): number {
    return Math.max(200, Math.floor(this.plotEl.clientWidth || 400));
  }

  /** The series' labels, as the legend shows them. */
  get labels(): string[] {
    return this.spec.series.map((x) => x.label);
  }

  get title(): string {
    return this.spec.title;
  }

  get pointCount(): number {
    return this.data[0]?.length ?? 0;
  }

  update(spec: ChartSpec, data: uPlot.AlignedData): void {
    this.spec = spec;
    this.data = data;
    const key = keyOf(spec);
    if (!this.plot || key !== this.key) {
      this.build(key);
    } else {
      this.plot.setData(data);
    }
  }

  private build(key: string): void {
    this.plot?.destroy();
    this.key = key;
    const p = palette();
    const s = this.spec;
    const fmt = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : formatMetric(s.metric, v));
    const axis = { stroke: p.muted, grid: { stroke: withAlpha(p.grid, 0.35), width: 1 }, ticks: { stroke: withAlpha(p.grid, 0.35), width: 1 } };
    const opts: uPlot.Options = {
      width: this.width,
      height: s.height ?? 200,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      scales: { x: { time: false }, y: s.logScale ? { distr: 3 } : {} },
      axes: [
        { ...axis, label: s.xLabel, labelSize: 16 },
        {
          ...axis,
          values: (_u, vals) => vals.map((v) => (v === null ? '' : tick(s.metric, v))),
          // Wide enough for the longest tick label (uPlot calls this after formatting the ticks).
          size: (_u, values) => 22 + 8 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
        },
      ],
      series: [
        { label: s.xLabel, value: (_u, v) => (v === null ? '–' : String(Math.round(v * 100) / 100)) },
        ...s.series.map(
          (x): uPlot.Series => ({
            label: x.label,
            stroke: x.faint ? withAlpha(x.color, 0.28) : x.color,
            width: x.width ?? (x.faint ? 1 : 2),
            dash: x.dashed ? [6, 4] : undefined,
            points: { show: x.points ?? false, size: 5, fill: x.color },
            spanGaps: true,
            value: fmt,
          }),
        ),
      ],
    };
    this.plot = new uPlot(opts, this.data, this.plotEl);
  }

  private fit(): void {
    if (!this.plot) return;
    const w = this.width;
    if (Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: this.spec.height ?? 200 });
  }

  /** The chart with its title on the theme's background, as a PNG data URL. */
  toPng(): string | undefined {
    if (!this.plot) return undefined;
    const src = this.plot.ctx.canvas;
    const out = document.createElement('canvas');
    const titleH = 28 * (window.devicePixelRatio || 1);
    out.width = src.width;
    out.height = src.height + titleH;
    const ctx = out.getContext('2d') as CanvasRenderingContext2D;
    const p = palette();
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = p.fg;
    ctx.font = `${14 * (window.devicePixelRatio || 1)}px sans-serif`;
    ctx.fillText(this.spec.title, 8, titleH * 0.7);
    ctx.drawImage(src, 0, titleH);
    return out.toDataURL('image/png');
  }

  exportPng(): void {
    const dataUrl = this.toPng();
    if (!dataUrl) return;
    const fileName = `${this.spec.title.replace(/[^\w.\- ]+/g, '_').slice(0, 100) || 'chart'}.png`;
    post({ type: 'exportPng', fileName, dataUrl });
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
    this.el.remove();
  }
}
