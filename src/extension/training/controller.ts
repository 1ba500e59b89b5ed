/**
 * The host's training state, without vscode: the sessions started from the editor, each one's metric history
 * (so the training view can be re-sent a snapshot when it is shown or reloaded), the status bar model, and the
 * actions the status bar, the view and the commands share (stop, pause/resume, focus). The vscode layer
 * (commands/, statusBar.ts, trainingView/) only wires these to VS Code objects.
 */
import type { SessionManager, SessionResult, StartRequest, TrainingSession } from '../../engine/sessions';
import { rlUnitOf, runLength } from '../../core/rl/watch';
import type { BatchPoint, EpochPoint, HistogramItem, RunInfo, SessionState } from '../../core/training';
import type { HostToTraining, SessionInfo, TrainingSnapshot, TryInfo, Evaluation } from '../../protocol/training';
import type { WorkerToHost } from '../../protocol/worker';
import { lineBuffer, withoutDawnNoise } from '../../engine/workerStderr';
import { initialStatus, isActive, reduceStatus, statusView, type StatusEvent, type StatusState, type StatusView } from './statusModel';

/** History kept per session: enough for 100k+ batch points; beyond it older points are thinned 2:1. */
export const MAX_BATCH_POINTS = 200_000;

export interface SessionRecord {
  session: TrainingSession;
  /** The model file the session trains (a path or URI string), so Try/Export find their model. */
  modelKey: string;
  info: SessionInfo;
  batches: BatchPoint[];
  epochs: EpochPoint[];
  histograms: HistogramItem[];
  result?: SessionResult;
}

type Listener<T> = (v: T) => void;

export class TrainingController {
  private readonly records = new Map<string, SessionRecord>();
  private status: StatusState = initialStatus();
  private focusedId: string | undefined;
  private readonly statusListeners = new Set<Listener<StatusView>>();
  private readonly viewListeners = new Set<Listener<HostToTraining>>();
  private readonly logListeners = new Set<Listener<string>>();
  private readonly endListeners = new Set<Listener<SessionRecord>>();
  /** The training view is visible: RL sessions send animation frames (none while nobody looks). */
  private watching = false;

  constructor(readonly manager: SessionManager) {}

  // -------------------------------------------------------------------------------------------------------
  // Listeners

  onStatus(f: Listener<StatusView>): { dispose(): void } {
    this.statusListeners.add(f);
    return { dispose: () => this.statusListeners.delete(f) };
  }

  /** Messages for the training view (live events of the focused session, session changes). */
  onView(f: Listener<HostToTraining>): { dispose(): void } {
    this.viewListeners.add(f);
    return { dispose: () => this.viewListeners.delete(f) };
  }

  onLog(f: Listener<string>): { dispose(): void } {
    this.logListeners.add(f);
    return { dispose: () => this.logListeners.delete(f) };
  }

  onSessionEnd(f: Listener<SessionRecord>): { dispose(): void } {
    this.endListeners.add(f);
    return { dispose: () => this.endListeners.delete(f) };
  }

  private dispatch(ev: StatusEvent): void {
    this.status = reduceStatus(this.status, ev);
    const view = statusView(this.status);
    for (const f of this.statusListeners) f(view);
  }

  private toView(m: HostToTraining): void {
    for (const f of this.viewListeners) f(m);
  }

  private log(line: string): void {
    for (const f of this.logListeners) f(line);
  }

  get statusState(): StatusState {
    return this.status;
  }

  get view(): StatusView {
    return statusView(this.status);
  }

  // -------------------------------------------------------------------------------------------------------
  // Sessions

  /** Start a session with the real SessionManager and follow its events. */
  start(req: StartRequest, modelKey: string): SessionRecord {
    const session = this.manager.start(req);
    const rec: SessionRecord = {
      session,
      modelKey,
      info: { id: session.id, model: session.modelName, runId: session.runId, state: 'starting', epochs: runLength(req.training), startedAt: Date.now() },
      batches: [],
      epochs: [],
      histograms: [],
    };
    this.records.set(session.id, rec);
    this.focusedId = session.id;
    this.log(`[${session.modelName}] starting run ${session.runId} (engine: ${req.engine})`);
    this.dispatch({ type: 'started', id: session.id, model: session.modelName, epochs: runLength(req.training), at: rec.info.startedAt, modelKey });
    session.watch(this.watching);
    session.on('message', (m) => this.onWorker(rec, m));
    session.on('state', (s) => this.setState(rec, s));
    const stderrLines = lineBuffer();
    session.on('stderr', (t) => {
      const kept = withoutDawnNoise(stderrLines.push(t));
      if (kept) this.log(`[${session.modelName}] ${kept}`);
    });
    session.on('end', (r) => {
      const rest = withoutDawnNoise(stderrLines.flush());
      if (rest) this.log(`[${session.modelName}] ${rest}`);
      this.onEnd(rec, r);
    });
    this.toView({ type: 'session', session: rec.info });
    return rec;
  }

