/**
 * Run comparison: the saved runs as a list (pick, rename, delete), their per-epoch curves overlaid with a
 * legend of the hyper-parameters that differ, and a table of final and best metrics.
 */
import type uPlot from 'uplot';
import { baseMetrics, differingHyper, formatMetric, lowerIsBetter, runLabel, shortRunName, type RunInfo } from '../../src/core/training';
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
  private readonly noticeEl: HTMLElement;
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
    this.noticeEl = h('p', { className: 'notice', id: 'compare-notice', role: 'status', hidden: true });
    this.el = h(
      'div',
      { className: 'compare' },
      h('div', { className: 'toolbar' }, button('Compare selected', () => this.compareSelected(), { icon: 'graph-line', id: 'compare-button' })),
      this.noticeEl,
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
    // The button used to clear the comparison silently when nothing was checked.
    this.noticeEl.hidden = runs.length > 0;
    this.noticeEl.textContent = this.runs.length
      ? 'No run is selected: check the runs to compare in the list below, then press Compare selected.'
      : 'There are no saved runs to compare yet: train the model, and every run is listed here.';
    if (!runs.length) return;
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
        if (this.selected.length) this.noticeEl.hidden = true;
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
        nameEl = h('label', { for: `run-${r.id}`, className: 'run-name', title: r.name }, shortRunName(r));
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
        // The run's short name, then only the settings that tell it apart (none when it is the name itself).
        ...runs.map((r, i) => h('span', { className: 'legend-item', 'data-run': r.id, title: r.name }, h('span', { className: 'swatch', style: `background:${colors[i % colors.length]}` }),
          labels[i] === shortRunName(r) ? labels[i] : `${shortRunName(r)}: ${labels[i]}`)),
      );
    }
    const keys = new Set<string>();
    for (const r of runs) for (const e of r.epochs) for (const k of Object.keys(e.metrics)) keys.add(k);
    const metrics = baseMetrics(keys);
    const wanted = new Set([...metrics, ...this.renderBatchCharts(labels)]);
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

  /**
   * Runs that ended (or are still) before their first epoch have no epoch curve: their batch points are drawn
   * on a per-batch chart of each metric, so a comparison is never empty. Returns the cards' keys.
   */
  private renderBatchCharts(labels: string[]): string[] {
    const colors = palette().series;
    const runs = this.compared.map((r, i) => ({ r, i })).filter(({ r }) => r.epochs.length === 0 && r.batches?.length);
    const keys = new Set<string>();
    for (const { r } of runs) for (const b of r.batches ?? []) for (const k of Object.keys(b.metrics)) keys.add(k);
    const out: string[] = [];
    for (const m of baseMetrics(keys)) {
      const xs = [...new Set(runs.flatMap(({ r }) => (r.batches ?? []).map((b) => b.step)))].sort((a, b) => a - b);
      const series: ChartCardSeries[] = [];
      const data: (number | null)[][] = [];
      for (const { r, i } of runs) {
        const byStep = new Map((r.batches ?? []).map((b) => [b.step, b.metrics[m]]));
        series.push({ label: `${labels[i]} · batches`, color: colors[i % colors.length] });
        data.push(xs.map((x) => {
          const v = byStep.get(x);
          return v === undefined || !Number.isFinite(v) || (this.logScale && v <= 0) ? null : v;
        }));
      }
      const key = `batch:${m}`;
      const spec = { title: `${m} per batch (no epoch finished)`, xLabel: 'batch', metric: m, series, logScale: this.logScale, height: 240 };
      let card = this.cards.get(key);
      if (!card) {
        card = new ChartCard(`compare:${key}`, spec);
        this.cards.set(key, card);
        this.chartsEl.append(card.el);
      }
      card.update(spec, [xs, ...data] as uPlot.AlignedData);
      out.push(key);
    }
    return out;
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
        h('td', { title: r.name }, shortRunName(r)),
        ...differing.map((d) => h('td', {}, d in r.hyper ? String(r.hyper[d]) : '–')),
        ...keys.flatMap((k) => [
          h('td', {}, formatMetric(k, r.final[k])),
          h('td', { className: bestOf.get(k) === r.best[k] && runs.length > 1 ? 'winner' : undefined }, formatMetric(k, r.best[k])),
        ]),
      ),
    );
    // The container scrolls sideways when many metrics make the table wider than the view (never the page).
    this.tableEl.append(h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows)));
  }
}

type ChartCardSeries = { label: string; color: string; dashed?: boolean; points?: boolean };
