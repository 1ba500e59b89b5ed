/**
 * Run comparison: the saved runs as a list (pick, rename, delete), their per-epoch curves overlaid with a
 * legend of the hyper-parameters that differ, and a table of final and best metrics.
 */
import type uPlot from 'uplot';
import { baseMetrics, differingHyper, formatMetric, lowerIsBetter, runLabel, type RunInfo } from '../../src/core/training';
import { ChartCard } from './chartCard';
import { button, clear, h } from './dom';
import { palette } from './theme';
import { post } from './vscodeApi';

export class CompareView {
  readonly el: HTMLElement;
  private readonly listEl: HTMLElement;
  private readonly legendEl: HTMLElement;
  private readonly chartsEl: HTMLElement;
  private readonly tableEl: HTMLElement;
  private runs: RunInfo[] = [];
  private selected: string[];
  private compared: RunInfo[] = [];
  private cards = new Map<string, ChartCard>();
  private editing: string | undefined;

  constructor(
    selected: string[],
    private readonly onSelection: (ids: string[]) => void,
    private logScale = false,
  ) {
    this.selected = selected;
    this.listEl = h('div', { className: 'run-list', role: 'list', 'aria-label': 'Saved runs' });
    this.legendEl = h('div', { className: 'compare-legend', id: 'compare-legend' });
    this.chartsEl = h('div', { className: 'chart-grid', id: 'compare-charts' });
    this.tableEl = h('div', { className: 'compare-table', id: 'compare-table' });
    this.el = h(
      'div',
      { className: 'compare' },
      h('div', { className: 'toolbar' }, button('Compare selected', () => this.compareSelected(), { icon: 'graph-line', id: 'compare-button' })),
      this.listEl,
      this.legendEl,
      this.chartsEl,
      this.tableEl,
    );
  }

  setRuns(runs: RunInfo[]): void {
    this.runs = runs;
    this.selected = this.selected.filter((id) => runs.some((r) => r.id === id));
    // Runs compared before keep their fresh data (a rename or a finished run updates them).
    if (this.compared.length) this.show(this.compared.map((c) => runs.find((r) => r.id === c.id)).filter((r): r is RunInfo => !!r));
    this.renderList();
  }

  setLogScale(log: boolean): void {
    this.logScale = log;
    if (this.compared.length) this.show(this.compared);
  }

  /** Overlay these runs (from the host's "compare" message, or the Compare button). */
  show(runs: RunInfo[]): void {
    this.compared = runs;
    this.selected = runs.map((r) => r.id);
    this.onSelection(this.selected);
    this.renderList();
    this.renderCharts();
    this.renderTable();
  }

  get comparedCount(): number {
    return this.compared.length;
  }

  private compareSelected(): void {
    const runs = this.selected.map((id) => this.runs.find((r) => r.id === id)).filter((r): r is RunInfo => !!r);
    this.show(runs);
    post({ type: 'compare', runIds: runs.map((r) => r.id) });
  }