  private setState(rec: SessionRecord, s: SessionState): void {
    rec.info = { ...rec.info, state: s };
    if (s === 'paused') this.dispatch({ type: 'paused', id: rec.info.id });
    else if (s === 'running') this.dispatch({ type: 'resumed', id: rec.info.id });
    else if (s === 'stopping') this.dispatch({ type: 'stopping', id: rec.info.id });
    this.toView({ type: 'session', session: rec.info });
  }

  private onWorker(rec: SessionRecord, m: WorkerToHost): void {
    const id = rec.info.id;
    switch (m.type) {
      case 'engine':
        rec.info = { ...rec.info, engine: m.engine, device: m.device };
        this.dispatch({ type: 'device', id, engine: m.engine, device: m.device });
        this.dispatch({ type: 'engine', engine: m.engine, device: m.device });
        for (const s of m.skipped) this.log(`[${rec.info.model}] skipped ${s.engine}: ${s.reason}`);
        this.log(`[${rec.info.model}] engine: ${m.device}`);
        this.toView({ type: 'session', session: rec.info });
        break;
      case 'batch': {
        const point = m.point;
        this.pushBatch(rec, point);
        // The worker numbers epochs from 1 (the fit loop), as the status bar and the log show them.
        this.dispatch({ type: 'batch', id, point, at: Date.now() });
        this.toView({ type: 'batches', sessionId: id, points: [point] });
        break;
      }
      case 'epoch': {
        const point = m.point;
        rec.epochs.push(point);
        this.dispatch({ type: 'epoch', id, point });
        this.toView({ type: 'epoch', sessionId: id, point });
        const parts = Object.entries(point.metrics).map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : v}`);
        this.log(`[${rec.info.model}] ${rlUnitOf(Object.keys(point.metrics)) ?? 'epoch'} ${point.epoch}/${rec.info.epochs} (${point.seconds.toFixed(1)} s): ${parts.join(', ')}`);
        break;
      }
      case 'histograms':
        rec.histograms.push(...m.items);
        this.toView({ type: 'histograms', sessionId: id, items: m.items });
        break;
      case 'log':
        this.log(`[${rec.info.model}] ${m.line}`);
        break;
      case 'frame':
        this.toView({ type: 'frame', sessionId: id, frame: m.frame });
        break;
      case 'data':
        this.log(`[${rec.info.model}] data: ${[m.train, m.validation, m.test].filter(Boolean).join('; ')}`);
        break;
      case 'checkpoint':
        this.log(`[${rec.info.model}] checkpoint (${m.kinds.join(', ')}) after epoch ${m.epoch}`);
        break;
      default:
        break;
    }
  }

  private pushBatch(rec: SessionRecord, p: BatchPoint): void {
    rec.batches.push(p);
    if (rec.batches.length > MAX_BATCH_POINTS) {
      // Thin the older half 2:1: recent detail stays, the whole run still fits (the chart decimates anyway).
      const half = rec.batches.length >> 1;
      rec.batches = [...rec.batches.slice(0, half).filter((_, i) => i % 2 === 0), ...rec.batches.slice(half)];
    }
  }

  private onEnd(rec: SessionRecord, r: SessionResult): void {
    rec.result = r;
    const state = r.status === 'failed' ? 'failed' : r.status === 'stopped' ? 'stopped' : 'done';
    const reason = r.status === 'failed' ? [r.message, r.hint].filter(Boolean).join(' ') : r.message;
    rec.info = { ...rec.info, state, error: r.status === 'failed' ? reason : undefined };
    this.log(`[${rec.info.model}] ${state}${reason ? `: ${reason}` : ''}${r.test ? ` · test ${JSON.stringify(r.test)}` : ''}`);
    this.dispatch({ type: 'ended', id: rec.info.id, state, reason });
    this.toView({ type: 'session', session: rec.info });
    for (const f of this.endListeners) f(rec);
  }

  record(id: string): SessionRecord | undefined {
    return this.records.get(id);
  }

  /** The session the view and the commands act on: the focused one, else the newest active one. */
  focused(): SessionRecord | undefined {
    const f = this.focusedId ? this.records.get(this.focusedId) : undefined;
    if (f) return f;
    const all = [...this.records.values()];
    return all.reverse().find((r) => isActiveInfo(r.info)) ?? all[0];
  }

  active(): SessionRecord[] {
    return [...this.records.values()].filter((r) => isActiveInfo(r.info));
  }

  /** The newest session still training the model file `modelKey` (Train asks before starting a second). */
  runningFor(modelKey: string): SessionRecord | undefined {
    return this.active().reverse().find((r) => r.modelKey === modelKey && !r.session.isEnded);
  }

  focus(id: string): boolean {
    if (!this.records.has(id)) return false;
    this.focusedId = id;
    this.dispatch({ type: 'focus', id });
    return true;
  }

  /** Stop a session (the given one, else the focused one). Resolves when the worker has ended. */
  async stop(id?: string): Promise<SessionResult | undefined> {
    const rec = id ? this.records.get(id) : this.focused();
    if (!rec || rec.session.isEnded) return rec?.result;
    this.log(`[${rec.info.model}] stop requested`);
    return rec.session.stop();
  }

  /** Pause or resume a session; with none running, says so (the command shows it) instead of doing nothing. */
  pauseResume(id?: string): { done: 'paused' | 'resumed' } | { message: string } {
    const rec = id ? this.records.get(id) : this.focused();
    if (!rec || rec.session.isEnded) return { message: 'No training session is running, so there is nothing to pause or resume. Start one with Train.' };
    if (rec.session.state === 'paused') {
      rec.session.resume();
      return { done: 'resumed' };
    }
    rec.session.pause();
    return { done: 'paused' };
  }

  /** The training view became visible or hidden: every running session is told, and the ones started later. */
  setWatching(on: boolean): void {
    this.watching = on;
    for (const r of this.active()) r.session.watch(on);
  }

  /** The model file of the active editor (undefined: none): the status bar shows that model's run. */
  setEditorModel(modelKey: string | undefined): void {
    if (this.status.editorModel !== modelKey) this.dispatch({ type: 'editor', modelKey });
  }

  /** The failure was looked at (the log opened): the status bar goes back to normal. */
  acknowledge(): void {
    if (this.status.sessions.some((s) => s.phase === 'failed')) this.dispatch({ type: 'acknowledge' });
  }

  setEngine(engine: string, device: string): void {
    this.dispatch({ type: 'engine', engine, device });
  }

  /** Everything the view needs after a (re)load. */
  snapshot(extra: { runs: RunInfo[]; tryInfo: TryInfo; evaluation?: Evaluation }): TrainingSnapshot {
    const f = this.focused();
    return {
      session: f?.info ?? null,
      sessions: [...this.records.values()].map((r) => r.info),
      batches: f?.batches ?? [],
      epochs: f?.epochs ?? [],
      histograms: f?.histograms ?? [],
      runs: extra.runs,
      tryInfo: extra.tryInfo,
      evaluation: extra.evaluation,
    };
  }

  dispose(): void {
    for (const r of this.records.values()) if (!r.session.isEnded) r.session.kill('The editor closed while training.');
    this.statusListeners.clear();
    this.viewListeners.clear();
    this.logListeners.clear();
    this.endListeners.clear();
  }
}

const isActiveInfo = (i: SessionInfo) => isActive({ phase: i.state } as Parameters<typeof isActive>[0]);

/**
 * The commands the status bar's links run, by command id, making the same controller calls as
 * commands/stop.ts and commands/pauseResume.ts, so a test can follow "Stop from the status bar" to the worker.
 */
export function statusActionHandlers(c: TrainingController): Record<'modelStudio.stop' | 'modelStudio.pauseResume', (id?: string) => unknown> {
  return {
    'modelStudio.stop': (id?: string) => c.stop(id),
    'modelStudio.pauseResume': (id?: string) => c.pauseResume(id),
  };
}
