/**
 * The training loop. Our own loop instead of `model.fit` so that we control when the engine is synchronised:
 * losses and metrics are accumulated on the device and read with `.data()` a few times a second and once per
 * epoch (a synchronous read per batch would stall a GPU), the next batch is prepared while the current one
 * computes, and pause / resume / stop take effect between batches. Callbacks are objects behind one list
 * (./fitCallbacks.ts); the loop's state is a LoopState (./fitLoop.ts).
 */
import type { JsonObject } from '../../../core/types';
import { UserError } from '../../../core/types';
import type { OptimizerConfig } from '../../../core/training';
import { TrainingControl } from '../../control';
import { batches, type DataBatch, type DataSource } from '../../datasets/source';
import type { EpochEvent, FitResult, TrainerEvents } from '../../trainer';
import type { LayersModel, Tensor, Tf } from '../tf';
import { adaptData, type DataAdapter } from './adapter';
import { parseCallbacks } from './callbacks';
import { evaluateSource, objectiveOf, yieldToEventLoop, type Objective } from './evaluate';
import { fitCallbacks, type FitCallback } from './fitCallbacks';
import { LoopState } from './fitLoop';
import { lossId, metricId, type LossOptions } from './losses';
import { makeOptimizer, weightConstraints, type TfOptimizer } from './optimizers';

export interface FitOptions {
  optimizer: OptimizerConfig;
  loss: string;
  lossOptions?: LossOptions;
  metrics: string[];
  epochs: number;
  batchSize: number;
  shuffle?: boolean;
  initialEpoch?: number;
  callbacks?: readonly JsonObject[];
  /** Seed for shuffling (a run is reproducible from its config). */
  seed?: number;
  /** Minimum time between two batch events (default 100 ms: at most 10 per second). */
  batchEventMs?: number;
  /** Limit batches per epoch (bench, smoke runs). */
  stepsPerEpoch?: number;
}

/** Everything checked before the first batch: optimizer, loss, metrics, callbacks, shapes. */
export interface PreparedFit {
  adapter: DataAdapter;
  metricNames: string[];
}

export function prepareFit(tf: Tf, model: LayersModel, train: DataSource, opts: FitOptions): PreparedFit {
  const loss = lossId(opts.loss);
  makeOptimizer(tf, opts.optimizer).dispose();
  parseCallbacks(opts.callbacks);
  const adapter = adaptData(model, train, loss);
  const units = (model.outputs[0].shape[model.outputs[0].shape.length - 1] as number | null) ?? 1;
  opts.metrics.forEach((m) => metricId(m, loss, units));
  if (!(opts.batchSize >= 1) || !Number.isInteger(opts.batchSize)) throw new UserError(`batch_size must be a positive integer (got ${opts.batchSize}).`, undefined, 'bad-option');
  if (!(opts.epochs >= 1) || !Number.isInteger(opts.epochs)) throw new UserError(`epochs must be a positive integer (got ${opts.epochs}).`, undefined, 'bad-option');
  return { adapter, metricNames: opts.metrics };
}

/** What every step of one fit uses. */
interface FitRun {
  loop: LoopState;
  opts: FitOptions;
  data: { train: DataSource; validation?: DataSource };
  adapter: DataAdapter;
  validationAdapter: DataAdapter | undefined;
  objective: Objective;
  callbacks: FitCallback[];
  control: TrainingControl;
}

/** One epoch's pass over the training data: loss and metric sums, still on the device. */
interface EpochPass {
  sum: Tensor;
  seen: number;
  batches: number;
}

export async function fit(
  tf: Tf,
  model: LayersModel,
  data: { train: DataSource; validation?: DataSource },
  opts: FitOptions,
  events: TrainerEvents = {},
  control = new TrainingControl(),
): Promise<FitResult> {
  const { adapter } = prepareFit(tf, model, data.train, opts);
  const objective = objectiveOf(tf, model, opts);
  const optimizer = makeOptimizer(tf, opts.optimizer);
  optimizer.setConstraints(weightConstraints(model));
  const hasValidation = Boolean(data.validation && data.validation.size > 0);
  const validationAdapter = hasValidation ? adaptData(model, data.validation as DataSource, lossId(opts.loss)) : undefined;
  const log = (line: string) => events.onLog?.(line);
  const callbacks = fitCallbacks(opts.callbacks, { hasValidation, histogramSource: data.validation ?? data.train, adapter, log });
  const loop = new LoopState(tf, model, optimizer, events, opts, data.train.size);
  const run: FitRun = { loop, opts, data, adapter, validationAdapter, objective, callbacks, control };
  try {
    for (let epoch = loop.initialEpoch; epoch < opts.epochs && !loop.ended; epoch++) {
      const t0 = Date.now();
      for (const c of callbacks) c.onEpochBegin?.(epoch, loop);
      await endEpoch(run, epoch, t0, await trainEpoch(run, epoch, t0));
    }
    if (loop.status === 'nan') {
      loop.restoreEpochStart();
      loop.message = `The loss became NaN at ${loop.nanAt}; training stopped and the weights of the last completed epoch are kept. Try a lower learning rate, or check the data for NaN or huge values.`;
    }
    for (const c of callbacks) c.onTrainEnd?.(loop);
  } finally {
    loop.dispose();
    for (const c of callbacks) c.dispose?.(tf);
    optimizer.dispose();
  }
  return loop.result();
}

