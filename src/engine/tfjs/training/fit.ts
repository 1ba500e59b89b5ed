/**
 * The training loop. Our own loop instead of `model.fit` so that we control when the engine is synchronised:
 * losses and metrics are accumulated on the device and read with `.data()` a few times a second and once per
 * epoch (a synchronous read per batch would stall a GPU), the next batch is prepared while the current one
 * computes, and pause / resume / stop take effect between batches. Callbacks are objects behind one list
 * (./fitCallbacks.ts); the loop's state is a LoopState (./fitLoop.ts).
 */
import type { JsonObject } from '../../../core/types';
import { UserError } from '../../../core/types';
import type { OptimizerConfig, OutputTraining } from '../../../core/training';
import { TrainingControl } from '../../control';
import { type DataBatch, type DataSource } from '../../datasets/source';
import { EpochIterator } from '../../datasets/epochIterator';
import type { EpochEvent, FitResult, TrainerEvents } from '../../trainer';
import type { LayersModel, Tensor, Tf } from '../tf';
import { adaptData, type DataAdapter } from './adapter';
import { parseCallbacks } from './callbacks';
import { accumulate, asList, batchTensors, evaluateSource, objectiveOf, yieldToEventLoop, type Objective } from './evaluate';
import { fitCallbacks, type FitCallback } from './fitCallbacks';
import { LoopState } from './fitLoop';
import type { LossOptions } from './losses';
import { checkClassWeight, type ClassWeight } from './objective';
import { makeOptimizer, weightConstraints, type TfOptimizer } from './optimizers';

export interface FitOptions {
  optimizer: OptimizerConfig;
  loss: string;
  lossOptions?: LossOptions;
  metrics: string[];
  /** Keras' class_weight: class index -> weight of its samples in the training loss. */
  classWeight?: ClassWeight;
  /** Several outputs: each output's loss, metrics and loss weight (core/training/outputs.ts). */
  outputs?: Record<string, OutputTraining>;
  epochs: number;
  batchSize: number;
  shuffle?: boolean;
  initialEpoch?: number;
  callbacks?: readonly JsonObject[];
  /** Seed for shuffling (a run is reproducible from its config). */
  seed?: number;
  /** Minimum time between two batch events (default 100 ms: at most 10 per second). */
  batchEventMs?: number;
  /** Keras' steps_per_epoch: batches per epoch, the pass over the data continuing across epochs (EpochIterator). */
  stepsPerEpoch?: number;
}

/** Everything checked before the first batch: optimizer, loss, metrics, callbacks, shapes. */
export interface PreparedFit {
  adapter: DataAdapter;
  metricNames: string[];
}

export function prepareFit(tf: Tf, model: LayersModel, train: DataSource, opts: FitOptions): PreparedFit {
  makeOptimizer(tf, opts.optimizer).dispose();
  parseCallbacks(opts.callbacks);
  const adapter = adaptData(model, train, opts);
  objectiveOf(tf, model, { ...opts, classWeight: checkClassWeight(opts.classWeight) });
  if (opts.classWeight && model.outputs.length === 1 && adapter.target.kind === 'values' && adapter.target.shape.length > 1) {
    throw new UserError(
      `class_weight needs one class per sample, but each target has shape [${adapter.target.shape.join(', ')}].`,
      'Remove class_weight (Keras refuses it for sequence targets too).',
      'bad-class-weight',
    );
  }
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
  trainBatches: EpochIterator;
}

