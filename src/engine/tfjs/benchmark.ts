/**
 * Training speed of one model on an engine, measured: the core of `model-studio bench`, `model-studio train
 * --probe` / `--engine fastest` and the engine picker's "Measure speed for this model".
 *
 * `measureTraining` trains the model on synthetic data of its real shapes (resident on the engine, so it
 * measures the engine and not the data path), after warm-up. `probeEngines` loads each engine in turn in this
 * process (switching tfjs backends with tf.setBackend is fine), measures briefly, and sorts fastest first.
 */
import { trainingConfigOf, type ProbeRow, type TrainingSpeed } from '../../core/training';
export type { ProbeRow, TrainingSpeed };
import type { ModelFile } from '../../core/types';
import { ENGINE_ORDER, loadEngine, type EngineId, type EngineOptions, type SkippedEngine } from './engines';
import { buildTfModel } from './model';
import { rng } from '../datasets/source';
import { modelIOShapes } from './training/adapter';
import { lossFn, lossId, type LossId } from './training/losses';
import { makeOptimizer } from './training/optimizers';
import type { LayersModel, Tensor, Tf } from './tf';

export interface MeasureOptions {
  /** A step predicted (from a batch of 8) to take longer than this is not run. Default 30 s. */
  maxStepSeconds?: number;
  /** Untimed steps before timing: shader compilation, kernel caches, memory pools. Default 2. */
  warmupSteps?: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The steps that build a synthetic batch and run one optimizer step, shared by the probe and the timed loop. */
interface Trainer {
  batch(n: number): { xs: Tensor; ys: Tensor };
  step(xs: Tensor, ys: Tensor): Tensor;
}

function trainer(tf: Tf, model: LayersModel, file: ModelFile, optimizer: ReturnType<typeof makeOptimizer>): Trainer {
  const cfg = trainingConfigOf(file.userDefinedMetadata);
  const id = lossId(cfg?.loss ?? 'mean_squared_error');
  const loss = lossFn(tf, id, cfg?.lossOptions);
  const io = modelIOShapes(model);
  // Unknown (None) dims: 32 stands in for a sequence length or image side the data would supply.
  const inShape = io.input.map((d) => d ?? 32);
  const outShape = io.output.map((d) => d ?? 32);
  const classes = outShape[outShape.length - 1] ?? 1;
  // Integer inputs are token ids: below the Embedding's input_dim, else below the output's class count.
  const emb = model.layers.find((l) => l.getClassName() === 'Embedding');
  const vocab = ((emb?.getConfig() as { inputDim?: number } | undefined)?.inputDim ?? classes) || 1;
  const random = rng(7);
  return {
    batch(n) {
      const size = (s: number[]) => n * s.reduce((a, b) => a * b, 1);
      const xs =
        io.inputDType === 'int32'
          ? tf.tensor(Int32Array.from({ length: size(inShape) }, () => Math.floor(random() * vocab)), [n, ...inShape], 'int32')
          : tf.tensor(Float32Array.from({ length: size(inShape) }, () => random()), [n, ...inShape]);
      return { xs, ys: targets(tf, id, cfg?.target === 'input' && io.inputDType !== 'int32' ? xs : undefined, n, outShape, random) };
    },
    step: (xs, ys) =>
      optimizer.minimize(() => tf.mean(loss(ys, model.apply(xs, { training: true }) as Tensor)) as import('@tensorflow/tfjs').Scalar, true) as Tensor,
  };
}

/** Targets in the form the loss takes (as src/engine/tfjs/training/adapter.ts makes them from real data). */
function targets(tf: Tf, id: LossId, input: Tensor | undefined, n: number, outShape: number[], random: () => number): Tensor {
  if (input) return input.clone(); // autoencoders: the input is the target
  const classes = outShape[outShape.length - 1];
  if (id === 'sparse_categorical_crossentropy') {
    // One class index per output position (a [batch] vector for the usual [batch, classes] output).
    const shape = [n, ...outShape.slice(0, -1)];
    const count = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(Int32Array.from({ length: count }, () => Math.floor(random() * classes)), shape, 'int32');
  }
  const count = n * outShape.reduce((a, b) => a * b, 1);
  let values: Float32Array;
  if (id === 'categorical_crossentropy') {
    values = new Float32Array(count);
    for (let i = 0; i < count; i += classes) values[i + Math.floor(random() * classes)] = 1;
  } else if (id === 'binary_crossentropy') {
    values = Float32Array.from({ length: count }, () => (random() < 0.5 ? 0 : 1));
  } else {
    values = Float32Array.from({ length: count }, () => random());
  }
  return tf.tensor(values, [n, ...outShape]);
}

/**
 * Train `file` on `tf`'s current backend at `batch` for about `seconds` and report samples/s. Throws what the
 * engine throws (a missing kernel, out of memory); callers turn that into a row with a reason.
 */
export async function measureTraining(
  tf: Tf,
  engine: string,
  device: string,
  file: ModelFile,
  batch: number,
  seconds: number,
  opts: MeasureOptions = {},
): Promise<TrainingSpeed> {
  const cfg = trainingConfigOf(file.userDefinedMetadata);
  const model = await buildTfModel(tf, file);
  const base: TrainingSpeed = { engine, device, batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null };
  const optimizer = makeOptimizer(tf, cfg?.optimizer ?? { name: 'adam', params: {} });
  const disposeAll: Tensor[] = [];
  try {
    const t = trainer(tf, model, file, optimizer);
    // A small batch first: a step that would take minutes (a slow engine, a huge model) is reported, not run.
    const small = t.batch(8);
    disposeAll.push(small.xs, small.ys);
    tf.dispose(t.step(small.xs, small.ys));
    const t1 = performance.now();
    const c = t.step(small.xs, small.ys);
    await c.data();
    c.dispose();
    const smallSeconds = (performance.now() - t1) / 1000;
    const predicted = (smallSeconds * batch) / 8;
    if (predicted > (opts.maxStepSeconds ?? 30)) {
      return { ...base, skipped: `one step would take about ${Math.round(predicted)} s on this engine`, samples_per_s: round(8 / smallSeconds, 1) };
    }
    const { xs, ys } = t.batch(batch);
    disposeAll.push(xs, ys);
    for (let i = 0; i < (opts.warmupSteps ?? 2); i++) {
      const w = t.step(xs, ys);
      await w.data();
      w.dispose();
    }
    const first = t.step(xs, ys);
    const firstLoss = (await first.data())[0];
    first.dispose();
    let steps = 0;
    let last: Tensor | undefined;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000 || steps < 2) {
      last?.dispose();
      last = t.step(xs, ys);
      steps++;
      // One read every few steps keeps the engine's queue bounded without a sync per step.
      if (steps % 5 === 0) await last.data();
    }
    const lastLoss = (await (last as Tensor).data())[0];
    const elapsed = (performance.now() - t0) / 1000;
    last?.dispose();
    return {
      ...base,
      samples_per_s: round((steps * batch) / elapsed, 1),
      ms_per_step: round((elapsed / steps) * 1000, 2),
      steps,
      loss_decreased: lastLoss < firstLoss,
    };
  } finally {
    tf.dispose(disposeAll);
    optimizer.dispose();
    // tfjs-core's MomentumOptimizer.dispose does not call SGDOptimizer.dispose, which frees the cached -lr
    // scalar `c` (tfjs-core 4.22 optimizers/momentum_optimizer.js): free it here so probes leave nothing behind.
    const cached = (optimizer as unknown as { c?: Tensor }).c;
    if (cached && !cached.isDisposed) cached.dispose();
    model.dispose();
  }
}

