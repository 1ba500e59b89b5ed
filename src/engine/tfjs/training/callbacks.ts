/**
 * Keras callbacks as plain state machines (keras/src/callbacks/*.py): EarlyStopping, ReduceLROnPlateau,
 * ModelCheckpoint's monitor, step and exponential learning-rate decay, histograms. The fit loop asks them
 * what to do; they never touch tensors. Config objects are Keras' `{class_name, config}` or `{name, ...args}`.
 */
import { CALLBACK_DEFAULTS, callbackParts, CALLBACKS } from '../../../core/training';
import type { JsonObject } from '../../../core/types';
import { UserError } from '../../../core/types';

export interface CallbackSpec {
  name: string;
  args: Record<string, unknown>;
}

export function parseCallbacks(list: readonly JsonObject[] | undefined): CallbackSpec[] {
  return (list ?? []).map((c) => {
    const { name, args } = callbackParts(c);
    const match = CALLBACKS.find((k) => k.toLowerCase() === name.toLowerCase().replace(/[_\s]/g, ''));
    if (!match) {
      throw new UserError(`Unknown callback "${name}".`, `Use one of: ${CALLBACKS.join(', ')}.`, 'unknown-callback');
    }
    return { name: match, args };
  });
}

const numArg = (a: Record<string, unknown>, k: string, d: number) => (typeof a[k] === 'number' ? (a[k] as number) : d);
const strArg = (a: Record<string, unknown>, k: string, d: string) => (typeof a[k] === 'string' ? (a[k] as string) : d);
const boolArg = (a: Record<string, unknown>, k: string, d: boolean) => (typeof a[k] === 'boolean' ? (a[k] as boolean) : d);

/** Keras' mode 'auto': accuracy-like metrics are maximised, everything else minimised. */
export function monitorMode(monitor: string, mode = 'auto'): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  return /acc|accuracy|auc|precision|recall/.test(monitor) ? 'max' : 'min';
}

/**
 * Tracks the best value of a monitored metric with Keras' rule (keras/src/callbacks/monitor_callback.py):
 * the first value is always an improvement; later ones must beat the best by more than min_delta.
 */
export class Monitor {
  best: number | undefined;
  bestEpoch = -1;
  constructor(
    readonly key: string,
    readonly mode: 'min' | 'max',
    readonly minDelta = 0,
  ) {}
  /** `_is_improvement(value, reference)`: true when there is no reference yet. */
  improves(value: number, reference: number | undefined = this.best): boolean {
    if (reference === undefined) return true;
    const d = Math.abs(this.minDelta);
    return this.mode === 'min' ? value + d < reference : value - d > reference;
  }
  update(value: number, epoch: number): boolean {
    if (!this.improves(value)) return false;
    this.best = value;
    this.bestEpoch = epoch;
    return true;
  }
}

/**
 * A callback whose monitored metric is not in the logs does nothing, as in Keras (which warns every epoch):
 * with no validation data, `val_loss` never appears. The fit loop gives this warning once.
 */
export function missingMonitorWarning(callback: string, key: string, logs: Record<string, number>): string {
  const hint = key.startsWith('val_') ? ' (there is no validation data: set a validation split)' : '';
  return `${callback} is conditioned on ${key}, which is not available${hint}; it does nothing. Available: ${Object.keys(logs).join(', ')}.`;
}

