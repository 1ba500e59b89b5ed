/**
 * The Python runner as a child process of the worker: python/runner/runner.py JOB.json, one JSON object per
 * line on its stdout (batch, epoch, checkpoint, log, then done or error), commands on its stdin (pause, resume,
 * stop batch|epoch). Anything else it prints (Keras' and the backend's own logging) is its log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BatchEvent, CheckpointKind, HistogramItem, DoneStatus, EpochEvent, StopKeeps, WeightsKept } from '../../core/training';
import { runnerDir } from './runnerDir';

export type RunnerLine =
  | ({ type: 'batch' } & BatchEvent)
  | ({ type: 'epoch' } & EpochEvent)
  | { type: 'checkpoint'; epoch: number; kinds: CheckpointKind[]; path: string; metrics: Record<string, number> }
  | { type: 'histograms'; items: HistogramItem[] }
  | { type: 'log'; line: string }
  | { type: 'done'; status: DoneStatus | 'nan'; epochs: number; weights: WeightsKept; message: string | null; path: string; test?: Record<string, number> }
  | { type: 'error'; message: string; hint?: string; code?: string; trace?: string };

/** How the run ended: its last line (done / error), or how the process died without one. */
export interface RunnerExit {
  end?: Extract<RunnerLine, { type: 'done' | 'error' }>;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

export class RunnerProcess {
  readonly child: ChildProcess;
  /**
   * Resolves with the done / error line as soon as it arrives (the interpreter's own shutdown, which can take
   * a second with a backend loaded, is not waited for), or when the process dies without one.
   */
  readonly finished: Promise<RunnerExit>;
  private end: RunnerExit['end'];
  private stderrTail = '';
  private settle!: (e: RunnerExit) => void;

  constructor(python: string, jobPath: string, env: NodeJS.ProcessEnv, onLine: (l: RunnerLine) => void, onStderr: (text: string) => void) {
    this.child = spawn(python, ['-u', join(runnerDir(), 'runner.py'), jobPath], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin?.on('error', () => undefined);
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (raw) => {
      let l: RunnerLine;
      try {
        l = JSON.parse(raw) as RunnerLine;
      } catch {
        onStderr(raw);
        return;
      }
      onLine(l);
      if (l.type === 'done' || l.type === 'error') {
        this.end = l;
        this.settle({ end: l, code: null, signal: null, stderrTail: this.stderrTail });
      }
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString();
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      onStderr(text);
    });
    const closed = new Promise<void>((r) => lines.once('close', r));
    this.finished = new Promise((resolve) => {
      this.settle = resolve;
      this.child.once('error', (e) => resolve({ code: null, signal: null, stderrTail: e.message }));
      this.child.once('exit', (code, signal) => {
        // The last lines may still be in the pipe when the process has exited.
        void closed.then(() => resolve({ end: this.end, code, signal, stderrTail: this.stderrTail }));
      });
    });
  }

  private send(cmd: string): void {
    if (this.child.stdin?.writable) this.child.stdin.write(`${cmd}\n`);
  }

  pause(): void {
    this.send('pause');
  }

  resume(): void {
    this.send('resume');
  }

  stop(keep: StopKeeps): void {
    this.send(`stop ${keep}`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
