/**
 * Host side of training sessions (no vscode here: the extension and the CLI both use it). Each session is a
 * worker process forked with a typed IPC channel; several run at once. Stop asks the worker to finish its
 * current batch; a worker that does not answer within 2 s is killed. A worker that crashes or is killed is
 * reported as failed with the reason. Nothing here writes the model file.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readModel } from '../formats/registry';
import type { DoneStatus, SessionState, StopKeeps } from '../core/training';
import type { ModelFile } from '../core/types';
import { parseWorkerToHost, type StartJob, type WorkerToHost } from '../protocol/worker';
import { newRunId, runDirFor } from './runFolder';
import { childEntry, type ChildEntry } from './childEntry';
import { withoutDawnNoise } from './workerStderr';

/** How long a worker may take to answer Stop before it is killed. */
export const STOP_TIMEOUT_MS = 2000;

/** Where the worker entry is and how to start it (bundle, or source through tsx in tests). */
export function workerLaunch(): ChildEntry {
  return childEntry('worker.js', 'src/engine/worker.ts');
}

export interface SessionResult {
  status: DoneStatus | 'failed';
  message?: string;
  hint?: string;
  /** The trained model (TF.js) in the run folder, when training ended normally or was stopped. */
  finalPath?: string;
  epochs?: number;
  test?: Record<string, number>;
  weights?: string;
}

export interface StartRequest extends Omit<StartJob, 'sessionId' | 'runDir'> {
  /** The workspace folder that holds `.modelstudio/runs`. */
  workspaceDir: string;
  /** Runs folder relative to the workspace (setting modelStudio.runs.folder). */
  runsFolder?: string;
  /** A label appended to the run id (e.g. the optimizer name). */
  runLabel?: string;
}

type Events = {
  message: [WorkerToHost];
  state: [SessionState];
  end: [SessionResult];
  stderr: [string];
};

export class TrainingSession extends EventEmitter<Events> {
  state: SessionState = 'starting';
  engine?: string;
  device?: string;
  readonly result: Promise<SessionResult>;
  private resolveResult!: (r: SessionResult) => void;
  private ended = false;
  private stderrTail = '';
  private forced: string | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private watching = false;
  /** The worker said ready and got its job: later messages reach it. */
  private jobSent = false;

