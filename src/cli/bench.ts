/**
 * `model-studio bench` (`npm run bench`): training speed of the templates on every engine that loads, one JSON
 * line per measurement: {bench:"train", engine, device, model, batch, samples_per_s, ms_per_step, steps,
 * loss_decreased}. Synthetic data of the real shapes, resident on the engine, after warm-up, ~3 s each, so it
 * measures the engine and not the data path. Options: --models, --batches, --engines, --seconds.
 */
import { getTemplate } from '../core/templates';
import { trainingConfigOf } from '../core/training';
import { UserError } from '../core/types';
import { ENGINE_ORDER, loadEngine, type EngineId } from '../engine/engines';
import { buildTfModel } from '../engine/model';
import { rng } from '../engine/datasets/source';
import { lossFn, lossId } from '../engine/training/losses';
import { makeOptimizer } from '../engine/training/optimizers';
import type { Tensor, Tf } from '../engine/tf';
import { parse, out } from './io';

const USAGE = 'bench [--models mnist-mlp,mnist-cnn,autoencoder,char-rnn] [--batches 128,512] [--engines wasm,cpu] [--seconds 3]';
const DEFAULT_MODELS = ['mnist-mlp', 'mnist-cnn', 'autoencoder', 'char-rnn'];
/** A step predicted to take longer than this is not measured (the pure-JS conv backward can take minutes). */
const MAX_STEP_SECONDS = 30;

const list = (v: string | undefined, d: string[]) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : d);

export async function run(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { models: { type: 'string' }, batches: { type: 'string' }, engines: { type: 'string' }, seconds: { type: 'string' } },
    USAGE,
    [0, 0],
  );
  const models = list(values.models, DEFAULT_MODELS);
  const batches = list(values.batches, ['128', '512']).map(Number);
  const engines = list(values.engines, [...ENGINE_ORDER]) as EngineId[];
  const seconds = Number(values.seconds ?? 3);
  for (const m of models) if (!getTemplate(m)) throw new UserError(`Unknown template "${m}".`, `Use: ${DEFAULT_MODELS.join(', ')}.`, 'usage');
  for (const e of engines) if (!ENGINE_ORDER.includes(e)) throw new UserError(`Unknown engine "${e}".`, `Use: ${ENGINE_ORDER.join(', ')}.`, 'usage');
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new UserError('--batches takes positive integers.', undefined, 'usage');
  let measured = 0;
  for (const engine of engines) {
    let loaded;
    try {
      loaded = await loadEngine(engine);
    } catch (e) {
      out.stderr.write(`bench: skipping ${engine}: ${(e as UserError).message}\n`);
      continue;
    }
    for (const id of models) {
      for (const batch of batches) {
        let line: BenchLine;
        try {
          line = await measure(loaded.tf, engine, loaded.device, id, batch, seconds);
        } catch (e) {
          // An engine missing a kernel this model needs is a result worth printing, not a crash.
          const reason = (e as Error).message.split('\n')[0];
          line = { bench: 'train', engine, device: loaded.device, model: id, batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null, skipped: reason };
        }
        out.stdout.write(`${JSON.stringify(line)}\n`);
        measured++;
      }
    }
  }
  return measured > 0 ? 0 : 1;
}

interface BenchLine {
  bench: 'train';
  engine: string;
  device: string;
  model: string;
  batch: number;
  samples_per_s: number | null;
  ms_per_step: number | null;
  steps: number;
  loss_decreased: boolean | null;
  skipped?: string;
}

/** Synthetic inputs and targets of the template's real shapes. */
function syntheticBatch(tf: Tf, id: string, batch: number, inputShape: number[], inputDType: string, classes: number): { xs: Tensor; ys: Tensor } {
  const random = rng(7);
  const n = batch * inputShape.reduce((a, b) => a * b, 1);
  if (inputDType === 'int32') {
    const xs = tf.tensor(Int32Array.from({ length: n }, () => Math.floor(random() * classes)), [batch, ...inputShape], 'int32');
    const ys = tf.tensor1d(Int32Array.from({ length: batch }, () => Math.floor(random() * classes)), 'int32');
    return { xs, ys };
  }
  const xs = tf.tensor(Float32Array.from({ length: n }, () => random()), [batch, ...inputShape]);
  if (id === 'autoencoder') return { xs, ys: xs.clone() };
  return { xs, ys: tf.tensor1d(Int32Array.from({ length: batch }, () => Math.floor(random() * classes)), 'int32') };
}

async function measure(tf: Tf, engine: string, device: string, id: string, batch: number, seconds: number): Promise<BenchLine> {
  const file = (getTemplate(id) as NonNullable<ReturnType<typeof getTemplate>>).build();
  const cfg = trainingConfigOf(file.userDefinedMetadata);
  const model = await buildTfModel(tf, file);
  const base: BenchLine = { bench: 'train', engine, device, model: id, batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null };
  const optimizer = makeOptimizer(tf, cfg?.optimizer ?? { name: 'adam', params: {} });
  const loss = lossFn(tf, lossId(cfg?.loss ?? 'mean_squared_error'));
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const outShape = model.outputs[0].shape;
  const classes = (outShape[outShape.length - 1] as number) ?? 10;
  const step = (xs: Tensor, ys: Tensor): Tensor =>
    optimizer.minimize(() => tf.mean(loss(ys, model.apply(xs, { training: true }) as Tensor)) as import('@tensorflow/tfjs').Scalar, true) as Tensor;
  try {
    // Probe with a small batch first: a step that would take minutes is reported, not run.
    const probe = syntheticBatch(tf, id, 8, inputShape, model.inputs[0].dtype, classes);
    let t = Date.now();
    tf.dispose(step(probe.xs, probe.ys));
    t = Date.now();
    const c = step(probe.xs, probe.ys);
    await c.data();
    const probeSeconds = (Date.now() - t) / 1000;
    tf.dispose([c, probe.xs, probe.ys]);
    const predicted = (probeSeconds * batch) / 8;
    if (predicted > MAX_STEP_SECONDS) {
      return { ...base, skipped: `one step would take about ${Math.round(predicted)} s on this engine`, samples_per_s: Math.round((8 / probeSeconds) * 10) / 10 };
    }
    const { xs, ys } = syntheticBatch(tf, id, batch, inputShape, model.inputs[0].dtype, classes);
    // Warm-up: shader compilation, kernel caches, memory pools.
    for (let i = 0; i < 2; i++) {
      const w = step(xs, ys);
      await w.data();
      w.dispose();
    }
    const first = step(xs, ys);
    const firstLoss = (await first.data())[0];
    first.dispose();
    let steps = 0;
    let last: Tensor | undefined;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000 || steps < 2) {
      last?.dispose();
      last = step(xs, ys);
      steps++;
      // One read every few steps keeps the engine's queue bounded without a sync per step.
      if (steps % 5 === 0) await last.data();
    }
    const lastLoss = (await (last as Tensor).data())[0];
    const elapsed = (performance.now() - t0) / 1000;
    last?.dispose();
    tf.dispose([xs, ys]);
    return {
      ...base,
      samples_per_s: Math.round(((steps * batch) / elapsed) * 10) / 10,
      ms_per_step: Math.round((elapsed / steps) * 1000 * 100) / 100,
      steps,
      loss_decreased: lastLoss < firstLoss,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
