/**
 * The run folder, written here and nowhere else: `<workspace>/.modelstudio/runs/<model>/<run-id>/` with
 * config.json (training and data settings, engine), metrics.jsonl (one JSON object per epoch, then an `end`
 * line), checkpoints/best, checkpoints/last and final/ (TF.js models). Runs survive a reload and can be
 * compared later; TensorBoard event files (./tensorboard/) sit beside them. The job (./job.ts) writes through a RunFolder; the host reads runs back (runStore).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flattenHyper, metricsLine, RUN_FILES, withTraining, type EndLine, type EngineId, type MetricsLine, type RunConfigFile } from '../core/training';
import type { ModelFile } from '../core/types';
import { writeModel } from '../formats/registry';
import type { HistogramItem } from '../core/training/events';
import { TensorBoardLog } from './tensorboard/writer';
import type { BatchEvent, CheckpointKind, DataDescription, EpochEvent, TrainingJob } from './trainer';

export const DEFAULT_RUNS_FOLDER = '.modelstudio/runs';

/** A folder-safe model name. */
export function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'model';
}

/** Sortable and unique: `20261122-213005-a1b2[-label]`. */
export function newRunId(label?: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}${label ? `-${safeName(label)}` : ''}`;
}

export function runDirFor(workspaceDir: string, modelName: string, runId: string, runsFolder = DEFAULT_RUNS_FOLDER): string {
  return join(resolve(workspaceDir, runsFolder), safeName(modelName), runId);
}

export interface RunRecord {
  id: string;
  dir: string;
  config: Record<string, unknown> | null;
  epochs: Record<string, unknown>[];
  end: Record<string, unknown> | null;
}

/** Every run of a model, oldest first. Damaged lines are skipped (a run killed mid-write). */
export function listRuns(workspaceDir: string, modelName: string, runsFolder = DEFAULT_RUNS_FOLDER): RunRecord[] {
  const dir = join(resolve(workspaceDir, runsFolder), safeName(modelName));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((id) => readRun(join(dir, id), id))
    .filter((r): r is RunRecord => r !== null);
}

export function readRun(dir: string, id: string): RunRecord | null {
  const cfgPath = join(dir, RUN_FILES.config);
  if (!existsSync(cfgPath)) return null;
  let config: Record<string, unknown> | null = null;
  try {
    config = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch {
    config = null;
  }
  const epochs: Record<string, unknown>[] = [];
  let end: Record<string, unknown> | null = null;
  const mPath = join(dir, RUN_FILES.metrics);
  if (existsSync(mPath)) {
    for (const l of readFileSync(mPath, 'utf8').split('\n')) {
      if (!l.trim()) continue;
      try {
        const o = JSON.parse(l);
        if (o.type === 'epoch') epochs.push(o);
        else if (o.type === 'end') end = o;
      } catch {
        /* a partial last line */
      }
    }
  }
  return { id, dir, config, epochs, end };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Checkpoints are written to disk at most this often (and always at the end of a run). */
export const CHECKPOINT_MS = 2000;

/** The model file with the trained weights and the training configuration written the Keras way. */
const trainedModel = (job: TrainingJob, weights: ModelFile['weights']): ModelFile => ({ ...withTraining(job.model, job.training), weights });

export class RunFolder {
  private readonly metricsPath: string;
  private readonly tensorboard: TensorBoardLog;

  /** Creates the folder with its config.json and an empty metrics.jsonl. */
  constructor(
    private readonly job: TrainingJob,
    run: { engine: EngineId; device: string; data: DataDescription },
  ) {
    mkdirSync(job.runDir, { recursive: true });
    this.metricsPath = join(job.runDir, RUN_FILES.metrics);
    const { train, validation, test, info } = run.data;
    const config: RunConfigFile = {
      sessionId: job.sessionId,
      model: job.model.graph.name,
      startedAt: new Date().toISOString(),
      engine: run.engine,
      device: run.device,
      training: job.training,
      lossOptions: job.lossOptions ?? job.training.lossOptions ?? null,
      validationData: job.validationData ?? null,
      seed: job.seed ?? null,
      data: { train, validation: validation ?? null, test: test ?? null, info },
    };
    writeFileSync(join(job.runDir, RUN_FILES.config), JSON.stringify(config, null, 2));
    writeFileSync(this.metricsPath, '');
    this.tensorboard = new TensorBoardLog(job.runDir);
    this.tensorboard.hparams({ ...flattenHyper(job.training), engine: run.engine });
  }

  private line(l: MetricsLine): void {
    appendFileSync(this.metricsPath, metricsLine(l));
  }

  epoch(point: EpochEvent): void {
    this.line({ type: 'epoch', ...point });
    this.tensorboard.epoch(point);
  }

  batch(point: BatchEvent): void {
    this.tensorboard.batch(point);
  }

  histograms(items: readonly HistogramItem[]): void {
    this.tensorboard.histograms(items);
  }

  /** The last line: how the run ended. */
  end(line: EndLine): void {
    this.line(line);
  }

  /** Writes the weights as a TF.js model in the run folder; returns its path. */
  async writeModel(where: 'final' | CheckpointKind, weights: ModelFile['weights']): Promise<string> {
    const path = where === 'final' ? join(this.job.runDir, RUN_FILES.final, 'model.json') : join(this.job.runDir, RUN_FILES.checkpoints, where, 'model.json');
    await writeModel(path, trainedModel(this.job, weights), 'tfjs');
    return path;
  }
}

/**
 * Checkpoints as the fit offers them: weights are copied every epoch (cheap) but written at most every
 * CHECKPOINT_MS and at the end: a 500-epoch XOR run must not write 1,000 files.
 */
export class CheckpointWriter {
  private readonly pending = new Map<CheckpointKind, { weights: ModelFile['weights']; epoch: number }>();
  private lastFlush = Date.now();

  constructor(
    private readonly run: RunFolder,
    private readonly onWritten: (kind: CheckpointKind, epoch: number, path: string) => void,
  ) {}

  async offer(kinds: CheckpointKind[], epoch: number, weights: ModelFile['weights']): Promise<void> {
    for (const k of kinds) this.pending.set(k, { weights, epoch });
    if (Date.now() - this.lastFlush >= CHECKPOINT_MS) await this.flush();
  }

  async flush(): Promise<void> {
    this.lastFlush = Date.now();
    for (const [kind, c] of this.pending) this.onWritten(kind, c.epoch, await this.run.writeModel(kind, c.weights));
    this.pending.clear();
  }
}
