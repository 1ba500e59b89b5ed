/**
 * What the training status bar item shows, as a pure function of session events (no vscode): the wrapper in
 * statusBar.ts only copies `StatusView` onto a StatusBarItem. Kept apart so tests follow a session through
 * start, progress, stop, failure and several concurrent sessions without VS Code.
 */
import { rlMetricParts, rlUnitOf } from '../../core/rl/watch';
import { formatMetric, isActiveSessionState, metricOwner, outputsInKeys, progressParts, runProgress, type BatchPoint, type EpochPoint, type SessionState } from '../../core/training';

export type SessionPhase = SessionState;

export type StatusEvent =
  | { type: 'engine'; engine: string; device: string }
  /** `at`: when it started (ms); `modelKey`: the model file it trains, to match the active editor. */
  | { type: 'started'; id: string; model: string; epochs: number; engine?: string; device?: string; at?: number; modelKey?: string }
  /** The trainer's own batch and epoch events, as they arrive from the worker (`at`: when, in ms). */
  | { type: 'batch'; id: string; point: BatchPoint; at?: number }
  | { type: 'epoch'; id: string; point: EpochPoint }
  | { type: 'device'; id: string; engine: string; device: string }
  | { type: 'paused'; id: string }
  | { type: 'resumed'; id: string }
  | { type: 'stopping'; id: string }
  | { type: 'ended'; id: string; state: 'done' | 'stopped' | 'failed'; reason?: string }
  | { type: 'focus'; id: string }
  /** The model file of the active editor (undefined: no model editor is active). */
  | { type: 'editor'; modelKey?: string }
  /** The user looked at the failure (opened the log): back to the normal display. */
  | { type: 'acknowledge' };

export interface SessionStatus {
  id: string;
  model: string;
  phase: SessionPhase;
  /** 1-based epoch being trained (0 before the first progress). */
  epoch: number;
  epochs: number;
  batch?: number;
  batches?: number;
  metrics: Record<string, number>;
  engine?: string;
  device?: string;
  reason?: string;
  modelKey?: string;
  startedAt?: number;
  /** The first and the latest batch event with their arrival times: the progress (ETA) is measured between them. */
  firstBatch?: { point: BatchPoint; at: number };
  lastBatch?: { point: BatchPoint; at: number };
}

export interface StatusState {
  engine?: { engine: string; device: string };
  sessions: SessionStatus[];
  focused?: string;
  /** The model file of the active editor: its sessions are the ones shown. */
  editorModel?: string;
}

export type StatusKind = 'idle' | 'running' | 'paused' | 'done' | 'warning';

export type StatusCommand = 'modelStudio.showTraining' | 'modelStudio.showTrainingLog' | 'modelStudio.selectEngine' | 'modelStudio.stop' | 'modelStudio.pauseResume';

/** A link in the tooltip (e.g. Stop the shown session): a command and its arguments. */
export interface StatusAction {
  title: string;
  icon: string;
  command: StatusCommand;
  args: string[];
}

export interface StatusView {
  text: string;
  tooltip: string;
  kind: StatusKind;
  /** The command a click runs. */
  command: StatusCommand;
  /** Links shown under the tooltip text. */
  actions: StatusAction[];
}

export function initialStatus(): StatusState {
  return { sessions: [] };
}

export const isActive = (s: SessionStatus) => isActiveSessionState(s.phase);