  constructor(
    readonly id: string,
    readonly runId: string,
    readonly runDir: string,
    readonly modelName: string,
    readonly child: ChildProcess,
    job: StartJob,
  ) {
    super();
    this.result = new Promise((r) => (this.resolveResult = r));
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString();
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      this.emit('stderr', text);
    });
    child.stdout?.on('data', () => undefined);
    child.on('message', (raw) => {
      const m = parseWorkerToHost(raw);
      if (!m) return;
      this.onMessage(m, job);
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('error', (e) => this.end({ status: 'failed', message: `The training process could not start: ${e.message}` }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private setState(s: SessionState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  private onMessage(m: WorkerToHost, job: StartJob): void {
    switch (m.type) {
      case 'ready':
        // The watching state rides with the job: a run short enough to end before a separate message is read
        // (the trainer need not yield to the event loop) would otherwise never be watched.
        this.child.send({ type: 'start', job, watching: this.watching });
        this.jobSent = true;
        break;
      case 'engine':
        this.engine = m.engine;
        this.device = m.device;
        break;
      case 'state':
        if (m.state === 'stopping' && this.stopTimer) {
          clearTimeout(this.stopTimer);
          this.stopTimer = undefined;
        }
        if (this.state !== 'stopping' || m.state === 'stopping') this.setState(m.state);
        break;
      case 'done':
        this.end({ status: m.status, message: m.message, finalPath: m.finalPath, epochs: m.epochs, test: m.test, weights: m.weights });
        break;
      case 'failed':
        this.end({ status: 'failed', message: m.message, hint: m.hint });
        break;
      default:
        break;
    }
    this.emit('message', m);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    if (this.ended) return;
    if (this.forced) {
      this.end({ status: 'stopped', message: this.forced });
      return;
    }
    const lastErr = withoutDawnNoise(this.stderrTail).trim().split('\n').filter(Boolean).slice(-3).join(' | ');
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    this.end({
      status: 'failed',
      message: `The training process ${how} before training finished.${lastErr ? ` Last output: ${lastErr}` : ''}`,
      hint: signal === 'SIGKILL' ? 'It may have run out of memory, or been stopped from outside.' : undefined,
    });
  }

  private end(r: SessionResult): void {
    if (this.ended) return;
    this.ended = true;
    this.setState(r.status === 'failed' ? 'failed' : r.status === 'stopped' ? 'stopped' : 'done');
    this.resolveResult(r);
    this.emit('end', r);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  pause(): void {
    if (!this.ended && this.child.connected) this.child.send({ type: 'pause' });
  }

  resume(): void {
    if (!this.ended && this.child.connected) this.child.send({ type: 'resume' });
  }

  /** Someone watches (or stopped watching) the animation: an RL worker sends frames only while watched. */
  watch(on: boolean): void {
    if (this.watching === on) return;
    this.watching = on;
    if (!this.ended && this.child.connected && this.jobSent) this.child.send({ type: 'frames', on });
  }

  /**
   * Finish the current batch and end, keeping the last completed batch's or epoch's weights. If the worker
   * does not answer within 2 s it is killed (the last checkpoint in the run folder stays usable).
   */
  stop(keep: StopKeeps = 'batch'): Promise<SessionResult> {
    if (this.ended) return this.result;
    this.setState('stopping');
    if (this.child.connected) this.child.send({ type: 'stop', keep });
    this.stopTimer ??= setTimeout(() => {
      this.kill(`The training process did not answer Stop within ${STOP_TIMEOUT_MS / 1000} s and was killed; the last checkpoint in the run folder is kept.`);
    }, STOP_TIMEOUT_MS);
    return this.result;
  }

  /** Hard stop. */
  kill(reason = 'Training was killed.'): void {
    if (this.ended) return;
    this.forced = reason;
    this.child.kill('SIGKILL');
  }
}

export interface SessionManagerOptions {
  /** Override the worker launch (tests). */
  launch?: { modulePath: string; execArgv: string[] };
  env?: NodeJS.ProcessEnv;
}

export class SessionManager extends EventEmitter<{ session: [TrainingSession] }> {
  private readonly all = new Map<string, TrainingSession>();
  private counter = 0;
  constructor(private readonly opts: SessionManagerOptions = {}) {
    super();
  }

  start(req: StartRequest): TrainingSession {
    const { workspaceDir, runsFolder, runLabel, ...rest } = req;
    const runId = newRunId(runLabel);
    const runDir = runDirFor(workspaceDir, req.model.graph.name, runId, runsFolder);
    const sessionId = `s${++this.counter}-${runId}`;
    const job: StartJob = { ...rest, sessionId, runDir };
    const launch = this.opts.launch ?? workerLaunch();
    const child = fork(launch.modulePath, [], {
      execArgv: launch.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...this.opts.env },
    });
    const s = new TrainingSession(sessionId, runId, runDir, req.model.graph.name, child, job);
    this.all.set(sessionId, s);
    s.on('end', () => undefined);
    this.emit('session', s);
    return s;
  }

  get(id: string): TrainingSession | undefined {
    return this.all.get(id);
  }

  sessions(): TrainingSession[] {
    return [...this.all.values()];
  }

  /** Kill every running session (extension deactivation). */
  disposeAll(): void {
    for (const s of this.all.values()) s.kill('The editor closed while training.');
  }
}

/**
 * The trained model of a finished session merged into the original file: its weights, Keras training
 * config and our training metadata; graph and everything else as the host had it.
 */
export async function trainedModel(original: ModelFile, finalPath: string): Promise<ModelFile> {
  const trained = await readModel(finalPath);
  return { ...original, weights: trained.weights, trainingConfig: trained.trainingConfig, userDefinedMetadata: trained.userDefinedMetadata };
}
