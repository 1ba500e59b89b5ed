/**
 * The fit loop's callbacks as objects behind one list, as Keras runs its `callbacks=[...]`: learning-rate
 * schedules, histograms, checkpoints, ReduceLROnPlateau and EarlyStopping. The loop calls each hook of each
 * callback in list order; a callback ends the run through `loop.end`. The decisions themselves are the plain
 * state machines of ./callbacks.ts; these objects apply them to the model and the optimizer.
 */
import { CALLBACK_DEFAULTS } from '../../../core/training';
import type { JsonObject } from '../../../core/types';
import type { DataSource } from '../../datasets/source';
import type { FinalWeights, FitStatus, TrainerEvents } from '../../trainer';
import type { LayersModel, Tensor, Tf } from '../tf';
import type { DataAdapter } from './adapter';
import { EarlyStopping, Monitor, ReduceLROnPlateau, exponentialDecay, missingMonitorWarning, monitorMode, parseCallbacks, stepDecay } from './callbacks';
import { histogramsFor } from './histograms';

/** What a callback sees of the running fit, and what it may change. */
export interface FitLoop {
  readonly tf: Tf;
  readonly model: LayersModel;
  readonly events: TrainerEvents;
  readonly initialEpoch: number;
  /** The learning rate the optimizer started with. */
  readonly lr0: number;
  lr: number;
  readonly status: FitStatus;
  weights: FinalWeights;
  log(line: string): void;
  /** End the run after this epoch, with a status, a message and (when they changed) which weights are kept. */
  end(status: FitStatus, message?: string, weights?: FinalWeights): void;
}

export interface FitCallback {
  onEpochBegin?(epoch: number, loop: FitLoop): void;
  /** Before each batch; `step` counts batches from the first epoch. */
  onBatchBegin?(step: number, loop: FitLoop): void;
  /** After the epoch event, with the epoch's train and validation logs. */
  onEpochEnd?(epoch: number, logs: Record<string, number>, loop: FitLoop): void | Promise<void>;
  /** Once, after the last epoch, when no callback ended the run. */
  onTrainEnd?(loop: FitLoop): void;
  dispose?(tf: Tf): void;
}

export type Snapshot = Tensor[];

export function snapshot(tf: Tf, model: LayersModel): Snapshot {
  return model.weights.map((w) => tf.keep(tf.clone(w.read())));
}

export function restore(model: LayersModel, s: Snapshot): void {
  model.weights.forEach((w, i) => w.write(s[i]));
}

/** lr = lr0 · factor^floor(epoch / step_size), at the start of each epoch. */
function stepDecayCallback(args: Record<string, unknown>): FitCallback {
  const schedule = stepDecay(args);
  return { onEpochBegin: (epoch, loop) => void (loop.lr = schedule(epoch, loop.lr0)) };
}

/** keras.optimizers.schedules.ExponentialDecay, before every batch. */
function exponentialDecayCallback(args: Record<string, unknown>): FitCallback {
  const schedule = exponentialDecay(args);
  return { onBatchBegin: (step, loop) => void (loop.lr = schedule(step, loop.lr0)) };
}

/** Weight and activation histograms every `freq` epochs, on a fixed sample of `source`. */
function histogramsCallback(args: Record<string, unknown>, source: DataSource, adapter: DataAdapter): FitCallback {
  const freq = Math.max(1, Number(args.freq ?? args.histogram_freq ?? CALLBACK_DEFAULTS.Histograms.freq));
  return {
    async onEpochEnd(epoch, _logs, loop) {
      if ((epoch + 1 - loop.initialEpoch) % freq !== 0 || !loop.events.onHistograms) return;
      loop.events.onHistograms(await histogramsFor(loop.tf, loop.model, source, adapter, epoch + 1, args));
    },
  };
}

/** Logs a callback's "monitored metric not available" warning once, as Keras warns (every epoch). */
function warnOnce(callback: string): (key: string, logs: Record<string, number>, loop: FitLoop) => void {
  let warned = false;
  return (key, logs, loop) => {
    if (!warned) loop.log(missingMonitorWarning(callback, key, logs));
    warned = true;
  };
}

/**
 * Always on: 'last' every epoch (the run's own autosave, so Stop and crashes keep the newest weights), and
 * 'best' when the monitored value improves: ModelCheckpoint's save_best_only, with its monitor and mode; a
 * monitored metric that is not in the logs saves no 'best', as Keras skips it.
 */