/** Apply one event (returns a new state; the old one is not changed). */
export function reduceStatus(state: StatusState, ev: StatusEvent): StatusState {
  const update = (id: string, f: (s: SessionStatus) => SessionStatus): StatusState => ({
    ...state,
    sessions: state.sessions.map((s) => (s.id === id ? f(s) : s)),
  });
  switch (ev.type) {
    case 'engine':
      return { ...state, engine: { engine: ev.engine, device: ev.device } };
    case 'started': {
      // Finished sessions are forgotten when a new one starts: the bar shows what is going on now.
      const kept = state.sessions.filter((s) => isActive(s) && s.id !== ev.id);
      const s: SessionStatus = { id: ev.id, model: ev.model, phase: 'starting', epoch: 0, epochs: ev.epochs, metrics: {}, engine: ev.engine, device: ev.device, startedAt: ev.at, modelKey: ev.modelKey };
      return { ...state, sessions: [...kept, s], focused: ev.id };
    }
    case 'batch': {
      const at = ev.at;
      const sample = at === undefined ? undefined : { point: ev.point, at };
      return update(ev.id, (s) => ({
        ...s,
        phase: s.phase === 'starting' ? 'running' : s.phase,
        epoch: ev.point.epoch,
        batch: ev.point.batch,
        batches: ev.point.batches ?? s.batches,
        metrics: { ...s.metrics, ...ev.point.metrics },
        firstBatch: s.firstBatch ?? sample,
        lastBatch: sample ?? s.lastBatch,
      }));
    }
    case 'epoch':
      return update(ev.id, (s) => ({
        ...s,
        phase: s.phase === 'starting' ? 'running' : s.phase,
        epoch: ev.point.epoch,
        batch: undefined,
        metrics: { ...s.metrics, ...ev.point.metrics },
      }));
    case 'editor':
      return { ...state, editorModel: ev.modelKey };
    case 'device':
      return update(ev.id, (s) => ({ ...s, engine: ev.engine, device: ev.device }));
    case 'paused':
      return update(ev.id, (s) => ({ ...s, phase: 'paused' }));
    case 'resumed':
      return update(ev.id, (s) => ({ ...s, phase: 'running' }));
    case 'stopping':
      return update(ev.id, (s) => ({ ...s, phase: 'stopping' }));
    case 'ended': {
      const next = update(ev.id, (s) => ({ ...s, phase: ev.state, reason: ev.reason }));
      // A failure takes the focus (it must be seen); otherwise focus moves on to a session still running.
      if (ev.state === 'failed') next.focused = ev.id;
      else if (next.focused === ev.id) {
        const other = next.sessions.find((s) => s.id !== ev.id && isActive(s));
        if (other) next.focused = other.id;
      }
      return next;
    }
    case 'focus':
      return state.sessions.some((s) => s.id === ev.id) ? { ...state, focused: ev.id } : state;
    case 'acknowledge':
      return { ...state, sessions: state.sessions.filter((s) => s.phase !== 'failed'), focused: state.sessions.find((s) => s.phase !== 'failed' && isActive(s))?.id };
  }
}

/**
 * `acc 96.1%` for accuracy-like metrics, `loss 0.123` for the rest; loss first, then one more metric. A model
 * with several outputs shows its total loss and the first output's metric (`cls acc 90.1%`), not an output's loss.
 */
function metricText(metrics: Record<string, number>): string[] {
  const rl = rlUnitOf(Object.keys(metrics));
  if (rl) return rlMetricParts(metrics);
  const out: string[] = [];
  if (metrics.loss !== undefined) out.push(`loss ${formatMetric('loss', metrics.loss)}`);
  const keys = Object.keys(metrics).filter((k) => k !== 'loss' && !k.startsWith('val_'));
  const outputs = outputsInKeys(keys);
  const other = keys.find((k) => !(outputs.length > 0 && k.endsWith('_loss'))) ?? keys[0];
  if (other) {
    const { output, metric } = metricOwner(other, outputs);
    const short = /accuracy$/.test(metric) ? 'acc' : metric;
    out.push(`${output ? `${output} ` : ''}${short} ${formatMetric(other, metrics[other])}`);
  }
  return out;
}


/** "epoch", or "episode" / "iteration" for an RL run (from the metrics it reports). */
const unitOf = (s: SessionStatus): string => rlUnitOf(Object.keys(s.metrics)) ?? 'epoch';

