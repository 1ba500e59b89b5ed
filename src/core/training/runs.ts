/**
 * A run folder, `<runs folder>/<model>/<run id>/`: config.json (the training config and data settings, engine),
 * metrics.jsonl (src/core/training/metricsFile.ts), checkpoints/best, checkpoints/last and final/ (TF.js
 * models), label.json. And a run's summary for the run list and the comparison: final and best metrics, and
 * the hyper-parameters that tell runs apart.
 */
import type { TrainingConfig } from './config';
import type { EngineId } from './engines';
import type { BatchPoint, EpochPoint } from './events';
import type { RunMetrics } from './metricsFile';
import { lowerIsBetter } from './metricNames';

/** The files and folders of a run folder. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  checkpoints: 'checkpoints',
  final: 'final',
  /** `{name}`: the name a user gave the run (Rename Run). */
  label: 'label.json',
} as const;

/** What a run's config.json holds. */
export interface RunConfigFile {
  sessionId: string;
  model: string;
  startedAt: string;
  engine: EngineId;
  device: string;
  training: TrainingConfig;
  lossOptions: TrainingConfig['lossOptions'] | null;
  validationData: string | null;
  seed: number | null;
  data: { train: string; validation: string | null; test: string | null; info: Record<string, unknown> };
}

/** A saved run as the comparison shows it: hyper-parameters flattened to `optimizer.learning_rate` etc. */
export interface RunInfo {
  id: string;
  model: string;
  name: string;
  startedAt?: string;
  state?: string;
  hyper: Record<string, string | number | boolean>;
  final: Record<string, number>;
  best: Record<string, number>;
  epochs: EpochPoint[];
  /** A run with no finished epoch: its batch points (at most MAX_RUN_BATCHES), so the comparison has a curve. */
  batches?: BatchPoint[];
}

/** Batch points a RunInfo carries at most (evenly thinned, the last kept): enough for a curve, not a flood. */
export const MAX_RUN_BATCHES = 500;

/** Final and best value of every metric over a run's epochs (best = min for losses, max otherwise). */
export function finalAndBest(epochs: readonly EpochPoint[]): { final: Record<string, number>; best: Record<string, number> } {
  const final: Record<string, number> = {};
  const best: Record<string, number> = {};
  for (const e of epochs) {
    for (const [k, v] of Object.entries(e.metrics)) {
      if (!Number.isFinite(v)) continue;
      final[k] = v;
      if (best[k] === undefined || (lowerIsBetter(k) ? v < best[k] : v > best[k])) best[k] = v;
    }
  }
  return { final, best };
}

type Flat = Record<string, string | number | boolean>;

/** Flatten a run config to `optimizer=adam`, `optimizer.learning_rate=0.001`, `batchSize=32`, ... */
export function flattenHyper(config: unknown, prefix = ''): Flat {
  const out: Flat = {};
  if (typeof config !== 'object' || config === null) return out;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else if (Array.isArray(v)) out[key] = v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
    else if (v && typeof v === 'object') {
      // The optimizer's name is its identity: `optimizer: adam` reads better than `optimizer.name: adam`.
      const o = v as Record<string, unknown>;
      if (typeof o.name === 'string' && k === 'optimizer') out[key] = o.name;
      Object.assign(out, flattenHyper(k === 'optimizer' && o.params ? o.params : Object.fromEntries(Object.entries(o).filter(([kk]) => kk !== 'name')), key));
    }
  }
  return out;
}

/** The hyper-parameter keys whose values are not the same in all the given runs (in first-seen order). */
export function differingHyper(runs: readonly { hyper: Flat }[]): string[] {
  const keys: string[] = [];
  for (const r of runs) for (const k of Object.keys(r.hyper)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((k) => {
    const vals = new Set(runs.map((r) => (k in r.hyper ? String(r.hyper[k]) : '∅')));
    return vals.size > 1;
  });
}

/**
 * A run's name as lists and legends show it: a name the user gave as is; a generated id
 * (`20261130-150135-a1b2-adam`) as its label and start time, `adam 11-30 15:01`.
 */
export function shortRunName(run: { id: string; name: string }): string {
  const m = /^\d{4}(\d{2})(\d{2})-(\d{2})(\d{2})\d{2}-[0-9a-f]{4}(?:-(.+))?$/.exec(run.name);
  if (!m) return run.name;
  return `${m[5] ?? 'run'} ${m[1]}-${m[2]} ${m[3]}:${m[4]}`;
}

/** A legend label for a run: the differing hyper-parameters, e.g. `optimizer=sgd momentum=0.9`. */
export function runLabel(run: { name: string; hyper: Flat }, differing: readonly string[]): string {
  const parts = differing
    .filter((k) => k in run.hyper)
    .map((k) => `${k.replace(/^optimizer\./, '')}=${run.hyper[k]}`);
  return parts.length ? parts.join(' ') : shortRunName({ id: '', name: run.name });
}

/** A RunInfo from a run's config and metrics (as read from its folder). */
export function runInfo(id: string, model: string, config: Record<string, unknown>, metrics: RunMetrics): RunInfo {
  const training = (config.training ?? config.trainingConfig ?? config) as Record<string, unknown>;
  const hyper = flattenHyper(pickHyper(training));
  const { final, best } = finalAndBest(metrics.epochs);
  // Test-set metrics (evaluated once, at the end) sit beside the final ones as `test_<metric>`.
  for (const [k, v] of Object.entries(metrics.end?.test ?? {})) if (Number.isFinite(v)) final[`test_${k}`] = best[`test_${k}`] = v;
  return {
    id,
    model,
    name: typeof config.label === 'string' ? config.label : typeof config.name === 'string' ? config.name : id,
    startedAt: typeof config.startedAt === 'string' ? config.startedAt : undefined,
    state: metrics.end?.state ?? (typeof config.state === 'string' ? config.state : undefined),
    hyper,
    final,
    best,
    epochs: metrics.epochs,
    ...(metrics.epochs.length === 0 && metrics.batches.length ? { batches: thinned(metrics.batches, MAX_RUN_BATCHES) } : {}),
  };
}

/** The parts of a training config that are hyper-parameters (not paths, callbacks' internals or ids). */
function pickHyper(t: Record<string, unknown>): Record<string, unknown> {
  const keep = ['dataset', 'optimizer', 'loss', 'metrics', 'epochs', 'batchSize', 'validationSplit', 'shuffle', 'engine', 'seed'];
  return Object.fromEntries(Object.entries(t).filter(([k]) => keep.includes(k)));
}

/** At most `max` items, evenly spaced, the last one always kept. */
function thinned<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const every = items.length / max;
  const out = Array.from({ length: max - 1 }, (_, i) => items[Math.floor(i * every)]);
  out.push(items[items.length - 1]);
  return out;
}
