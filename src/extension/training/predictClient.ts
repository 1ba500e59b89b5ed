/**
 * The host side of the predict-and-probe worker (src/engine/predict/predictProbeWorker.ts): forks it, sends
 * requests and matches answers by id. No vscode here, so tests drive it from Node. The worker is short-lived:
 * it exits when idle.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { isUserError, UserError } from '../../core/types';
import { childEntry, type ChildEntry } from '../../engine/childEntry';
import { withoutDawnNoise } from '../../engine/workerStderr';
import { limitsEnv } from '../../formats/limits';
import type { Evaluation, TryInfo, TryInput, TryOutput } from '../../protocol/training';
import {
  isPredictAnswer,
  parseFromPredictWorker,
  type FromPredictWorker,
  type PredictAnswer,
  type PREDICT_ANSWERS,
  type LoadRequest,
  type SpeedReport,
  type SpeedRequest,
  type ToPredictWorker,
} from '../../protocol/predict';

/** The bundle `dist/predictProbeWorker.js` next to the bundled host, or the TypeScript source through tsx. */
export function predictWorkerLaunch(): ChildEntry {
  return childEntry('predictProbeWorker.js', 'src/engine/predict/predictProbeWorker.ts');
}

/** Why a request got no answer from the worker (a crash, a closed channel, no Node); the next request restarts it. */
function workerGone(text: string): UserError {
  return new UserError(text, 'Try again; it restarts on the next request.', 'predict-worker');
}

/** Omit over each member of a union (plain Omit merges the union first). */
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** A request waiting for its answer, from the worker it was sent to (an old worker's exit must not fail a new one's). */
type Pending = { child: ChildProcess; resolve: (m: FromPredictWorker) => void; reject: (e: Error) => void; progress?: (m: FromPredictWorker) => void };

/** A probeSpeed progress message: the report so far and, before an engine runs, its name. */
export type SpeedProgress = { done: number; total: number; measuring?: string; report: SpeedReport };

/** How to start the worker; `execPath` (default: this Node) only for tests of a worker that cannot start. */
type Launch = ChildEntry & { execPath?: string };