/** Batch x/N, elapsed, ETA and samples/s (core/training/progress.ts); none before the start time is known. */
function timingParts(s: SessionStatus, now: number): string[] {
  if (s.startedAt === undefined) return [];
  const p = runProgress({ epochs: s.epochs, startedAt: s.startedAt, now, first: s.firstBatch, last: s.lastBatch, epoch: s.epoch });
  // The batch is shown only while an epoch is under way (an epoch event ends it).
  if (s.batch === undefined) p.batch = undefined;
  return progressParts(p);
}

function progressText(s: SessionStatus, now: number): string {
  const parts = [s.model];
  if (s.phase === 'starting') parts.push('starting');
  else parts.push(`${unitOf(s)} ${Math.max(1, s.epoch)}/${s.epochs}`);
  const timing = s.phase === 'starting' ? [] : timingParts(s, now);
  const isBatch = (x: string) => x.startsWith('batch ');
  parts.push(...timing.filter(isBatch), ...metricText(s.metrics), ...timing.filter((x) => !isBatch(x)));
  return parts.join(' · ');
}

function tooltipOf(s: SessionStatus, now = Date.now()): string {
  const lines = [`${s.model}: ${s.phase}`];
  if (s.epoch) lines.push(`${unitOf(s)} ${s.epoch} of ${s.epochs}${s.batch !== undefined && s.batches ? `, batch ${s.batch}/${s.batches}` : ''}`);
  if (isActive(s)) lines.push(...timingParts(s, now).filter((x) => !x.startsWith('batch ')));
  for (const [k, v] of Object.entries(s.metrics)) lines.push(`${k}: ${formatMetric(k, v)}`);
  if (s.device ?? s.engine) lines.push(`engine: ${s.device ?? s.engine}`);
  if (s.reason) lines.push(s.reason);
  return lines.join('\n');
}

/**
 * The sessions the bar may show: with a model editor active, its model's sessions and the others still
 * running, never another model's finished run; focus goes to the editor's model when it has a session.
 */
function visible(state: StatusState): { sessions: SessionStatus[]; focused?: string } {
  const key = state.editorModel;
  if (key === undefined) return state;
  const sessions = state.sessions.filter((s) => s.modelKey === key || isActive(s));
  const own = sessions.filter((s) => s.modelKey === key);
  const cur = own.find((s) => s.id === state.focused) ?? own.find(isActive) ?? own[own.length - 1];
  return { sessions, focused: cur?.id ?? (sessions.some((s) => s.id === state.focused) ? state.focused : undefined) };
}