  private renderList(): void {
    clear(this.listEl);
    if (this.runs.length === 0) {
      this.listEl.append(h('p', { className: 'empty' }, 'No saved runs yet. Every training run is saved under .modelstudio/runs and listed here.'));
      return;
    }
    for (const r of this.runs) {
      const checked = this.selected.includes(r.id);
      const box = h('input', { type: 'checkbox', id: `run-${r.id}`, 'aria-label': `Select run ${r.name}` }) as HTMLInputElement;
      box.checked = checked;
      box.addEventListener('change', () => {
        this.selected = box.checked ? [...this.selected, r.id] : this.selected.filter((x) => x !== r.id);
        this.onSelection(this.selected);
      });
      let nameEl: HTMLElement;
      if (this.editing === r.id) {
        const input = h('input', { type: 'text', className: 'rename', value: r.name, 'aria-label': 'New run name' }) as HTMLInputElement;
        input.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' && input.value.trim()) {
            post({ type: 'renameRun', runId: r.id, name: input.value.trim() });
            this.editing = undefined;
            this.renderList();
          } else if (ev.key === 'Escape') {
            this.editing = undefined;
            this.renderList();
          }
        });
        nameEl = input;
        queueMicrotask(() => input.focus());
      } else {
        nameEl = h('label', { for: `run-${r.id}`, className: 'run-name' }, r.name);
      }
      const final = Object.entries(r.final)
        .filter(([k]) => !k.startsWith('val_'))
        .slice(0, 2)
        .map(([k, v]) => `${k} ${formatMetric(k, v)}`)
        .join(' · ');
      this.listEl.append(
        h(
          'div',
          { className: 'run-row', role: 'listitem', 'data-run': r.id },
          box,
          nameEl,
          h('span', { className: 'muted' }, [r.model, r.state ?? '', r.startedAt ? new Date(r.startedAt).toLocaleString() : '', final].filter(Boolean).join(' · ')),
          button('', () => {
            this.editing = r.id;
            this.renderList();
          }, { icon: 'edit', secondary: true, title: `Rename run ${r.name}` }),
          button('', () => post({ type: 'deleteRun', runId: r.id }), { icon: 'trash', secondary: true, title: `Delete run ${r.name}` }),
        ),
      );
    }
  }

  private renderCharts(): void {
    const runs = this.compared;
    const colors = palette().series;
    const differing = differingHyper(runs);
    const labels = runs.map((r) => runLabel(r, differing));
    clear(this.legendEl);
    if (runs.length) {
      this.legendEl.append(
        h('span', { className: 'muted' }, differing.length ? `Differing: ${differing.join(', ')}` : 'Same hyper-parameters'),
        ...runs.map((r, i) => h('span', { className: 'legend-item', 'data-run': r.id }, h('span', { className: 'swatch', style: `background:${colors[i % colors.length]}` }), `${r.name}: ${labels[i]}`)),
      );
    }
    const keys = new Set<string>();
    for (const r of runs) for (const e of r.epochs) for (const k of Object.keys(e.metrics)) keys.add(k);
    const metrics = baseMetrics(keys);
    const wanted = new Set(metrics);
    for (const [id, c] of this.cards) {
      if (!wanted.has(id)) {
        c.destroy();
        this.cards.delete(id);
      }
    }
    const maxEpoch = Math.max(0, ...runs.flatMap((r) => r.epochs.map((e) => e.epoch)));
    const xs = Array.from({ length: maxEpoch }, (_, i) => i + 1);
    for (const m of metrics) {
      const series: ChartCardSeries[] = [];
      const data: (number | null)[][] = [];
      runs.forEach((r, i) => {
        const color = colors[i % colors.length];
        const at = (key: string) => xs.map((x) => {
          const v = r.epochs.find((e) => e.epoch === x)?.metrics[key];
          return v === undefined || !Number.isFinite(v) || (this.logScale && v <= 0) ? null : v;
        });
        if (r.epochs.some((e) => m in e.metrics)) {
          series.push({ label: `${labels[i]} · train`, color, points: true });
          data.push(at(m));
        }
        if (r.epochs.some((e) => `val_${m}` in e.metrics)) {
          series.push({ label: `${labels[i]} · val`, color, dashed: true });
          data.push(at(`val_${m}`));
        }
      });
      const spec = { title: `${m} per epoch`, xLabel: 'epoch', metric: m, series, logScale: this.logScale, height: 240 };
      let card = this.cards.get(m);
      if (!card) {
        card = new ChartCard(`compare:${m}`, spec);
        this.cards.set(m, card);
        this.chartsEl.append(card.el);
      }
      card.update(spec, [xs, ...data] as uPlot.AlignedData);
    }
  }

  private renderTable(): void {
    clear(this.tableEl);
    const runs = this.compared;
    if (!runs.length) return;
    const keys: string[] = [];
    for (const r of runs) for (const k of [...Object.keys(r.final), ...Object.keys(r.best)]) if (!keys.includes(k)) keys.push(k);
    const differing = differingHyper(runs);
    const head = h('tr', {}, h('th', {}, 'run'), ...differing.map((d) => h('th', {}, d)), ...keys.flatMap((k) => [h('th', {}, `${k} final`), h('th', {}, `${k} best`)]));
    // Mark the best run of each metric so the winner is visible at a glance.
    const bestOf = new Map<string, number>();
    for (const k of keys) {
      const vals = runs.map((r) => r.best[k]).filter((v) => v !== undefined && Number.isFinite(v));
      if (vals.length) bestOf.set(k, lowerIsBetter(k) ? Math.min(...vals) : Math.max(...vals));
    }
    const rows = runs.map((r) =>
      h(
        'tr',
        { 'data-run': r.id },
        h('td', {}, r.name),
        ...differing.map((d) => h('td', {}, d in r.hyper ? String(r.hyper[d]) : '–')),
        ...keys.flatMap((k) => [
          h('td', {}, formatMetric(k, r.final[k])),
          h('td', { className: bestOf.get(k) === r.best[k] && runs.length > 1 ? 'winner' : undefined }, formatMetric(k, r.best[k])),
        ]),
      ),
    );
    this.tableEl.append(h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows)));
  }
}

type ChartCardSeries = { label: string; color: string; dashed?: boolean; points?: boolean };