/** One epoch's pass over the training data: loss and metric sums, still on the device. */
interface EpochPass {
  sum: Tensor | undefined;
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
  const validationAdapter = hasValidation ? adaptData(model, data.validation as DataSource, opts) : undefined;
  const log = (line: string) => events.onLog?.(line);
  const callbacks = fitCallbacks(opts.callbacks, { hasValidation, histogramSource: data.validation ?? data.train, adapter, log });
  const loop = new LoopState(tf, model, optimizer, events, opts, data.train.size);
  const trainBatches = new EpochIterator(data.train, opts.batchSize, { shuffle: opts.shuffle !== false, random: loop.random, stepsPerEpoch: opts.stepsPerEpoch });
  const run: FitRun = { loop, opts, data, adapter, validationAdapter, objective, callbacks, control, trainBatches };
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

/** One optimizer step on a batch; returns the batch's state ([loss x size, size, metric states...]) on the device. */
function trainStep(run: FitRun, optimizer: TfOptimizer, b: DataBatch): Tensor {
  const { tf, model } = run.loop;
  const objective = run.objective;
  const { xs, t } = batchTensors(tf, run.adapter, objective, b);
  const mask = objective.outputMask(xs);
  // Metrics are computed from the kept predictions outside the gradient tape (argMax/equal have no gradient),
  // and each output's loss is kept for its log.
  let preds: Tensor[] = [];
  let parts: Tensor[] = [];
  const cost = optimizer.minimize(() => {
    const p = asList(model.apply(xs, { training: true }) as Tensor | Tensor[]);
    preds = p.map((x) => tf.keep(x));
    const l = objective.loss(t, p, mask);
    parts = l.parts.map((x) => tf.keep(x));
    return l.total as import('@tensorflow/tfjs').Scalar;
  }, true) as Tensor;
  const state = tf.tidy(() => objective.stateOf({ total: cost, parts }, t, preds, mask));
  tf.dispose([xs, ...t.ys, cost, ...preds, ...parts, ...(t.sampleWeight ? [t.sampleWeight] : []), ...(mask ? [mask] : [])]);
  return state;
}

async function trainEpoch(run: FitRun, epoch: number, t0: number): Promise<EpochPass> {
  const { loop, opts, control, callbacks } = run;
  let sum: Tensor | undefined;
  let seen = 0;
  let batchIndex = 0;
  for await (const b of run.trainBatches.epoch()) {
    await control.gate();
    if (control.stopRequested) break;
    for (const c of callbacks) c.onBatchBegin?.(loop.globalStep, loop);
    sum = accumulate(loop.tf, sum, trainStep(run, loop.optimizer, b));
    seen += b.size;
    batchIndex += 1;
    loop.globalStep += 1;
    await reportBatch(run, epoch, t0, sum, seen, batchIndex);
    if (loop.nanAt) break;
    // Let IPC messages (pause, stop) in: the cpu and wasm engines compute synchronously.
    await yieldToEventLoop();
  }
  return { sum, seen, batches: batchIndex };
}

/** A batch event, at most every batchEventMs: the epoch's running loss and metrics, as Keras' batch logs. */
async function reportBatch(run: FitRun, epoch: number, t0: number, sum: Tensor, seen: number, batchIndex: number): Promise<void> {
  const { loop, opts } = run;
  const now = Date.now();
  if (now - loop.lastEvent < (opts.batchEventMs ?? 100) || !loop.events.onBatch) return;
  // At most ~10 reads a second, never one per batch. The read is awaited before the next batch is queued:
  // tfjs-webgpu on Dawn crashed (SIGSEGV) with a read in flight while later steps were submitted, and one
  // short wait per 100 ms costs little.
  loop.lastEvent = now;
  const lr = loop.lr;
  const rate = seen / Math.max((now - t0) / 1000, 1e-3);
  const remaining = (loop.stepsPerEpoch - batchIndex) * opts.batchSize + (opts.epochs - epoch - 1) * loop.stepsPerEpoch * opts.batchSize;
  const metrics = run.objective.results(await sum.data());
  if (!Number.isFinite(metrics.loss)) loop.nanAt ??= `epoch ${epoch + 1}, batch ${batchIndex}`;
  loop.events.onBatch({ epoch: epoch + 1, batch: batchIndex, batches: loop.stepsPerEpoch, step: loop.globalStep, metrics, lr, samplesPerSec: rate, etaSeconds: remaining / Math.max(rate, 1e-9) });
}

/** The epoch's logs, validation, event and callbacks; or the end of the run (empty, NaN, stopped). */
async function endEpoch(run: FitRun, epoch: number, t0: number, pass: EpochPass): Promise<void> {
  const { loop, control, opts } = run;
  const { tf } = loop;
  if (pass.seen === 0 || !pass.sum) {
    pass.sum?.dispose();
    if (control.stopRequested) return loop.end('stopped');
    throw new UserError('The training set is empty.', undefined, 'empty-dataset');
  }
  const sums = await pass.sum.data();
  pass.sum.dispose();
  const logs: Record<string, number> = run.objective.results(sums);
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
