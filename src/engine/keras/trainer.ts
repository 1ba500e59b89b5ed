/**
 * The keras trainer: trains the job with the user's own Keras 3 (any backend) through the Python runner shipped
 * in python/runner/. The worker writes the model (.keras) and the data (.npy) for it (./jobFiles.ts), the
 * runner streams the same batch and epoch events the tfjs engine sends, and the trained weights come back from
 * the .keras file it saves. Pause, resume and stop reach it on its stdin; a runner that does not stop within
 * 2 s is killed and the last checkpoint is kept.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineId } from '../../core/training';
import { UserError, type NamedTensor } from '../../core/types';
import { readModel } from '../../formats/registry';
import type { TrainingControl } from '../control';
import { describeJobData, loadJobData } from '../datasets/jobData';
import { readNpy, writeNpy } from '../datasets/npy';
import type { ArrayData, DataDescription, EpochEvent, FitResult, PreparedJob, Trainer, TrainerEvents, TrainingJob } from '../trainer';
import { modelInputShape, readRunnerWeights, writeJobFiles, type JobFiles } from './jobFiles';
import { describeProbe, findKeras, type KerasProbe } from './python';
import { RunnerProcess, type RunnerExit, type RunnerLine } from './runner';
import { runnerDir } from './runnerDir';

/** How long the runner may take to honour Stop before it is killed. */
export const RUNNER_STOP_MS = 2000;

type Ready = Extract<KerasProbe, { ok: true }>;