/** keras/src/callbacks/early_stopping.py, epoch by epoch. */
export class EarlyStopping {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly restoreBest: boolean;
  readonly startFrom: number;
  readonly baseline: number | undefined;
  private wait = 0;
  constructor(args: Record<string, unknown>) {
    const d = CALLBACK_DEFAULTS.EarlyStopping;
    const key = strArg(args, 'monitor', d.monitor);
    this.monitor = new Monitor(key, monitorMode(key, strArg(args, 'mode', 'auto')), numArg(args, 'min_delta', d.min_delta));
    this.baseline = typeof args.baseline === 'number' ? args.baseline : undefined;
    this.patience = numArg(args, 'patience', d.patience);
    this.restoreBest = boolArg(args, 'restore_best_weights', d.restore_best_weights);
    this.startFrom = numArg(args, 'start_from_epoch', 0);
  }
  /**
   * After an epoch (counted from 0): 'missing' (the monitored metric is not in the logs), 'improved' (keep
   * these weights if restoring), 'stop', or 'continue'.
   */
  onEpochEnd(epoch: number, logs: Record<string, number>): 'missing' | 'improved' | 'stop' | 'continue' {
    const v = logs[this.monitor.key];
    if (v === undefined) return 'missing';
    if (epoch < this.startFrom) return 'continue';
    this.wait += 1;
    if (this.monitor.update(v, epoch)) {
      // Keras restarts the wait only when the value beats both the best and the baseline.
      if (this.baseline === undefined || this.monitor.improves(v, this.baseline)) this.wait = 0;
      return 'improved';
    }
    return this.wait >= this.patience && epoch > 0 ? 'stop' : 'continue';
  }
}

/** keras/src/callbacks/reduce_lr_on_plateau.py, epoch by epoch. */
export class ReduceLROnPlateau {
  readonly monitor: Monitor;
  private wait = 0;
  private cooldownLeft = 0;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  constructor(args: Record<string, unknown>) {
    const d = CALLBACK_DEFAULTS.ReduceLROnPlateau;
    const key = strArg(args, 'monitor', d.monitor);
    this.monitor = new Monitor(key, monitorMode(key, strArg(args, 'mode', 'auto')), numArg(args, 'min_delta', d.min_delta));
    this.factor = numArg(args, 'factor', d.factor);
    if (!(this.factor < 1)) throw new UserError('ReduceLROnPlateau factor must be below 1.', undefined, 'bad-callback');
    this.patience = numArg(args, 'patience', d.patience);
    this.cooldown = numArg(args, 'cooldown', d.cooldown);
    this.minLr = numArg(args, 'min_lr', d.min_lr);
  }
  /** The new learning rate, 'missing' when the monitored metric is not in the logs, or undefined to keep it. */
  onEpochEnd(epoch: number, logs: Record<string, number>, lr: number): number | 'missing' | undefined {
    const v = logs[this.monitor.key];
    if (v === undefined) return 'missing';
    if (this.cooldownLeft > 0) {
      this.cooldownLeft -= 1;
      this.wait = 0;
    }
    if (this.monitor.update(v, epoch)) {
      this.wait = 0;
      return undefined;
    }
    if (this.cooldownLeft > 0) return undefined;
    this.wait += 1;
    // Keras compares the learning rate with min_lr as float32.
    if (this.wait < this.patience || !(lr > Math.fround(this.minLr))) return undefined;
    this.cooldownLeft = this.cooldown;
    this.wait = 0;
    return Math.max(lr * this.factor, this.minLr);
  }
}

/** lr = lr0 · factor^floor(epoch / step_size), set at the start of each epoch. */
export function stepDecay(args: Record<string, unknown>): (epoch: number, lr0: number) => number {
  const d = CALLBACK_DEFAULTS.StepDecay;
  const factor = numArg(args, 'factor', d.factor);
  const step = Math.max(1, numArg(args, 'step_size', numArg(args, 'epochs_drop', d.step_size)));
  return (epoch, lr0) => lr0 * Math.pow(factor, Math.floor(epoch / step));
}

/** keras.optimizers.schedules.ExponentialDecay: lr0 · rate^(step / decay_steps), per training step. */
export function exponentialDecay(args: Record<string, unknown>): (step: number, lr0: number) => number {
  const d = CALLBACK_DEFAULTS.ExponentialDecay;
  const decaySteps = Math.max(1, numArg(args, 'decay_steps', d.decay_steps));
  const rate = numArg(args, 'decay_rate', d.decay_rate);
  const staircase = boolArg(args, 'staircase', d.staircase);
  return (step, lr0) => {
    const p = step / decaySteps;
    return lr0 * Math.pow(rate, staircase ? Math.floor(p) : p);
  };
}
