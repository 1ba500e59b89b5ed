/**
 * Per-layer distributions over epochs, TensorBoard-style: a ridgeline (one filled curve per epoch, the
 * newest in front) or a heatmap (value bins across, epochs down). All epochs of a layer share one value
 * range, so a distribution that widens or saturates is visible as it happens.
 */
import type { HistogramItem } from '../../src/core/training';
import { clear, h } from './dom';
import { palette, withAlpha } from './theme';

const BINS = 60;

/** Resample a histogram onto `BINS` bins over [lo, hi] (counts spread by overlap), normalised to its max. */
export function resample(item: HistogramItem, lo: number, hi: number): number[] {
  const out = new Array<number>(BINS).fill(0);
  const n = item.counts.length;
  const w = (item.max - item.min) / n;
  const span = hi - lo || 1;
  for (let i = 0; i < n; i++) {
    const c = item.counts[i];
    if (!c) continue;
    if (w === 0) {
      out[Math.min(BINS - 1, Math.max(0, Math.floor(((item.min - lo) / span) * BINS)))] += c;
      continue;
    }
    const a = item.min + i * w;
    const b = a + w;
    const ba = Math.max(0, Math.floor(((a - lo) / span) * BINS));
    const bb = Math.min(BINS - 1, Math.floor(((b - lo) / span) * BINS - 1e-9));
    for (let k = ba; k <= bb; k++) {
      const ka = lo + (k * span) / BINS;
      const kb = ka + span / BINS;
      const overlap = Math.max(0, Math.min(b, kb) - Math.max(a, ka));
      out[k] += (c * overlap) / w;
    }
  }
  const max = Math.max(...out);
  return max > 0 ? out.map((v) => v / max) : out;
}

export class HistogramsView {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  private items: HistogramItem[] = [];

  constructor(
    private kind: 'weights' | 'activations',
    private mode: 'ridgeline' | 'heatmap',
    private readonly onChange: (kind: 'weights' | 'activations', mode: 'ridgeline' | 'heatmap') => void,
  ) {
    const kindSel = h('select', { id: 'hist-kind', 'aria-label': 'Distribution of' },
      h('option', { value: 'weights' }, 'weights'), h('option', { value: 'activations' }, 'activations')) as HTMLSelectElement;
    kindSel.value = kind;
    kindSel.addEventListener('change', () => {
      this.kind = kindSel.value as 'weights' | 'activations';
      this.onChange(this.kind, this.mode);
      this.render();
    });
    const modeSel = h('select', { id: 'hist-mode', 'aria-label': 'Display' },
      h('option', { value: 'ridgeline' }, 'ridgeline'), h('option', { value: 'heatmap' }, 'heatmap')) as HTMLSelectElement;
    modeSel.value = mode;
    modeSel.addEventListener('change', () => {
      this.mode = modeSel.value as 'ridgeline' | 'heatmap';
      this.onChange(this.kind, this.mode);
      this.render();
    });
    this.grid = h('div', { className: 'hist-grid', id: 'hist-grid' });
    this.el = h('div', { className: 'histograms' }, h('div', { className: 'toolbar' }, h('label', {}, 'Show ', kindSel), h('label', {}, ' as ', modeSel)), this.grid);
  }

  set(items: HistogramItem[]): void {
    this.items = items;
    this.render();
  }

  add(items: HistogramItem[]): void {
    for (const it of items) {
      const i = this.items.findIndex((x) => x.layer === it.layer && x.kind === it.kind && x.epoch === it.epoch);
      if (i >= 0) this.items[i] = it;
      else this.items.push(it);
    }
    this.render();
  }

  get layerCount(): number {
    return new Set(this.items.filter((i) => i.kind === this.kind).map((i) => i.layer)).size;
  }

  render(): void {
    clear(this.grid);
    const mine = this.items.filter((i) => i.kind === this.kind);
    if (!mine.length) {
      this.grid.append(h('p', { className: 'empty' }, `No ${this.kind} histograms yet: they are recorded at the end of every epoch when the run's histogram callback is on.`));
      return;
    }
    const layers = [...new Set(mine.map((i) => i.layer))];
    for (const layer of layers) {
      const rows = mine.filter((i) => i.layer === layer).sort((a, b) => a.epoch - b.epoch);
      const canvas = h('canvas', { className: 'hist', role: 'img', 'aria-label': `${this.kind} of ${layer} over ${rows.length} epochs` }) as HTMLCanvasElement;
      const lo = Math.min(...rows.map((r) => r.min));
      const hi = Math.max(...rows.map((r) => r.max));
      this.grid.append(
        h('section', { className: 'chart-card', 'data-layer': layer }, h('h3', { className: 'chart-title' }, `${layer} · ${this.kind}`), canvas,
          h('div', { className: 'muted axis' }, h('span', {}, lo.toPrecision(3)), h('span', {}, `epochs 1–${rows[rows.length - 1].epoch}`), h('span', {}, hi.toPrecision(3)))),
      );
      this.draw(canvas, rows, lo, hi);
    }
  }

  private draw(canvas: HTMLCanvasElement, rows: HistogramItem[], lo: number, hi: number): void {
    const dpr = window.devicePixelRatio || 1;
    const W = 320;
    const H = 180;
    canvas.width = W * dpr;
    canvas.height = H * dpr;
    canvas.style.width = `${W}px`;
    canvas.style.height = `${H}px`;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.scale(dpr, dpr);
    const p = palette();
    const color = p.series[this.kind === 'weights' ? 0 : 1];
    const dens = rows.map((r) => resample(r, lo, hi));
    if (this.mode === 'heatmap') {
      const rh = H / rows.length;
      const bw = W / BINS;
      dens.forEach((d, r) => d.forEach((v, b) => {
        ctx.fillStyle = withAlpha(color, 0.05 + 0.95 * v);
        ctx.fillRect(b * bw, r * rh, Math.ceil(bw), Math.ceil(rh));
      }));
      return;
    }
    // Ridgeline: each epoch is offset downwards; curves overlap by up to 3 rows so shapes stay readable.
    const n = rows.length;
    const step = (H - 40) / Math.max(1, n - 1);
    const amp = Math.min(60, step * 3 + 20);
    dens.forEach((d, r) => {
      const base = 40 + r * step;
      const t = n === 1 ? 1 : r / (n - 1);
      ctx.beginPath();
      ctx.moveTo(0, base);
      d.forEach((v, b) => ctx.lineTo(((b + 0.5) / BINS) * W, base - v * amp));
      ctx.lineTo(W, base);
      ctx.closePath();
      ctx.fillStyle = withAlpha(color, 0.15 + 0.35 * t);
      ctx.fill();
      ctx.strokeStyle = withAlpha(p.fg, 0.3 + 0.5 * t);
      ctx.lineWidth = 1;
      ctx.stroke();
    });
  }
}