export interface ProbeResult {
  /** Fastest first; rows that could not be measured last. */
  rows: ProbeRow[];
  /** Engines that did not load, with the reason in plain words. */
  skipped: SkippedEngine[];
  batch: number;
}

export interface ProbeOptions {
  /** Engines to try (default: all, ENGINE_ORDER). */
  engines?: readonly EngineId[];
  /** Timed seconds per engine (default 1.5). */
  seconds?: number;
  /** Called before each engine loads (a status line can name it while it runs). */
  onStart?: (r: { engine: EngineId; done: number; total: number }) => void;
  /** Called as each engine finishes: a row, or a skipped engine. */
  onResult?: (r: { row?: ProbeRow; skipped?: SkippedEngine; done: number; total: number }) => void;
  /** Passed to loadEngine (extra engine folders; tests replace loaders). */
  engineOptions?: EngineOptions;
  /** Default 10 s: an engine that slow is not the one to pick, and the probe must stay short. */
  maxStepSeconds?: number;
}

/**
 * Measure `file` briefly on every engine that loads and sort fastest first. webgpu goes last: Dawn's start-up
 * is the most likely to misbehave (software Vulkan), and whatever it leaves behind cannot slow the others.
 * A failure on one engine is a row (or a skipped entry) with its reason, never an exception.
 */