export function runnerEnv(probe: Ready): NodeJS.ProcessEnv {
  return { ...process.env, KERAS_BACKEND: probe.backend, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' };
}

class KerasJob implements PreparedJob {
  readonly engine: EngineId = 'keras';
  /** The .keras file that holds the model's current weights: the job's, then each checkpoint, then the final one. */
  private current: string;
  private test: Record<string, number> | undefined;
  private runner: RunnerProcess | undefined;

  constructor(
    private readonly job: TrainingJob,
    private readonly probe: Ready,
    readonly device: string,
    private readonly files: JobFiles,
    readonly data: DataDescription,
  ) {
    this.current = files.modelPath;
  }

  async fit(control: TrainingControl, events: TrainerEvents): Promise<FitResult> {
    const history: EpochEvent[] = [];
    let pending = Promise.resolve();
    const onLine = (l: RunnerLine) => {
      switch (l.type) {
        case 'batch': {
          const { type: _t, ...point } = l;
          events.onBatch?.(point);
          break;
        }
        case 'epoch': {
          const { type: _t, ...point } = l;
          history.push(point);
          pending = pending.then(() => events.onEpoch?.(point));
          break;
        }
        case 'checkpoint':
          this.current = l.path;
          pending = pending.then(() => events.onCheckpoint?.(l.kinds, l.epoch, l.metrics));
          break;
        case 'histograms':
          events.onHistograms?.(l.items);
          break;
        case 'log':
          events.onLog?.(l.line);
          break;
        case 'error':
          if (l.trace) for (const line of l.trace.trimEnd().split('\n')) events.onLog?.(line);
          break;
        default:
          break;
      }
    };
    const onStderr = (text: string) => {
      for (const line of text.split('\n')) if (line.trim()) events.onLog?.(line);
    };
    const runner = new RunnerProcess(this.probe.python, this.files.jobPath, runnerEnv(this.probe), onLine, onStderr);
    this.runner = runner;
    const forced = forwardControl(control, runner);
    const exit = await runner.finished.finally(() => forced.dispose());
    await pending;
    return this.result(exit, forced.killed, history);
  }

  private result(exit: RunnerExit, killedForStop: boolean, history: EpochEvent[]): FitResult {
    const end = exit.end;
    if (end?.type === 'done') {
      this.current = end.path;
      this.test = end.test;
      return { status: end.status, epochs: end.epochs, history, message: end.message ?? undefined, weights: end.weights };
    }
    if (end?.type === 'error') throw new UserError(end.message, end.hint, end.code ?? 'python-error');
    const epochs = (this.job.training.initialEpoch ?? 0) + history.length;
    if (killedForStop) {
      const message = `The Keras runner did not stop within ${RUNNER_STOP_MS / 1000} s and was killed; the last checkpoint is kept.`;
      return { status: 'stopped', epochs, history, message, weights: 'last-epoch' };
    }
    const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
    const last = exit.stderrTail.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
    throw new UserError(
      `The Keras runner ${how} after ${history.length} epoch(s).${last ? ` Last output: ${last}` : ''}`,
      exit.signal === 'SIGKILL' ? 'It may have run out of memory, or been stopped from outside. The model file is unchanged; checkpoints in the run folder are kept.' : 'See the training log.',
      exit.signal ? 'runner-killed' : 'runner-crashed',
    );
  }

  async evaluate(): Promise<Record<string, number> | undefined> {
    return this.test;
  }

  async predict(x: ArrayData): Promise<ArrayData> {
    const xPath = join(this.files.dir, 'predict_x.npy');
    const outPath = join(this.files.dir, 'predict_y.npy');
    writeFileSync(xPath, writeNpy({ dtype: x.data instanceof Int32Array ? '<i4' : '<f4', shape: x.shape, data: x.data }));
    const code = await new Promise<number | null>((resolve) => {
      const p = spawn(this.probe.python, [join(runnerDir(), 'predict.py'), this.current, xPath, outPath], { env: runnerEnv(this.probe), stdio: 'ignore' });
      p.on('error', () => resolve(null));
      p.on('exit', resolve);
    });
    if (code !== 0) throw new UserError('Keras could not predict on this input.', 'Check its shape against the model input.', 'predict-failed');
    const y = readNpy(readFileSync(outPath));
    return { shape: y.shape, data: y.data as Float32Array };
  }

  async weights(): Promise<NamedTensor[]> {
    return readRunnerWeights(this.current, this.job.model) ?? (await readModel(this.current)).weights;
  }

  dispose(): void {
    this.runner?.kill();
    rmSync(this.files.dir, { recursive: true, force: true });
  }
}

/** Pause, resume and stop from the worker's control to the runner's stdin; a kill when Stop is not honoured in time. */
function forwardControl(control: TrainingControl, runner: RunnerProcess): { dispose(): void; killed: boolean } {
  let paused = false;
  let stopTimer: NodeJS.Timeout | undefined;
  const state = { killed: false, dispose: () => undefined as void };
  const poll = setInterval(() => {
    if (control.stopRequested && !stopTimer) {
      runner.stop(control.stopRequested);
      stopTimer = setTimeout(() => {
        state.killed = true;
        runner.kill();
      }, RUNNER_STOP_MS);
    } else if (control.isPaused !== paused) {
      paused = control.isPaused;
      if (paused) runner.pause();
      else runner.resume();
    }
  }, 25);
  state.dispose = () => {
    clearInterval(poll);
    if (stopTimer) clearTimeout(stopTimer);
  };
  return state;
}

async function prepare(job: TrainingJob, events: TrainerEvents): Promise<PreparedJob> {
  const dataset = job.training.dataset;
  if (!dataset) {
    throw new UserError('No dataset is set for this model.', 'Choose one in Configure Training (e.g. mnist, xor, csv:data.csv).', 'no-dataset');
  }
  const probe = await findKeras(job.python);
  if (!probe.ok) throw new UserError(`The keras engine is not available: ${probe.reason}`, probe.hint, 'engine-unavailable');
  const device = `keras · ${describeProbe(probe)}`;
  events.onEngine?.({ engine: 'keras', device, skipped: [] });
  // Several inputs: the data says its own shapes (one array per input), checked when the job files are written.
  const g = job.model.graph;
  const inputShape = g.inputs.length === 1 ? modelInputShape(job.model) : [];
  const sources = await loadJobData(job, dataset, inputShape, (line) => events.onLog?.(line));
  const files = await writeJobFiles(job, sources);
  const data = describeJobData(sources);
  events.onData?.(data);
  return new KerasJob(job, probe, device, files, data);
}

export const kerasTrainer: Trainer = { prepare };
