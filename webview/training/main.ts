/**
 * The training view: live charts of the focused session, run comparison, histograms and "try the model".
 * The host keeps the history and sends a snapshot whenever the view (re)loads; UI choices survive hide/show
 * through getState/setState.
 */
import { formatMetric, isActiveSessionState } from '../../src/core/training';
import { parseHostToTraining, type HostToTraining, type SessionInfo, type TrainingSnapshot, type TrainingTab } from '../../src/protocol/training';
import { rlMetricParts, rlUnitOf } from '../../src/core/rl/watch';
import { CompareView } from './compareView';
import { button, clear, h } from './dom';
import { HistogramsView } from './histogramsView';
import { LiveCharts } from './liveCharts';
import { emptyChartsText, ProgressLine } from './progressLine';
import { RlAnimation } from './rlAnimation';
import { TryView } from './tryView';
import { loadViewState, post, saveViewState } from './vscodeApi';

const TABS: { id: TrainingTab; label: string }[] = [
  { id: 'charts', label: 'Charts' },
  { id: 'compare', label: 'Compare runs' },
  { id: 'histograms', label: 'Histograms' },
  { id: 'try', label: 'Try the model' },
];

const st = loadViewState();
let tab: TrainingTab = st.tab ?? 'charts';
let session: SessionInfo | null = null;
let sessions: SessionInfo[] = [];
let lastEpochText = '';

const charts = new LiveCharts({ smoothing: st.smoothing ?? 0.6, logScale: st.logScale ?? false });
const compare = new CompareView(st.compareIds ?? [], (ids) => saveViewState({ compareIds: ids }), st.logScale ?? false);
const histograms = new HistogramsView(st.histKind ?? 'weights', st.histMode ?? 'ridgeline', (kind, mode) => saveViewState({ histKind: kind, histMode: mode }));
const tryView = new TryView();
const animation = new RlAnimation();
const progress = new ProgressLine();

// ---------------------------------------------------------------------------------------------------------
// Layout

const statusEl = h('div', { className: 'session-status', id: 'session-status', role: 'status' });
const sessionSelect = h('select', { id: 'session-select', 'aria-label': 'Training session' }) as HTMLSelectElement;
sessionSelect.addEventListener('change', () => post({ type: 'focusSession', sessionId: sessionSelect.value }));
const stopBtn = button('Stop', () => post({ type: 'command', command: 'stop' }), { icon: 'debug-stop', id: 'stop', title: 'Stop training' });
const pauseBtn = button('Pause', () => post({ type: 'command', command: 'pauseResume' }), { icon: 'debug-pause', id: 'pause', secondary: true, title: 'Pause or resume training' });
const trainBtn = button('Train', () => post({ type: 'command', command: 'train' }), { icon: 'play', id: 'train', title: 'Train the model' });

const header = h(
  'header',
  { className: 'top' },
  statusEl,
  h('div', { className: 'toolbar' }, sessionSelect, trainBtn, pauseBtn, stopBtn,
    button('', () => post({ type: 'command', command: 'configure' }), { icon: 'settings-gear', secondary: true, title: 'Configure training' }),
    button('', () => post({ type: 'command', command: 'showLog' }), { icon: 'output', secondary: true, title: 'Show training log' })),
);