function checkpointCallback(monitor: Monitor, explicit: boolean): FitCallback {
  const warn = warnOnce('ModelCheckpoint');
  return {
    async onEpochEnd(epoch, logs, loop) {
      const v = logs[monitor.key];
      if (v === undefined && explicit) warn(monitor.key, logs, loop);
      const improved = v !== undefined && monitor.update(v, epoch);
      if (loop.events.onCheckpoint) await loop.events.onCheckpoint(improved ? ['last', 'best'] : ['last'], epoch + 1, logs);
    },
  };
}

function reduceLROnPlateauCallback(plateau: ReduceLROnPlateau): FitCallback {
  const warn = warnOnce('ReduceLROnPlateau');
  return {
    onEpochEnd(epoch, logs, loop) {
      const nlr = plateau.onEpochEnd(epoch, logs, loop.lr);
      if (nlr === 'missing') warn(plateau.monitor.key, logs, loop);
      if (nlr === undefined || nlr === 'missing') return;
      loop.lr = nlr;
      loop.log(`ReduceLROnPlateau: learning rate reduced to ${nlr.toPrecision(3)}.`);
    },
  };
}

/** EarlyStopping, keeping a copy of the best weights when it restores them. */
class EarlyStoppingCallback implements FitCallback {
  private best: Snapshot | undefined;
  private readonly warn = warnOnce('EarlyStopping');
  constructor(private readonly early: EarlyStopping) {}
  onEpochEnd(epoch: number, logs: Record<string, number>, loop: FitLoop): void {
    const { early } = this;
    const verdict = early.onEpochEnd(epoch, logs);
    if (verdict === 'missing') this.warn(early.monitor.key, logs, loop);
    if (verdict === 'improved' && early.restoreBest) {
      if (this.best) loop.tf.dispose(this.best);
      this.best = snapshot(loop.tf, loop.model);
    }
    if (verdict !== 'stop') return;
    const message = `Early stopping: ${early.monitor.key} did not improve for ${early.patience} epoch(s) (best ${early.monitor.best?.toPrecision(4)} at epoch ${early.monitor.bestEpoch + 1}).`;
    if (early.restoreBest && this.best) {
      restore(loop.model, this.best);
      loop.end('early-stopped', message, 'best');
    } else loop.end('early-stopped', message);
  }
  onTrainEnd(loop: FitLoop): void {
    // Keras restores the best weights at the end of training too (keras/src/callbacks/early_stopping.py).
    if (this.early.restoreBest && this.best && loop.status === 'done' && loop.weights === 'final') {
      restore(loop.model, this.best);
      loop.weights = 'best';
    }
  }
  dispose(tf: Tf): void {
    if (this.best) tf.dispose(this.best);
  }
}

export interface CallbackContext {
  hasValidation: boolean;
  /** The data histograms sample (the validation set when there is one). */
  histogramSource: DataSource;
  adapter: DataAdapter;
  log(line: string): void;
}

/**
 * The callbacks of a job in the order the loop runs them. One of each kind (the first listed), as before;
 * checkpoints are always there.
 */
export function fitCallbacks(list: readonly JsonObject[] | undefined, ctx: CallbackContext): FitCallback[] {
  const specs = parseCallbacks(list);
  const first = (name: string) => specs.find((s) => s.name === name);
  const out: FitCallback[] = [];
  const step = first('StepDecay');
  if (step) out.push(stepDecayCallback(step.args));
  const expo = first('ExponentialDecay');
  if (expo) out.push(exponentialDecayCallback(expo.args));
  const hist = specs.find((s) => s.name === 'Histograms' || (s.name === 'TensorBoard' && Number(s.args.histogram_freq ?? 0) > 0));
  if (hist) out.push(histogramsCallback(hist.args, ctx.histogramSource, ctx.adapter));
  // Without a ModelCheckpoint, the 'best' autosave follows val_loss, or loss when there is no validation data.
  const ckpt = first('ModelCheckpoint');
  const ckptKey = String(ckpt?.args.monitor ?? (ctx.hasValidation ? 'val_loss' : 'loss'));
  out.push(checkpointCallback(new Monitor(ckptKey, monitorMode(ckptKey, String(ckpt?.args.mode ?? 'auto'))), ckpt !== undefined));
  const plateau = first('ReduceLROnPlateau');
  if (plateau) out.push(reduceLROnPlateauCallback(new ReduceLROnPlateau(plateau.args)));
  const earlySpec = first('EarlyStopping');
  if (earlySpec) out.push(new EarlyStoppingCallback(new EarlyStopping(earlySpec.args)));
  return out;
}