/** The status bar's text, tooltip and state for a state, at time `now` (ms; elapsed and ETA count to it). */
export function statusView(full: StatusState, now = Date.now()): StatusView {
  const state = { ...full, ...visible(full) };
  const active = state.sessions.filter(isActive);
  const failed = state.sessions.find((s) => s.phase === 'failed');
  const focused = state.sessions.find((s) => s.id === state.focused);
  if (failed && (!focused || focused.phase === 'failed' || active.length === 0)) {
    const f = focused?.phase === 'failed' ? focused : failed;
    const more = active.length ? ` (${active.length} running)` : '';
    return {
      text: `$(warning) ${f.model} failed${more}`,
      tooltip: `${f.model} failed: ${f.reason ?? 'unknown reason'}\nClick to open the training log.`,
      kind: 'warning',
      command: 'modelStudio.showTrainingLog',
      actions: [
        { title: 'Show Log', icon: 'output', command: 'modelStudio.showTrainingLog', args: [] },
        { title: 'Open Training View', icon: 'graph-line', command: 'modelStudio.showTraining', args: [f.id] },
      ],
    };
  }
  if (active.length > 0) {
    const shown = focused && isActive(focused) ? focused : active[active.length - 1];
    const icon = shown.phase === 'paused' ? '$(debug-pause)' : shown.phase === 'stopping' ? '$(loading~spin)' : '$(sync~spin)';
    const count = active.length > 1 ? `${active.length} sessions · ` : '';
    const suffix = shown.phase === 'paused' ? ' · paused' : shown.phase === 'stopping' ? ' · stopping' : '';
    const others = active.filter((s) => s !== shown).map((s) => `${s.model}: ${s.phase}, ${unitOf(s)} ${Math.max(1, s.epoch)}/${s.epochs}`);
    return {
      text: `${icon} ${count}${progressText(shown, now)}${suffix}`,
      tooltip: [tooltipOf(shown, now), ...(others.length ? ['', 'Also running:', ...others] : []), '', 'Click to open the training view.'].join('\n'),
      kind: shown.phase === 'paused' ? 'paused' : 'running',
      command: 'modelStudio.showTraining',
      actions: [
        { title: 'Stop', icon: 'debug-stop', command: 'modelStudio.stop', args: [shown.id] },
        { title: shown.phase === 'paused' ? 'Resume' : 'Pause', icon: shown.phase === 'paused' ? 'debug-continue' : 'debug-pause', command: 'modelStudio.pauseResume', args: [shown.id] },
        { title: 'Open Training View', icon: 'graph-line', command: 'modelStudio.showTraining', args: [shown.id] },
      ],
    };
  }
  const last = focused ?? (full.editorModel === undefined ? state.sessions[state.sessions.length - 1] : undefined);
  if (last && (last.phase === 'done' || last.phase === 'stopped')) {
    const verb = last.phase === 'done' ? 'done' : 'stopped';
    return {
      text: [`$(${last.phase === 'done' ? 'check' : 'debug-stop'}) ${last.model} ${verb}`, ...metricText(last.metrics)].join(' · '),
      tooltip: `${tooltipOf(last)}\nClick to open the training view.`,
      kind: 'done',
      command: 'modelStudio.showTraining',
      actions: [{ title: 'Open Training View', icon: 'graph-line', command: 'modelStudio.showTraining', args: [last.id] }],
    };
  }
  const e = state.engine;
  return {
    text: e ? `$(chip) ${e.engine} · ${shortDevice(e.engine, e.device)}` : '$(chip) Model Studio',
    tooltip: e ? `Training engine: ${e.device}\nClick to choose another engine.` : 'No training engine probed yet. Click to choose one.',
    kind: 'idle',
    command: 'modelStudio.selectEngine',
    actions: [{ title: 'Select Engine', icon: 'chip', command: 'modelStudio.selectEngine', args: [] }],
  };
}

/** "webgpu · llvmpipe (Vulkan)" → "llvmpipe": the device without the engine name and the API in brackets. */
export function shortDevice(engine: string, device: string): string {
  let d = device.startsWith(`${engine} · `) ? device.slice(engine.length + 3) : device;
  d = d.replace(/\s*\((Vulkan|Metal|D3D12|CUDA|libtensorflow)\)$/, '');
  // "NVIDIA H100 80GB HBM3" → "H100 80GB HBM3" keeps the bar short; the tooltip has the full name.
  return d.replace(/^NVIDIA:?\s+/, '') || device;
}

/**
 * Limit how often a view is pushed: at most once per `intervalMs`, always ending on the latest value
 * (trailing edge), and pushing at once when nothing was pushed recently (leading edge).
 */
export class Throttle<T> {
  private pending: { value: T } | undefined;
  private lastPush = -Infinity;
  private timer: unknown;

  constructor(
    private readonly push: (v: T) => void,
    private readonly intervalMs = 250,
    private readonly clock: { now(): number; setTimeout(f: () => void, ms: number): unknown; clearTimeout(t: unknown): void } = {
      now: () => Date.now(),
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
    },
  ) {}

  update(v: T): void {
    const now = this.clock.now();
    if (now - this.lastPush >= this.intervalMs && this.timer === undefined) {
      this.lastPush = now;
      this.push(v);
      return;
    }
    this.pending = { value: v };
    if (this.timer === undefined) {
      this.timer = this.clock.setTimeout(() => this.flush(), Math.max(0, this.intervalMs - (now - this.lastPush)));
    }
  }

  /** Push the pending value now (e.g. a state change that must be seen at once, like a failure). */
  flush(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) {
      const v = this.pending.value;
      this.pending = undefined;
      this.lastPush = this.clock.now();
      this.push(v);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
