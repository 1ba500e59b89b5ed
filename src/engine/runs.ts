/**
 * The run history on disk: `<workspace>/.modelstudio/runs/<model>/<run-id>/` with config.json (training and
 * data settings, engine), metrics.jsonl (one JSON object per epoch, then an `end` line), checkpoints/best,
 * checkpoints/last and final/ (TF.js models). Runs survive a reload and can be compared later.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUN_FILES } from '../core/training';

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