const tabList = h('div', { className: 'tabs', role: 'tablist', 'aria-label': 'Training view' });
const panels = new Map<TrainingTab, HTMLElement>();
const tabButtons = new Map<TrainingTab, HTMLButtonElement>();
for (const t of TABS) {
  const b = h('button', { role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`, className: 'tab' }, t.label) as HTMLButtonElement;
  b.addEventListener('click', () => selectTab(t.id));
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  b.addEventListener('keydown', (ev) => {
    const i = TABS.findIndex((x) => x.id === t.id);
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      const next = TABS[(i + (ev.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length].id;
      selectTab(next);
      tabButtons.get(next)?.focus();
    }
  });
  tabButtons.set(t.id, b);
  tabList.append(b);
}

// Chart options: smoothing, log scale, CSV export.
const smoothInput = h('input', { type: 'range', id: 'smoothing', min: 0, max: 0.99, step: 0.01, value: st.smoothing ?? 0.6, 'aria-label': 'Smoothing' }) as HTMLInputElement;
const smoothValue = h('span', { className: 'muted' }, String(st.smoothing ?? 0.6));
smoothInput.addEventListener('input', () => {
  const v = Number(smoothInput.value);
  smoothValue.textContent = v.toFixed(2);
  charts.setOptions({ smoothing: v });
  saveViewState({ smoothing: v });
});
const logBox = h('input', { type: 'checkbox', id: 'log-scale' }) as HTMLInputElement;
logBox.checked = st.logScale ?? false;
logBox.addEventListener('change', () => {
  charts.setOptions({ logScale: logBox.checked });
  compare.setLogScale(logBox.checked);
  saveViewState({ logScale: logBox.checked });
});
const chartsEmpty = h('p', { className: 'empty', id: 'charts-empty' }, 'No training yet. Press Train to start a session; its loss and metrics appear here as it learns.');
const chartsPanel = h(
  'div',
  {},
  h('div', { className: 'toolbar' },
    h('label', { for: 'smoothing' }, 'Smoothing '), smoothInput, smoothValue,
    h('label', {}, logBox, ' Log scale'),
    button('CSV', () => exportCsv(), { icon: 'table', secondary: true, id: 'export-csv', title: 'Export the metrics as CSV' })),
  chartsEmpty,
  animation.el,
  charts.el,
);

const contents: Record<TrainingTab, HTMLElement> = { charts: chartsPanel, compare: compare.el, histograms: histograms.el, try: tryView.el };
for (const t of TABS) {
  const p = h('div', { role: 'tabpanel', id: `panel-${t.id}`, 'aria-labelledby': `tab-${t.id}`, className: 'panel' }, contents[t.id]);
  panels.set(t.id, p);
}

const errorEl = h('div', { className: 'error-banner', id: 'error', role: 'alert', hidden: true });
document.body.append(h('main', { id: 'training-root' }, header, errorEl, tabList, ...panels.values()));

function selectTab(t: TrainingTab): void {
  tab = t;
  for (const [id, b] of tabButtons) {
    b.setAttribute('aria-selected', String(id === t));
    b.tabIndex = id === t ? 0 : -1;
  }
  for (const [id, p] of panels) p.hidden = id !== t;
  saveViewState({ tab: t });
  // A chart created while its panel was hidden had no width; redraw at the real size.
  if (t === 'charts') charts.schedule();
}
selectTab(tab);

function exportCsv(): void {
  const name = `${session?.model ?? 'training'}-${session?.runId ?? 'metrics'}`.replace(/[^\w.\- ]+/g, '_').slice(0, 100);
  post({ type: 'exportCsv', fileName: `${name}.csv`, csv: charts.csv() });
}

// ---------------------------------------------------------------------------------------------------------
// State

function renderSession(): void {
  clear(statusEl);
  const s = session;
  if (!s) {
    statusEl.append(h('span', { className: 'muted' }, 'No training session.'));
  } else {
    const icon = s.state === 'running' || s.state === 'starting' ? 'sync~spin' : s.state === 'failed' ? 'warning' : s.state === 'paused' ? 'debug-pause' : s.state === 'done' ? 'check' : 'debug-stop';
    statusEl.append(
      h('span', { className: `codicon codicon-${icon.replace('~spin', '')}${icon.endsWith('~spin') ? ' codicon-modifier-spin' : ''}` }),
      h('strong', {}, ` ${s.model}`),
      ` · ${s.state}`,
      lastEpochText ? ` · ${lastEpochText}` : '',
      s.device ?? s.engine ? h('span', { className: 'muted' }, ` · ${s.device ?? s.engine}`) : '',
      s.error ? h('span', { className: 'error' }, ` · ${s.error}`) : '',
      progressEl(s),
    );
  }
  const active = s && isActiveSessionState(s.state);
  stopBtn.toggleAttribute('disabled', !active);
  pauseBtn.toggleAttribute('disabled', !active);
  pauseBtn.textContent = s?.state === 'paused' ? 'Resume' : 'Pause';
  clear(sessionSelect);
  for (const x of sessions) {
    const o = h('option', { value: x.id }, `${x.model} · ${x.runId ?? x.id} · ${x.state}`) as HTMLOptionElement;
    o.selected = x.id === s?.id;
    sessionSelect.append(o);
  }
  sessionSelect.hidden = sessions.length < 2;
  chartsEmpty.hidden = charts.store.steps.length > 0 || charts.store.epochs.length > 0;
  const empty = emptyChartsText(s);
  chartsEmpty.textContent = empty.text;
  chartsEmpty.classList.toggle('error', empty.failed);
}

function progressEl(s: SessionInfo): HTMLElement | string {
  const text = progress.text(s);
  // A line of its own under the session's state: it stays readable in a narrow side group.
  return text ? h('div', { id: 'session-progress', className: 'progress-line' }, text) : '';
}

// Elapsed time and ETA move between batch events too.
setInterval(() => {
  const el = document.getElementById('session-progress');
  const text = session ? progress.text(session) : '';
  if (el && text) el.textContent = text;
}, 1000);

function epochText(): string {
  const e = charts.store.epochs[charts.store.epochs.length - 1];
  const b = charts.store.points[charts.store.points.length - 1];
  const epoch = Math.max(e ? e.epoch : 0, b ? b.epoch : 0);
  if (!epoch || !session) return '';
  const m = b?.metrics ?? e?.metrics ?? {};
  const unit = rlUnitOf(Object.keys(m));
  const parts = [`${unit ?? 'epoch'} ${epoch}/${session.epochs}`];
  if (unit) parts.push(...rlMetricParts(m));
  else for (const [k, v] of Object.entries(m).slice(0, 3)) parts.push(`${k} ${formatMetric(k, v)}`);
  return parts.join(' · ');
}

function applySnapshot(s: TrainingSnapshot): void {
  session = s.session;
  sessions = s.sessions;
  charts.reset();
  animation.reset();
  charts.addBatches(s.batches);
  progress.reset();
  progress.onBatches(s.batches);
  for (const e of s.epochs) charts.addEpoch(e);
  histograms.set(s.histograms);
  compare.setRuns(s.runs);
  const ids = loadViewState().compareIds ?? [];
  const chosen = ids.map((id) => s.runs.find((r) => r.id === id)).filter((r) => r !== undefined);
  if (chosen.length) compare.show(chosen);
  tryView.setInfo(s.tryInfo);
  if (s.evaluation) tryView.setEvaluation(s.evaluation);
  lastEpochText = epochText();
  renderSession();
}

function handle(msg: HostToTraining): void {
  switch (msg.type) {
    case 'snapshot':
      applySnapshot(msg.snapshot);
      break;
    case 'batches':
      if (msg.sessionId !== session?.id) return;
      charts.addBatches(msg.points);
      progress.onBatches(msg.points);
      lastEpochText = epochText();
      renderSession();
      break;
    case 'epoch':
      if (msg.sessionId !== session?.id) return;
      charts.addEpoch(msg.point);
      progress.onEpoch();
      lastEpochText = epochText();
      renderSession();
      break;
    case 'histograms':
      if (msg.sessionId === session?.id) histograms.add(msg.items);
      break;
    case 'frame':
      if (msg.sessionId === session?.id) animation.show(msg.frame);
      break;
    case 'session': {
      const i = sessions.findIndex((x) => x.id === msg.session.id);
      if (i >= 0) sessions[i] = msg.session;
      else sessions.push(msg.session);
      if (!session || session.id === msg.session.id) session = msg.session;
      renderSession();
      break;
    }
    case 'runs':
      compare.setRuns(msg.runs);
      break;
    case 'compare':
      compare.show(msg.runs);
      selectTab('compare');
      break;
    case 'tryInfo':
      tryView.setInfo(msg.info);
      break;
    case 'prediction':
      tryView.onPrediction(msg.requestId, msg.output);
      break;
    case 'evaluation':
      tryView.setEvaluation(msg.evaluation);
      break;
    case 'error':
      if (msg.requestId !== undefined) tryView.onError(msg.message, msg.hint);
      else showError(msg.message, msg.hint);
      break;
    case 'showTab':
      selectTab(msg.tab);
      break;
  }
}

function showError(message: string, hint?: string): void {
  errorEl.replaceChildren(h('span', {}, message), hint ? h('span', { className: 'muted' }, ` ${hint}`) : '', button('', () => { errorEl.hidden = true; }, { icon: 'close', secondary: true, title: 'Dismiss' }));
  errorEl.hidden = false;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const msg = parseHostToTraining(ev.data);
  if (msg) handle(msg);
});

// For tests and debugging: what is drawn, without reaching into uPlot.
(window as unknown as { __training: unknown }).__training = {
  charts: () => charts.info(),
  batches: () => charts.store.steps.length,
  epochs: () => charts.store.epochs.length,
  compared: () => compare.comparedCount,
  histogramLayers: () => histograms.layerCount,
  tab: () => tab,
  framesDrawn: () => animation.drawn,
};

renderSession();
post({ type: 'ready' });
