/**
 * `auto` on a CPU: which of the CPU engines (tensorflow, wasm, cpu) trains this model fastest depends on the
 * model (wasm wins on Dense and convolutions, libtensorflow on large products), so the first time a model shape
 * is trained they are measured briefly (benchmark.ts `probeEngines`, at the run's batch size) and the winner
 * is remembered in a small JSON file in the user's cache folder: the key is a hash of the architecture (layer
 * classes and configs, not names or weights), the batch size and the engine versions. A named engine is never
 * second-guessed; GPU engines, when one loads, keep their place in front.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EngineId } from '../../core/training';
import type { ModelFile } from '../../core/types';
import { PRODUCT_VERSION } from '../../core/version';
import { writeFilesAtomic } from '../../formats/atomic';
import { fastestEngine, formatRate, probeEngines, type ProbeResult, type ProbeRow } from './benchmark';
import { KERNELS_REVISION } from './kernels';

/** The engines `auto` measures against each other. */
export const CPU_ENGINES: readonly EngineId[] = ['tensorflow', 'wasm', 'cpu'];
const FILE = 'engine-choice.json';

/** MODEL_STUDIO_CACHE_DIR, else $XDG_CACHE_HOME/model-studio, else ~/.cache/model-studio. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODEL_STUDIO_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'model-studio');
}

/** The hash a choice is remembered under: what changes the speed, and nothing else (names, weights). */
export function shapeKey(file: ModelFile, batch: number, versions: Record<string, string>): string {
  // Connections by position, not by name: renaming a layer keeps the key.
  const index = new Map(file.graph.layers.map((l, i) => [l.name, i]));
  const layers = file.graph.layers.map((l) => [l.className, l.config, l.inbound.map((n) => index.get(n) ?? -1)]);
  return createHash('sha256').update(JSON.stringify({ layers, batch, versions })).digest('hex').slice(0, 32);
}

export interface RememberedChoice {
  engine: EngineId;
  /** samples/s of each engine measured, fastest first. */
  rates: { engine: EngineId; samples_per_s: number | null }[];
  measuredAt: string;
}

type ChoiceFile = Record<string, RememberedChoice>;

/** The remembered choices; an unreadable or foreign file counts as empty (it is only a cache). */
export function readChoices(dir: string): ChoiceFile {
  try {
    const v = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as ChoiceFile) : {};
  } catch {
    return {};
  }
}

async function remember(dir: string, key: string, choice: RememberedChoice): Promise<void> {
  const all = { ...readChoices(dir), [key]: choice };
  await writeFilesAtomic(dir, [{ relPath: FILE, bytes: new TextEncoder().encode(`${JSON.stringify(all, null, 1)}\n`) }]);
}

/** The rule: the fastest fully measured engine (benchmark.ts `fastestEngine`), with every rate. */
export function choiceOf(result: ProbeResult, now = new Date()): RememberedChoice | undefined {
  const best = fastestEngine(result);
  if (!best) return undefined;
  return { engine: best.engine, rates: result.rows.map((r: ProbeRow) => ({ engine: r.engine, samples_per_s: r.samples_per_s })), measuredAt: now.toISOString() };
}

/** "wasm: 1,234 samples/s, cpu: 150 samples/s (measured 2026-11-30 at batch 128)": the figures for the log. */
export function describeChoice(c: RememberedChoice, batch: number, remembered: boolean): string {
  const rates = c.rates.map((r) => `${r.engine} ${r.samples_per_s === null ? '-' : formatRate(r.samples_per_s)} samples/s`).join(', ');
  return `auto chose ${c.engine} for this model at batch ${batch}: ${rates} (${remembered ? 'remembered from' : 'measured'} ${c.measuredAt.slice(0, 10)})`;
}

export interface AutoOptions {
  dir?: string;
  engineDirs?: string[];
  /** The measurement (tests replace it). */
  probe?: (file: ModelFile, batch: number) => Promise<ProbeResult>;
  versions?: Record<string, string>;
}

/** The fastest CPU engine for `file` at `batch`: remembered, or measured now and remembered. */
export async function fastestCpuEngine(file: ModelFile, batch: number, opts: AutoOptions = {}): Promise<{ choice: RememberedChoice; remembered: boolean } | undefined> {
  const dir = opts.dir ?? cacheDir();
  const key = shapeKey(file, batch, opts.versions ?? engineVersions());
  const known = readChoices(dir)[key];
  if (known && CPU_ENGINES.includes(known.engine)) return { choice: known, remembered: true };
  const probe = opts.probe ?? ((f, b) => probeEngines(f, b, { engines: CPU_ENGINES, seconds: 1, engineOptions: { extraDirs: opts.engineDirs } }));
  const choice = choiceOf(await probe(file, batch));
  if (!choice) return undefined;
  // A cache that cannot be written (read-only home) costs a measurement next time, nothing more.
  await remember(dir, key, choice).catch(() => undefined);
  return { choice, remembered: false };
}

/** Versions that change the kernels: ours (the product and the kernels' revision), tfjs-core's and the wasm backend's. */
export function engineVersions(): Record<string, string> {
  const v = (pkg: string) => {
    try {
      return (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      return 'none';
    }
  };
  return { modelStudio: PRODUCT_VERSION, kernels: KERNELS_REVISION, tfjs: v('@tensorflow/tfjs-core'), wasm: v('@tensorflow/tfjs-backend-wasm') };
}
