/**
 * The training loop. Our own loop instead of `model.fit` so that we control when the engine is synchronised:
 * losses and metrics are accumulated on the device and read with `.data()` a few times a second and once per
 * epoch (a synchronous read per batch would stall a GPU), the next batch is prepared while the current one
 * computes, and pause / resume / stop take effect between batches.
 */
import type { JsonObject } from '../../../core/types';
import { UserError } from '../../../core/types';
import type { OptimizerConfig } from '../../../core/training';
import type { BatchPoint, EpochPoint, HistogramItem } from '../../../protocol/training';
import { batches, rng, type DataSource } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import { adaptData, type DataAdapter } from './adapter';
import { EarlyStopping, Monitor, ReduceLROnPlateau, exponentialDecay, monitorMode, parseCallbacks, resolveMonitor, stepDecay } from './callbacks';
import { histogramsFor } from './histograms';
import { lossFn, lossId, metricFn, metricId, type LossOptions } from './losses';
import { getLearningRate, makeOptimizer, setLearningRate } from './optimizers';

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

/** What an epoch event carries beyond the chart point. */
export interface EpochEvent extends EpochPoint {
  /** Seconds the epoch took. */
  seconds: number;
  /** Seconds left for the remaining epochs, at the current speed. */
  etaSeconds: number;
  /** Tensor memory held by the engine and the process's resident memory, in bytes. */
  memory: { tensorBytes: number; rssBytes: number };
}

export interface FitEvents {
  onBatch?(p: BatchPoint & { etaSeconds?: number }): void;
  onEpoch?(p: EpochEvent): void | Promise<void>;
  onHistograms?(items: HistogramItem[]): void;
  /** Save a checkpoint of the model's current weights (best and/or last). Awaited: weights stay still meanwhile. */
  onCheckpoint?(kinds: ('best' | 'last')[], epoch: number, logs: Record<string, number>): Promise<void>;
  onLog?(line: string): void;
}

export type FitStatus = 'done' | 'stopped' | 'early-stopped' | 'nan';

export interface FitResult {
  status: FitStatus;
  /** Epochs completed (counting initial_epoch). */
  epochs: number;
  history: EpochEvent[];
  message?: string;
  /** Which weights the model holds at the end. */
  weights: 'final' | 'last-batch' | 'last-epoch' | 'best';
}

/** Pause / resume / stop from outside the loop (the worker's message handler). */
export class TrainingControl {
  private paused = false;
  private waiters: (() => void)[] = [];
  stopRequested: 'batch' | 'epoch' | undefined;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    for (const w of this.waiters.splice(0)) w();
  }
  stop(keep: 'batch' | 'epoch' = 'batch'): void {
    this.stopRequested = keep;
    this.resume();
  }
  get isPaused(): boolean {
    return this.paused;
  }
  /** Resolves at once unless paused. */
  async gate(): Promise<void> {
    while (this.paused && !this.stopRequested) await new Promise<void>((r) => this.waiters.push(r));
  }
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

type Snapshot = Tensor[];

function snapshot(tf: Tf, model: LayersModel): Snapshot {
  return model.weights.map((w) => tf.keep(tf.clone(w.read())));
}

