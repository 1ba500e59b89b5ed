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
  return /acc|accuracy|auc/.test(monitor) ? 'max' : 'min';
}

/** Tracks the best value of a monitored metric with Keras' min_delta rule. */
export class Monitor {
  best: number;
  bestEpoch = -1;
  constructor(
    readonly key: string,
    readonly mode: 'min' | 'max',
    readonly minDelta = 0,
  ) {
    this.best = mode === 'min' ? Infinity : -Infinity;
  }
  /** True when `value` improves on the best so far (by more than min_delta). */
  improves(value: number): boolean {
    return this.mode === 'min' ? value < this.best - Math.abs(this.minDelta) : value > this.best + Math.abs(this.minDelta);
  }
  update(value: number, epoch: number): boolean {
    if (!Number.isFinite(value) || !this.improves(value)) return false;
    this.best = value;
    this.bestEpoch = epoch;
    return true;
  }
}

/** Pick a monitor key that exists: Keras warns and skips when val_* is absent; we fall back to the train metric. */
export function resolveMonitor(wanted: string, hasValidation: boolean): string {
  if (!hasValidation && wanted.startsWith('val_')) return wanted.slice(4);
  return wanted;
}

export class EarlyStopping {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly restoreBest: boolean;
  readonly startFrom: number;
  private wait = 0;
  constructor(args: Record<string, unknown>, hasValidation: boolean) {
    const d = CALLBACK_DEFAULTS.EarlyStopping;
    const key = resolveMonitor(strArg(args, 'monitor', d.monitor), hasValidation);
    this.monitor = new Monitor(key, monitorMode(key, strArg(args, 'mode', 'auto')), numArg(args, 'min_delta', d.min_delta));
    const baseline = args.baseline;
    if (typeof baseline === 'number') this.monitor.best = baseline;
    this.patience = numArg(args, 'patience', d.patience);
    this.restoreBest = boolArg(args, 'restore_best_weights', d.restore_best_weights);
    this.startFrom = numArg(args, 'start_from_epoch', 0);
  }
  /** After an epoch: 'improved' (snapshot the weights if restoring), 'stop', or 'continue'. */
  onEpochEnd(epoch: number, logs: Record<string, number>): 'improved' | 'stop' | 'continue' {
    const v = logs[this.monitor.key];
    if (v === undefined || epoch < this.startFrom) return 'continue';
    if (this.monitor.update(v, epoch)) {
      this.wait = 0;
      return 'improved';
    }
    this.wait += 1;
    return this.wait >= this.patience ? 'stop' : 'continue';
  }
}

export class ReduceLROnPlateau {
  readonly monitor: Monitor;
  private wait = 0;
  private cooldownLeft = 0;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  constructor(args: Record<string, unknown>, hasValidation: boolean) {
    const d = CALLBACK_DEFAULTS.ReduceLROnPlateau;
    const key = resolveMonitor(strArg(args, 'monitor', d.monitor), hasValidation);
    this.monitor = new Monitor(key, monitorMode(key, strArg(args, 'mode', 'auto')), numArg(args, 'min_delta', d.min_delta));
    this.factor = numArg(args, 'factor', d.factor);
    if (!(this.factor < 1)) throw new UserError('ReduceLROnPlateau factor must be below 1.', undefined, 'bad-callback');
    this.patience = numArg(args, 'patience', d.patience);
    this.cooldown = numArg(args, 'cooldown', d.cooldown);
    this.minLr = numArg(args, 'min_lr', d.min_lr);
  }
  /** The new learning rate, or undefined to keep it. */
  onEpochEnd(epoch: number, logs: Record<string, number>, lr: number): number | undefined {
    const v = logs[this.monitor.key];
    if (v === undefined) return undefined;
    if (this.cooldownLeft > 0) this.cooldownLeft -= 1;
    if (this.monitor.update(v, epoch)) {
      this.wait = 0;
      return undefined;
    }
    if (this.cooldownLeft > 0) return undefined;
    this.wait += 1;
    if (this.wait >= this.patience && lr > this.minLr) {
      this.wait = 0;
      this.cooldownLeft = this.cooldown;
      return Math.max(lr * this.factor, this.minLr);
    }
    return undefined;
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