export class PredictClient {
  private child: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { launch?: Launch; idleMs?: number } = {}) {}

  /** The running worker once it said it is ready, started first if there is none (or its channel closed). */
  private start(): Promise<ChildProcess> {
    if (this.ready && this.child && this.child.connected) return this.ready;
    // A worker that cut its channel but still runs would hold its model in memory for nothing.
    this.dispose();
    const launch: Launch = this.opts.launch ?? predictWorkerLaunch();
    const child = fork(launch.modulePath, [], { execArgv: launch.execArgv, execPath: launch.execPath, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.ready = new Promise((res, rej) => {
      /** This worker answers nothing more: what waits on it fails with why, and the next request starts another. */
      const end = (why: string) => {
        const last = withoutDawnNoise(stderr).split('\n').pop()?.trim();
        const err = workerGone(`The model worker ${why}.${last ? ` ${last}` : ''}`);
        rej(err);
        this.failAll(child, err);
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
      };
      child.on('message', (raw) => {
        const m = parseFromPredictWorker(raw);
        if (!m) return;
        if (m.type === 'ready') return res(child);
        const p = this.pending.get(m.id);
        if (!p || p.child !== child) return;
        // Progress is not the answer: the request stays pending.
        if (m.type === 'speedProgress') {
          this.touch();
          p.progress?.(m);
          return;
        }
        this.pending.delete(m.id);
        p.resolve(m);
      });
      child.on('exit', (code, signal) => end(`ended (${signal ?? `code ${code}`})`));
      // The channel closes just before a worker exits; one that cut it and runs on can answer nothing more.
      child.on('disconnect', () => {
        setTimeout(() => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          end('closed its channel');
          child.kill();
        }, 2000).unref();
      });
      // No process (Node could not be run): no 'exit' follows. A failed kill needs nothing; a failed send is
      // answered by its callback in request().
      child.on('error', (e) => {
        if (child.pid === undefined) end(`could not start (${e.message})`);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private failAll(child: ChildProcess, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.child !== child) continue;
      this.pending.delete(id);
      p.reject(err);
    }
  }

  /** Sends a request and resolves with its answer (typed by PREDICT_ANSWERS); an `error` answer rejects. */
  private async request<K extends keyof typeof PREDICT_ANSWERS>(
    m: Extract<DistributiveOmit<ToPredictWorker, 'id'>, { type: K }>,
    progress?: Pending['progress'],
  ): Promise<PredictAnswer<K>> {
    const child = await this.start();
    const id = this.nextId++;
    this.touch();
    const answer = new Promise<FromPredictWorker>((resolve, reject) => this.pending.set(id, { child, resolve, reject, progress }));
    // A worker whose channel closed (it exited, or cut it) cannot take the request: it fails now instead of
    // waiting forever, and that worker is ended so the next request starts a fresh one.
    child.send({ ...m, id, limits: limitsEnv() } as ToPredictWorker, (e) => {
      if (!e) return;
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(workerGone(`The model worker did not take the request (${e.message}).`));
      if (this.child === child) this.dispose();
      else if (child.exitCode === null && child.signalCode === null) child.kill();
    });
    const r = await answer;
    this.touch();
    if (r.type === 'error') throw new UserError(r.message, r.hint, 'predict');
    if (!isPredictAnswer(m.type as K, r)) throw new Error(`unexpected answer ${r.type}`);
    return r;
  }

  /** Stop the worker after a while without requests (it holds a model and maybe a dataset in memory). */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.dispose(), this.opts.idleMs ?? 10 * 60_000);
    this.idleTimer.unref();
  }

  async load(request: LoadRequest): Promise<{ info: TryInfo; engine: string }> {
    const r = await this.request({ type: 'load', request });
    return { info: r.info, engine: r.engine };
  }

  async predict(input: TryInput): Promise<TryOutput> {
    const r = await this.request({ type: 'predict', input });
    return r.output;
  }

  async evaluate(limit?: number): Promise<Evaluation> {
    const r = await this.request({ type: 'evaluate', limit });
    return r.evaluation;
  }

  /** Load and smoke-test an engine (in the worker): what a training session would get. */
  async probe(engine: LoadRequest['engine'], engineDirs?: string[], python?: string): Promise<{ engine: string; device: string; skipped: { engine: string; reason: string }[] }> {
    const r = await this.request({ type: 'probe', engine, engineDirs, python });
    return { engine: r.engine, device: r.device, skipped: r.skipped };
  }

  /**
   * Measure the model's training speed on each engine, in the worker (the host never loads tfjs). If an engine
   * takes the worker down (a GPU driver crash), the engines measured before it are kept and it becomes a row
   * with the reason; webgpu, the likeliest to crash, is measured last.
   */
  async probeSpeed(request: SpeedRequest, onProgress?: (p: SpeedProgress) => void): Promise<SpeedReport> {
    let last: SpeedProgress | undefined;
    try {
      const r = await this.request({ type: 'probeSpeed', request }, (m) => {
        if (m.type !== 'speedProgress') return;
        last = { done: m.done, total: m.total, measuring: m.measuring, report: m.report };
        onProgress?.(last);
      });
      return r.report;
    } catch (e) {
      const engine = last?.measuring;
      if (!last || !engine || !(isUserError(e) && e.code === 'predict-worker')) throw e;
      const crashed = { engine: engine as SpeedReport['rows'][number]['engine'], device: engine, batch: request.batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null };
      return { ...last.report, rows: [...last.report.rows, { ...crashed, reason: `measuring it ended the worker process: ${e.message}` }] };
    }
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const c = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (c && c.exitCode === null && c.signalCode === null) c.kill();
  }
}