function restore(tf: Tf, model: LayersModel, s: Snapshot): void {
  model.weights.forEach((w, i) => w.write(s[i]));
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function fit(
  tf: Tf,
  model: LayersModel,
  data: { train: DataSource; validation?: DataSource },
  opts: FitOptions,
  events: FitEvents = {},
  control = new TrainingControl(),
): Promise<FitResult> {
  const { adapter } = prepareFit(tf, model, data.train, opts);
  const loss = lossId(opts.loss);
  const fromLogits = Boolean(opts.lossOptions?.from_logits);
  const units = (model.outputs[0].shape[model.outputs[0].shape.length - 1] as number | null) ?? 1;
  const lossF = lossFn(tf, loss, opts.lossOptions);
  const metricFs = opts.metrics.map((m) => metricFn(tf, metricId(m, loss, units), fromLogits));
  const names = ['loss', ...opts.metrics];
  const optimizer = makeOptimizer(tf, opts.optimizer);
  const lr0 = getLearningRate(optimizer);
  const hasVal = Boolean(data.validation && data.validation.size > 0);
  const validationAdapter = hasVal ? adaptData(model, data.validation as DataSource, loss) : undefined;

  // Callbacks.
  const specs = parseCallbacks(opts.callbacks);
  const early = specs.filter((s) => s.name === 'EarlyStopping').map((s) => new EarlyStopping(s.args, hasVal))[0];
  const plateau = specs.filter((s) => s.name === 'ReduceLROnPlateau').map((s) => new ReduceLROnPlateau(s.args, hasVal))[0];
  const step = specs.filter((s) => s.name === 'StepDecay').map((s) => stepDecay(s.args))[0];
  const expo = specs.filter((s) => s.name === 'ExponentialDecay').map((s) => exponentialDecay(s.args))[0];
  const hist = specs.find((s) => s.name === 'Histograms' || (s.name === 'TensorBoard' && Number(s.args.histogram_freq ?? 0) > 0));
  const histFreq = hist ? Math.max(1, Number(hist.args.freq ?? hist.args.histogram_freq ?? 1)) : 0;
  const ckptSpec = specs.find((s) => s.name === 'ModelCheckpoint');
  const ckptKey = resolveMonitor(String(ckptSpec?.args.monitor ?? (hasVal ? 'val_loss' : 'loss')), hasVal);
  const ckptMonitor = new Monitor(ckptKey, monitorMode(ckptKey, String(ckptSpec?.args.mode ?? 'auto')));
  if (early && early.monitor.key !== (specs.find((s) => s.name === 'EarlyStopping')?.args.monitor ?? 'val_loss')) {
    events.onLog?.(`EarlyStopping monitors ${early.monitor.key} (there is no validation data).`);
  }

  const random = rng(opts.seed ?? 42);
  const initialEpoch = opts.initialEpoch ?? 0;
  const history: EpochEvent[] = [];
  const batchEventMs = opts.batchEventMs ?? 100;
  const stepsPerEpoch = Math.ceil(Math.min(data.train.size, opts.stepsPerEpoch ? opts.stepsPerEpoch * opts.batchSize : Infinity) / opts.batchSize);
  let globalStep = initialEpoch * stepsPerEpoch;
  let epochStart: Snapshot = snapshot(tf, model);
  let best: Snapshot | undefined;
  let status: FitStatus = 'done';
  let message: string | undefined;
  let weights: FitResult['weights'] = 'final';
  let nanAt: string | undefined;
  let lastEpochSeconds = 0;
  // Batch events are throttled across epoch boundaries too (tiny epochs would otherwise send one each).
  let lastEvent = 0;

  const computeVector = (xs: Tensor, ys: Tensor, training: boolean): Tensor => {
    const pred = model.apply(xs, { training }) as Tensor;
    const values = [tf.mean(lossF(ys, pred)), ...metricFs.map((f) => tf.mean(f(ys, pred)))];
    return tf.stack(values);
  };

  try {
    epochs: for (let epoch = initialEpoch; epoch < opts.epochs; epoch++) {
      const t0 = Date.now();
      if (step) setLearningRate(optimizer, step(epoch, lr0));
      let sum: Tensor = tf.keep(tf.zeros([names.length]));
      let seen = 0;
      let batchIndex = 0;
      const iter = batches(data.train, opts.batchSize, { shuffle: opts.shuffle !== false, random, limit: opts.stepsPerEpoch ? opts.stepsPerEpoch * opts.batchSize : undefined });
      for await (const b of iter) {
        await control.gate();
        if (control.stopRequested) break;
        if (expo) setLearningRate(optimizer, expo(globalStep, lr0));
        const { xs, ys } = adapter.toTensors(tf, b);
        // Metrics are computed from the kept prediction outside the gradient tape (argMax/equal have no gradient).
        let pred: Tensor | undefined;
        const cost = optimizer.minimize(() => {
          const p = model.apply(xs, { training: true }) as Tensor;
          pred = tf.keep(p);
          return tf.mean(lossF(ys, p)) as import('@tensorflow/tfjs').Scalar;
        }, true) as Tensor;
        const batchVec = tf.tidy(() => tf.stack([cost, ...metricFs.map((f) => tf.mean(f(ys, pred as Tensor)))]));
        tf.dispose([xs, ys, cost, pred as Tensor]);
        const next = tf.tidy(() => tf.add(sum, tf.mul(batchVec, b.size)));
        sum.dispose();
        sum = tf.keep(next);
        seen += b.size;
        batchIndex += 1;
        globalStep += 1;
        const now = Date.now();
        if (now - lastEvent >= batchEventMs && events.onBatch) {
          // At most ~10 reads a second, never one per batch. The read is awaited before the next batch is
          // queued: tfjs-webgpu on Dawn crashed (SIGSEGV) with a read in flight while later steps were
          // submitted, and one short wait per 100 ms costs little.
          lastEvent = now;
          const lr = getLearningRate(optimizer);
          const elapsed = (now - t0) / 1000;
          const rate = seen / Math.max(elapsed, 1e-3);
          const remaining = (stepsPerEpoch - batchIndex) * opts.batchSize + (opts.epochs - epoch - 1) * stepsPerEpoch * opts.batchSize;
          const v = await batchVec.data();
          batchVec.dispose();
          const metrics = Object.fromEntries(names.map((n, i) => [n, v[i]]));
          if (!Number.isFinite(v[0])) nanAt ??= `epoch ${epoch + 1}, batch ${batchIndex}`;
          events.onBatch({ epoch: epoch + 1, batch: batchIndex, step: globalStep, metrics, lr, samplesPerSec: rate, etaSeconds: remaining / Math.max(rate, 1e-9) });
        } else batchVec.dispose();
        if (nanAt) break;
        // Let IPC messages (pause, stop) in: the cpu and wasm engines compute synchronously.
        await yieldToEventLoop();
      }
      if (seen === 0) {
        sum.dispose();
        if (control.stopRequested) {
          status = 'stopped';
          break epochs;
        }
        throw new UserError('The training set is empty.', undefined, 'empty-dataset');
      }
      const sums = await sum.data();
      sum.dispose();
      const logs: Record<string, number> = Object.fromEntries(names.map((n, i) => [n, sums[i] / seen]));
      if (!Number.isFinite(logs.loss) || nanAt) {
        status = 'nan';
        nanAt ??= `epoch ${epoch + 1}`;
        break epochs;
      }
      if (control.stopRequested) {
        // The epoch did not finish: its numbers are partial, and no epoch event is sent for it.
        status = 'stopped';
        if (control.stopRequested === 'epoch') {
          restore(tf, model, epochStart);
          weights = 'last-epoch';
        } else weights = 'last-batch';
        events.onLog?.(`Stopped in epoch ${epoch + 1} after ${batchIndex} batches.`);
        break epochs;
      }
      if (validationAdapter && data.validation) Object.assign(logs, await evaluateSource(tf, model, data.validation, validationAdapter, opts.batchSize, computeVector, names, 'val_'));
      const seconds = (Date.now() - t0) / 1000;
      lastEpochSeconds = seconds;
      const lr = getLearningRate(optimizer);
      const mem = tf.memory();
      const point: EpochEvent = {
        epoch: epoch + 1,
        step: globalStep,
        metrics: logs,
        lr,
        samplesPerSec: seen / Math.max(seconds, 1e-3),
        seconds,
        etaSeconds: (opts.epochs - epoch - 1) * lastEpochSeconds,
        memory: { tensorBytes: mem.numBytes, rssBytes: process.memoryUsage().rss },
      };
      history.push(point);
      await events.onEpoch?.(point);
      if (histFreq && (epoch + 1 - initialEpoch) % histFreq === 0 && events.onHistograms) {
        events.onHistograms(await histogramsFor(tf, model, data.validation ?? data.train, adapter, epoch + 1, hist?.args ?? {}));
      }
      // Checkpoints: last every epoch, best when the monitored value improves.
      const improved = ckptMonitor.update(logs[ckptMonitor.key] ?? NaN, epoch);
      if (events.onCheckpoint) await events.onCheckpoint(improved ? ['last', 'best'] : ['last'], epoch + 1, logs);
      if (plateau) {
        const nlr = plateau.onEpochEnd(epoch, logs, lr);
        if (nlr !== undefined) {
          setLearningRate(optimizer, nlr);
          events.onLog?.(`ReduceLROnPlateau: learning rate reduced to ${nlr.toPrecision(3)}.`);
        }
      }
      tf.dispose(epochStart);
      epochStart = snapshot(tf, model);
      if (early) {
        const verdict = early.onEpochEnd(epoch, logs);
        if (verdict === 'improved' && early.restoreBest) {
          if (best) tf.dispose(best);
          best = snapshot(tf, model);
        }
        if (verdict === 'stop') {
          status = 'early-stopped';
          message = `Early stopping: ${early.monitor.key} did not improve for ${early.patience} epoch(s) (best ${early.monitor.best.toPrecision(4)} at epoch ${early.monitor.bestEpoch + 1}).`;
          if (early.restoreBest && best) {
            restore(tf, model, best);
            weights = 'best';
          }
          break epochs;
        }
      }
      if (control.stopRequested) {
        status = 'stopped';
        weights = 'last-epoch';
        break epochs;
      }
    }
    if (status === 'nan') {
      restore(tf, model, epochStart);
      weights = 'last-epoch';
      message = `The loss became NaN at ${nanAt}; training stopped and the weights of the last completed epoch are kept. Try a lower learning rate, or check the data for NaN or huge values.`;
    }
    if (early?.restoreBest && best && status === 'done' && weights === 'final') {
      // Keras restores the best weights at the end of training too (keras/src/callbacks/early_stopping.py).
      restore(tf, model, best);
      weights = 'best';
    }
  } finally {
    tf.dispose(epochStart);
    if (best) tf.dispose(best);
    optimizer.dispose();
  }
  return { status, epochs: initialEpoch + history.length, history, message, weights };
}

/** Mean loss and metrics over a whole source, batch by batch, read once at the end. */
async function evaluateSource(
  tf: Tf,
  model: LayersModel,
  source: DataSource,
  adapter: DataAdapter,
  batchSize: number,
  computeVector: (xs: Tensor, ys: Tensor, training: boolean) => Tensor,
  names: string[],
  prefix: string,
): Promise<Record<string, number>> {
  let sum: Tensor = tf.keep(tf.zeros([names.length]));
  let seen = 0;
  for await (const b of batches(source, batchSize)) {
    const next = tf.tidy(() => {
      const { xs, ys } = adapter.toTensors(tf, b);
      return tf.add(sum, tf.mul(computeVector(xs, ys, false), b.size));
    });
    sum.dispose();
    sum = tf.keep(next);
    seen += b.size;
    await yieldToEventLoop();
  }
  const v = await sum.data();
  sum.dispose();
  return Object.fromEntries(names.map((n, i) => [prefix + n, v[i] / Math.max(seen, 1)]));
}

/** Keras' `model.evaluate`: loss and metrics on a dataset. */
export async function evaluate(
  tf: Tf,
  model: LayersModel,
  source: DataSource,
  opts: Pick<FitOptions, 'loss' | 'lossOptions' | 'metrics' | 'batchSize'>,
): Promise<Record<string, number>> {
  const loss = lossId(opts.loss);
  const adapter = adaptData(model, source, loss);
  const units = (model.outputs[0].shape[model.outputs[0].shape.length - 1] as number | null) ?? 1;
  const lossF = lossFn(tf, loss, opts.lossOptions);
  const metricFs = opts.metrics.map((m) => metricFn(tf, metricId(m, loss, units), Boolean(opts.lossOptions?.from_logits)));
  const names = ['loss', ...opts.metrics];
  const computeVector = (xs: Tensor, ys: Tensor, training: boolean): Tensor => {
    const pred = model.apply(xs, { training }) as Tensor;
    return tf.stack([tf.mean(lossF(ys, pred)), ...metricFs.map((f) => tf.mean(f(ys, pred)))]);
  };
  return evaluateSource(tf, model, source, adapter, opts.batchSize, computeVector, names, '');
}
