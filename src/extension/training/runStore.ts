/**
 * The saved runs on disk as the training view shows them (`<workspace>/<runs folder>/<model>/<run-id>/`,
 * written by the training worker): listing with metrics summaries, renaming (a `label.json` beside the
 * worker's files, which are never rewritten) and deleting. No vscode here.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { measuredSpeed, parseMetricsJsonl, RUN_FILES, runInfo, type MeasuredSpeed, type RunInfo, type TrainingConfig } from '../../core/training';
import { UserError } from '../../core/types';
import { DEFAULT_RUNS_FOLDER, listRuns, safeName } from '../../engine/runFolder';

export interface RunLocation {
  /** `<model folder>/<run id>`: unique across models, and what the view sends back. */
  id: string;
  dir: string;
}

export function runsRoot(workspaceDir: string, runsFolder = DEFAULT_RUNS_FOLDER): string {
  return resolve(workspaceDir, runsFolder);
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One run folder as a RunInfo (undefined when it is not a run: no config.json). */
export function readRunInfo(dir: string, id: string, model: string): RunInfo | undefined {
  const config = readJson(join(dir, RUN_FILES.config));
  if (!config) return undefined;
  const metricsPath = join(dir, RUN_FILES.metrics);
  const metrics = parseMetricsJsonl(existsSync(metricsPath) ? readFileSync(metricsPath, 'utf8') : '');
  const label = readJson(join(dir, RUN_FILES.label));
  const info = runInfo(id, typeof config.model === 'string' ? config.model : model, { ...config, label: label?.name }, metrics);
  if (typeof config.engine === 'string') info.hyper.engine = config.engine;
  // A run without an end line is still running, or was killed before it could write one.
  if (!metrics.end) info.state = 'incomplete';
  return info;
}

/** Runs of one model (by its graph name), or of every model; oldest first. */
export function listRunInfos(workspaceDir: string, opts: { model?: string; runsFolder?: string } = {}): RunInfo[] {
  const root = runsRoot(workspaceDir, opts.runsFolder);
  if (!existsSync(root)) return [];
  const models = opts.model ? [safeName(opts.model)] : readdirSync(root).filter((m) => isDir(join(root, m)));
  const out: RunInfo[] = [];
  for (const m of models) {
    const mdir = join(root, m);
    if (!isDir(mdir)) continue;
    for (const runId of readdirSync(mdir).sort()) {
      const dir = join(mdir, runId);
      if (!isDir(dir)) continue;
      const info = readRunInfo(dir, `${m}/${runId}`, m);
      if (info) out.push(info);
    }
  }
  return out.sort((a, b) => (a.startedAt ?? a.id).localeCompare(b.startedAt ?? b.id));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The folder of a run id from the view; refuses anything that is not exactly `<model>/<run>` under the root. */
export function locateRun(workspaceDir: string, id: string, runsFolder?: string): RunLocation {
  const root = runsRoot(workspaceDir, runsFolder);
  const parts = id.split('/');
  if (parts.length !== 2 || parts.some((p) => !p || p === '.' || p === '..' || p !== safeName(p))) {
    throw new UserError(`"${id}" is not a run.`, undefined, 'bad-run-id');
  }
  const dir = resolve(root, parts[0], parts[1]);
  const rel = relative(root, dir);
  if (rel.startsWith('..') || rel.split(sep).length !== 2 || !existsSync(join(dir, RUN_FILES.config))) {
    throw new UserError(`The run "${id}" does not exist any more.`, 'Refresh the run list.', 'no-run');
  }
  return { id, dir };
}

/** Give a run a display name (written atomically; the worker's files are not touched). */
export function renameRun(workspaceDir: string, id: string, name: string, runsFolder?: string): void {
  const clean = name.trim();
  if (!clean || clean.length > 200) throw new UserError('A run name must have 1 to 200 characters.', undefined, 'bad-run-name');
  const { dir } = locateRun(workspaceDir, id, runsFolder);
  const tmp = join(dir, `.label.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ name: clean }, null, 2));
  renameSync(tmp, join(dir, RUN_FILES.label));
}

/** Delete a run's folder (config, metrics, checkpoints, final weights). */
export function deleteRun(workspaceDir: string, id: string, runsFolder?: string): void {
  const { dir } = locateRun(workspaceDir, id, runsFolder);
  rmSync(dir, { recursive: true, force: true });
}

/** The speed the model's newest run with a finished epoch measured: the training form estimates epoch times from it. */
export function latestMeasuredSpeed(workspaceDir: string, model: string, runsFolder?: string): MeasuredSpeed | undefined {
  for (const r of listRuns(workspaceDir, model, runsFolder).reverse()) {
    const last = r.epochs[r.epochs.length - 1];
    const training = r.config?.training as TrainingConfig | undefined;
    const speed = last && training && typeof training.batchSize === 'number' ? measuredSpeed(`${safeName(model)}/${r.id}`, last, training) : undefined;
    if (speed) return speed;
  }
  return undefined;
}