export async function probeEngines(file: ModelFile, batch: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const wanted = opts.engines ?? ENGINE_ORDER;
  const order = [...wanted.filter((e) => e !== 'webgpu'), ...wanted.filter((e) => e === 'webgpu')];
  const rows: ProbeRow[] = [];
  const skipped: SkippedEngine[] = [];
  let done = 0;
  for (const engine of order) {
    opts.onStart?.({ engine, done, total: order.length });
    let loaded;
    try {
      loaded = await loadEngine(engine, opts.engineOptions);
    } catch (e) {
      const s = { engine, reason: reasonOf(e) };
      skipped.push(s);
      opts.onResult?.({ skipped: s, done: ++done, total: order.length });
      continue;
    }
    let row: ProbeRow;
    try {
      const m = await measureTraining(loaded.tf, engine, loaded.device, file, batch, opts.seconds ?? 1.5, {
        maxStepSeconds: opts.maxStepSeconds ?? 10,
        warmupSteps: 1,
      });
      const { skipped: tooSlow, ...measured } = m;
      row = { ...measured, engine, ...(tooSlow ? { reason: tooSlow } : {}) };
    } catch (e) {
      row = { engine, device: loaded.device, batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null, reason: reasonOf(e) };
    }
    rows.push(row);
    opts.onResult?.({ row, done: ++done, total: order.length });
  }
  return { rows: sortFastestFirst(rows), skipped, batch };
}

/** Completed measurements by samples/s, then estimates (too slow to run), then failures. */
export function sortFastestFirst(rows: ProbeRow[]): ProbeRow[] {
  const rank = (r: ProbeRow) => (r.reason === undefined && r.samples_per_s !== null ? 0 : r.samples_per_s !== null ? 1 : 2);
  return [...rows].sort((a, b) => rank(a) - rank(b) || (b.samples_per_s ?? 0) - (a.samples_per_s ?? 0));
}

/** The engine to train on: the fastest fully measured one. */
export function fastestEngine(result: ProbeResult): ProbeRow | undefined {
  return result.rows.find((r) => r.reason === undefined && r.samples_per_s !== null);
}

/** A table for the terminal: engine, device, samples/s, ms/step (and the reason for rows without figures). */
export function probeTable(result: ProbeResult): string {
  const head = ['engine', 'device', 'samples/s', 'ms/step'];
  const body = result.rows.map((r) => [
    r.engine,
    r.device,
    r.samples_per_s === null ? '-' : `${r.reason ? '~' : ''}${formatRate(r.samples_per_s)}`,
    r.ms_per_step === null ? '-' : r.ms_per_step.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const lines = [line(head), ...body.map(line)];
  for (const r of result.rows) if (r.reason) lines.push(`  ${r.engine}: ${r.reason}`);
  for (const s of result.skipped) lines.push(`  ${s.engine} not available: ${s.reason}`);
  return lines.join('\n');
}

/** 12,345 / 123.4 / 1.23: enough digits to compare engines, no false precision. */
export function formatRate(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}

function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // loadEngine's message names the engine, which the row or the skipped line already does.
  return msg.split('\n')[0].replace(/^The \S+ engine could not be loaded: /, '');
}

/**
 * The sustained float32 matrix-product rate of `tf`'s current backend (its own MatMul kernel: XNNPACK on wasm),
 * in GFLOP/s: an n x n by n x n product repeated for about `seconds`, the best of three slices. It is the
 * ceiling a training line's GFLOP/s is compared with (a model's products are smaller and have other work around).
 */
export async function measureGemm(tf: Tf, n = 1024, seconds = 1.5): Promise<number> {
  const a = tf.randomUniform([n, n], -1, 1);
  const b = tf.randomUniform([n, n], -1, 1);
  try {
    const warm = tf.matMul(a, b);
    await warm.data();
    warm.dispose();
    let best = 0;
    for (let slice = 0; slice < 3; slice++) {
      let k = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < (seconds * 1000) / 3 || k === 0) {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
        k++;
      }
      best = Math.max(best, (2 * n ** 3 * k) / ((performance.now() - t0) / 1000) / 1e9);
    }
    return round(best, 1);
  } finally {
    tf.dispose([a, b]);
  }
}