/** One optimizer step on a batch; returns [loss, metrics...] of the batch, on the device. */
function trainStep(run: FitRun, optimizer: TfOptimizer, b: DataBatch): Tensor {
  const { tf, model } = run.loop;
  const { lossF, metricFs } = run.objective;
  const { xs, ys } = run.adapter.toTensors(tf, b);
  // Metrics are computed from the kept prediction outside the gradient tape (argMax/equal have no gradient).
  let pred: Tensor | undefined;
  const cost = optimizer.minimize(() => {
    const p = model.apply(xs, { training: true }) as Tensor;
    pred = tf.keep(p);
    return tf.mean(lossF(ys, p)) as import('@tensorflow/tfjs').Scalar;
  }, true) as Tensor;
  const batchVec = tf.tidy(() => tf.stack([cost, ...metricFs.map((f) => tf.mean(f(ys, pred as Tensor)))]));
  tf.dispose([xs, ys, cost, pred as Tensor]);
  return batchVec;
}

async function trainEpoch(run: FitRun, epoch: number, t0: number): Promise<EpochPass> {
  const { loop, opts, control, callbacks } = run;
  const { tf } = loop;
  let sum: Tensor = tf.keep(tf.zeros([run.objective.names.length]));
  let seen = 0;
  let batchIndex = 0;
  const limit = opts.stepsPerEpoch ? opts.stepsPerEpoch * opts.batchSize : undefined;
  for await (const b of batches(run.data.train, opts.batchSize, { shuffle: opts.shuffle !== false, random: loop.random, limit })) {
    await control.gate();
    if (control.stopRequested) break;
    for (const c of callbacks) c.onBatchBegin?.(loop.globalStep, loop);
    const batchVec = trainStep(run, loop.optimizer, b);
    const next = tf.tidy(() => tf.add(sum, tf.mul(batchVec, b.size)));
    sum.dispose();
    sum = tf.keep(next);
    seen += b.size;
    batchIndex += 1;
    loop.globalStep += 1;
    await reportBatch(run, epoch, t0, batchVec, seen, batchIndex);
    if (loop.nanAt) break;
    // Let IPC messages (pause, stop) in: the cpu and wasm engines compute synchronously.
    await yieldToEventLoop();
  }
  return { sum, seen, batches: batchIndex };
}

/** A batch event, at most every batchEventMs; disposes the batch's values either way. */
async function reportBatch(run: FitRun, epoch: number, t0: number, batchVec: Tensor, seen: number, batchIndex: number): Promise<void> {
  const { loop, opts } = run;
  const now = Date.now();
  if (now - loop.lastEvent < (opts.batchEventMs ?? 100) || !loop.events.onBatch) {
    batchVec.dispose();
    return;
  }
  // At most ~10 reads a second, never one per batch. The read is awaited before the next batch is queued:
  // tfjs-webgpu on Dawn crashed (SIGSEGV) with a read in flight while later steps were submitted, and one
  // short wait per 100 ms costs little.
  loop.lastEvent = now;
  const lr = loop.lr;
  const rate = seen / Math.max((now - t0) / 1000, 1e-3);
  const remaining = (loop.stepsPerEpoch - batchIndex) * opts.batchSize + (opts.epochs - epoch - 1) * loop.stepsPerEpoch * opts.batchSize;
  const v = await batchVec.data();
  batchVec.dispose();
  const metrics = Object.fromEntries(run.objective.names.map((n, i) => [n, v[i]]));
  if (!Number.isFinite(v[0])) loop.nanAt ??= `epoch ${epoch + 1}, batch ${batchIndex}`;
  loop.events.onBatch({ epoch: epoch + 1, batch: batchIndex, step: loop.globalStep, metrics, lr, samplesPerSec: rate, etaSeconds: remaining / Math.max(rate, 1e-9) });
}

/** The epoch's logs, validation, event and callbacks; or the end of the run (empty, NaN, stopped). */
async function endEpoch(run: FitRun, epoch: number, t0: number, pass: EpochPass): Promise<void> {
  const { loop, control, opts } = run;
  const { tf } = loop;
  if (pass.seen === 0) {
    pass.sum.dispose();
    if (control.stopRequested) return loop.end('stopped');
    throw new UserError('The training set is empty.', undefined, 'empty-dataset');
  }
  const sums = await pass.sum.data();
  pass.sum.dispose();
  const logs: Record<string, number> = Object.fromEntries(run.objective.names.map((n, i) => [n, sums[i] / pass.seen]));
  if (!Number.isFinite(logs.loss) || loop.nanAt) {
    loop.nanAt ??= `epoch ${epoch + 1}`;
    return loop.end('nan');
  }
  if (control.stopRequested) {
    // The epoch did not finish: its numbers are partial, and no epoch event is sent for it.
    if (control.stopRequested === 'epoch') loop.restoreEpochStart();
    else loop.weights = 'last-batch';
    loop.log(`Stopped in epoch ${epoch + 1} after ${pass.batches} batches.`);
    return loop.end('stopped');
  }
  if (run.validationAdapter && run.data.validation) {
    Object.assign(logs, await evaluateSource(tf, run.data.validation, run.validationAdapter, opts.batchSize, run.objective, 'val_'));
  }
  const seconds = (Date.now() - t0) / 1000;
  loop.lastEpochSeconds = seconds;
  const mem = tf.memory();
  const point: EpochEvent = {
    epoch: epoch + 1,
    step: loop.globalStep,
    metrics: logs,
    lr: loop.lr,
    samplesPerSec: pass.seen / Math.max(seconds, 1e-3),
    seconds,
    etaSeconds: (opts.epochs - epoch - 1) * loop.lastEpochSeconds,
    memory: { tensorBytes: mem.numBytes, rssBytes: process.memoryUsage().rss },
  };
  loop.history.push(point);
  await loop.events.onEpoch?.(point);
  for (const c of run.callbacks) await c.onEpochEnd?.(epoch, logs, loop);
  if (loop.ended) return;
  loop.markEpochStart();
  if (control.stopRequested) loop.end('stopped', undefined, 'last-epoch');
}
