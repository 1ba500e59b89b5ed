/**
 * Per-layer distributions over epochs, TensorBoard-style: a ridgeline (one filled curve per epoch, the
 * newest in front) or a heatmap (value bins across, epochs down). All epochs of a layer share one value
 * range, so a distribution that widens or saturates is visible as it happens.
 */
import type { HistogramItem } from '../../src/core/training';
import { clear, h } from './dom';
import { palette, withAlpha } from './theme';

const BINS = 60;
/** Canvas size, and the left gutter that holds the epoch labels. */
const W = 340;
const H = 180;
const GUTTER = 44;
const PW = W - GUTTER;

/** The y of an epoch row's baseline (ridgeline) or the top of its band (heatmap), and its height. */
function rowGeometry(mode: 'ridgeline' | 'heatmap', n: number): { y: (r: number) => number; band: number } {
  if (mode === 'heatmap') return { y: (r) => (r * H) / n, band: H / n };
  const step = (H - 40) / Math.max(1, n - 1);
  return { y: (r) => 40 + r * step, band: step };
}

/** The count of the original histogram's bin that holds `v` (0 outside its range). */
function countAt(item: HistogramItem, v: number): number {
  const n = item.counts.length;
  if (v < item.min || v > item.max || n === 0) return 0;
  const w = (item.max - item.min) / n;
  return item.counts[w === 0 ? 0 : Math.min(n - 1, Math.floor((v - item.min) / w))];
}

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
      const canvas = h('canvas', { className: 'hist', role: 'img', 'aria-label': `${this.kind} of ${layer}: epochs ${rows[0].epoch} to ${rows[rows.length - 1].epoch} from top to bottom` }) as HTMLCanvasElement;
      const lo = Math.min(...rows.map((r) => r.min));
      const hi = Math.max(...rows.map((r) => r.max));
      const readout = h('div', { className: 'hist-readout muted', role: 'status' }, 'Hover for values');
      this.grid.append(
        h('section', { className: 'chart-card', 'data-layer': layer }, h('h3', { className: 'chart-title' }, `${layer} · ${this.kind}`), canvas,
          h('div', { className: 'muted axis' }, h('span', {}, lo.toPrecision(3)), h('span', { className: 'hist-axis-title' }, `${this.kind === 'weights' ? 'weight' : 'activation'} value →`), h('span', {}, hi.toPrecision(3))),
          readout),
      );
      this.draw(canvas, rows, lo, hi);
      canvas.addEventListener('mousemove', (ev) => (readout.textContent = this.readout(canvas, ev, rows, lo, hi)));
      canvas.addEventListener('mouseleave', () => (readout.textContent = 'Hover for values'));
    }
  }

  /** "epoch 3 · value 0.0123 · 412 in its bin": what is under the pointer. */
  private readout(canvas: HTMLCanvasElement, ev: MouseEvent, rows: HistogramItem[], lo: number, hi: number): string {
    const box = canvas.getBoundingClientRect();
    const x = ev.clientX - box.left - GUTTER;
    const y = ev.clientY - box.top;
    if (x < 0 || x > PW) return 'Hover for values';
    const g = rowGeometry(this.mode, rows.length);
    // The row whose baseline (ridgeline) or band (heatmap) is nearest.
    let r = 0;
    for (let i = 0; i < rows.length; i++) {
      const at = this.mode === 'heatmap' ? g.y(i) + g.band / 2 : g.y(i);
      if (Math.abs(at - y) < Math.abs((this.mode === 'heatmap' ? g.y(r) + g.band / 2 : g.y(r)) - y)) r = i;
    }
    const v = lo + (x / PW) * (hi - lo);
    return `epoch ${rows[r].epoch} · value ${v.toPrecision(3)} · ${countAt(rows[r], v).toLocaleString('en-US')} in its bin`;
  }

  private draw(canvas: HTMLCanvasElement, rows: HistogramItem[], lo: number, hi: number): void {
    const dpr = window.devicePixelRatio || 1;
    canvas.width = W * dpr;
    canvas.height = H * dpr;
    canvas.style.width = `${W}px`;
    canvas.style.height = `${H}px`;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.scale(dpr, dpr);
    const p = palette();
    const color = p.series[this.kind === 'weights' ? 0 : 1];
    // The theme's background, painted: a transparent canvas showed whatever was behind it (and PNGs of it).
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, W, H);
    this.epochLabels(ctx, rows, p.muted);
    ctx.translate(GUTTER, 0);
    const dens = rows.map((r) => resample(r, lo, hi));
    const n = rows.length;
    const g = rowGeometry(this.mode, n);
    if (this.mode === 'heatmap') {
      const bw = PW / BINS;
      dens.forEach((d, r) => d.forEach((v, b) => {
        ctx.fillStyle = withAlpha(color, 0.05 + 0.95 * v);
        ctx.fillRect(b * bw, g.y(r), Math.ceil(bw), Math.ceil(g.band));
      }));
      return;
    }
    // Ridgeline: each epoch is offset downwards; curves overlap by up to 3 rows so shapes stay readable.
    const amp = Math.min(60, g.band * 3 + 20);
    dens.forEach((d, r) => {
      const base = g.y(r);
      const t = n === 1 ? 1 : r / (n - 1);
      ctx.beginPath();
      ctx.moveTo(0, base);
      d.forEach((v, b) => ctx.lineTo(((b + 0.5) / BINS) * PW, base - v * amp));
      ctx.lineTo(PW, base);
      ctx.closePath();
      ctx.fillStyle = withAlpha(color, 0.15 + 0.35 * t);
      ctx.fill();
      ctx.strokeStyle = withAlpha(p.fg, 0.3 + 0.5 * t);
      ctx.lineWidth = 1;
      ctx.stroke();
    });
  }

  /** The epoch axis in the gutter: "epoch" on top, then the rows' epochs (thinned to fit, the last kept). */
  private epochLabels(ctx: CanvasRenderingContext2D, rows: HistogramItem[], color: string): void {
    const g = rowGeometry(this.mode, rows.length);
    ctx.fillStyle = color;
    ctx.font = '10px sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillText('epoch', 2, 2);
    ctx.textBaseline = 'middle';
    const every = Math.max(1, Math.ceil(rows.length / Math.max(1, Math.floor((H - 14) / 12))));
    rows.forEach((row, r) => {
      if (r % every !== 0 && r !== rows.length - 1) return;
      const y = this.mode === 'heatmap' ? g.y(r) + g.band / 2 : g.y(r) - 4;
      ctx.fillText(String(row.epoch), 6, Math.max(18, y));
    });
  }
}
