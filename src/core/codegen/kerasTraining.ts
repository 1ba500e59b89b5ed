/**
 * The training configuration as Keras code: `compile(...)` with the optimizer's non-default arguments, the loss
 * and metrics; the callbacks; `fit(...)` with batch size, epochs, validation split and shuffle.
 */
import { callbackParts } from '../training/callbacks';
import { OPTIMIZER_CLASS_NAMES, OPTIMIZER_DEFAULTS, type TrainingConfig } from '../training/config';
import type { Json } from '../types';
import { pyStr, pyValue } from './python';


/** The arguments each Keras callback takes that a training config may carry (keras/src/callbacks/*.py). */
const CALLBACK_ARGS: Record<string, readonly string[]> = {
  EarlyStopping: ['monitor', 'min_delta', 'patience', 'verbose', 'mode', 'baseline', 'restore_best_weights', 'start_from_epoch'],
  ModelCheckpoint: ['monitor', 'verbose', 'save_best_only', 'save_weights_only', 'mode', 'save_freq', 'initial_value_threshold'],
  ReduceLROnPlateau: ['monitor', 'factor', 'patience', 'verbose', 'mode', 'min_delta', 'cooldown', 'min_lr'],
  TensorBoard: ['log_dir', 'histogram_freq', 'write_graph', 'write_images', 'update_freq', 'profile_batch'],
  TerminateOnNaN: [],
};

const kwargs = (args: Record<string, unknown>, allowed: readonly string[]) =>
  allowed.filter((k) => args[k] !== undefined && args[k] !== null).map((k) => `${k}=${pyValue(args[k] as Json, typeof args[k] === 'number' && !Number.isInteger(args[k]))}`);

const num = (args: Record<string, unknown>, k: string, d: number) => (typeof args[k] === 'number' ? (args[k] as number) : d);

/** The learning rate: a number, or Keras' ExponentialDecay schedule when the config lists one. */
function learningRate(t: TrainingConfig): string {
  const lr = Number(t.optimizer.params.learning_rate ?? OPTIMIZER_DEFAULTS[t.optimizer.name].learning_rate);
  const expo = (t.callbacks ?? []).map((c) => callbackParts(c)).find((c) => c.name === 'ExponentialDecay');
  if (!expo) return pyValue(lr, true);
  const a = expo.args;
  return `keras.optimizers.schedules.ExponentialDecay(${pyValue(lr, true)}, decay_steps=${num(a, 'decay_steps', 1000)}, decay_rate=${pyValue(num(a, 'decay_rate', 0.96), true)}, staircase=${a.staircase === true ? 'True' : 'False'})`;
}

export function optimizerExpr(t: TrainingConfig): string {
  const defaults = OPTIMIZER_DEFAULTS[t.optimizer.name];
  const args: string[] = [];
  const lr = learningRate(t);
  if (lr !== pyValue(Number(defaults.learning_rate), true)) args.push(`learning_rate=${lr}`);
  for (const [k, v] of Object.entries(t.optimizer.params)) {
    if (k === 'learning_rate' || !(k in defaults) || defaults[k] === v) continue;
    args.push(`${k}=${pyValue(v, typeof v === 'number')}`);
  }
  return `keras.optimizers.${OPTIMIZER_CLASS_NAMES[t.optimizer.name]}(${args.join(', ')})`;
}

export function lossExpr(t: TrainingConfig): string {
  const o = t.lossOptions ?? {};
  if (o.from_logits === undefined && o.delta === undefined) return pyStr(t.loss);
  const cls = t.loss.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  const args = [...(o.from_logits !== undefined ? [`from_logits=${o.from_logits ? 'True' : 'False'}`] : []), ...(o.delta !== undefined ? [`delta=${pyValue(o.delta, true)}`] : [])];
  return `keras.losses.${cls}(${args.join(', ')})`;
}

/** The body of `compile_model(model)`. */
export function compileLines(t: TrainingConfig): string[] {
  return ['model.compile(', `    optimizer=${optimizerExpr(t)},`, `    loss=${lossExpr(t)},`, `    metrics=[${t.metrics.map(pyStr).join(', ')}],`, ')'];
}

/** One line per callback; StepDecay (ours) becomes a LearningRateScheduler, ExponentialDecay lives in the optimizer. */
export function callbackLines(t: TrainingConfig): string[] {
  const lr = Number(t.optimizer.params.learning_rate ?? OPTIMIZER_DEFAULTS[t.optimizer.name].learning_rate);
  const out: string[] = [];
  for (const c of t.callbacks ?? []) {
    const { name, args } = callbackParts(c);
    if (name === 'ExponentialDecay') continue;
    if (name === 'StepDecay') {
      const factor = num(args, 'factor', 0.5);
      const step = Math.max(1, num(args, 'step_size', num(args, 'epochs_drop', 10)));
      out.push(`keras.callbacks.LearningRateScheduler(lambda epoch: ${pyValue(lr, true)} * ${pyValue(factor, true)} ** (epoch // ${step})),`);
    } else if (name === 'Histograms') {
      out.push(`keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=${num(args, 'freq', 1)}),`);
    } else if (name === 'ModelCheckpoint') {
      out.push(`keras.callbacks.ModelCheckpoint(${['"best.keras"', 'save_best_only=True', ...kwargs(args, CALLBACK_ARGS.ModelCheckpoint.filter((k) => k !== 'save_best_only'))].join(', ')}),`);
    } else if (name === 'TensorBoard') {
      out.push(`keras.callbacks.TensorBoard(${kwargs({ log_dir: 'logs', ...args }, CALLBACK_ARGS.TensorBoard).join(', ')}),`);
    } else if (CALLBACK_ARGS[name]) {
      out.push(`keras.callbacks.${name}(${kwargs(args, CALLBACK_ARGS[name]).join(', ')}),`);
    } else {
      out.push(`# ${name}: not a Keras callback; left out`);
    }
  }
  return out;
}

/** What a notebook changes in `train`: the epochs as a parameter's name, and its own callbacks (the live plot). */
export interface FitOptions {
  epochs?: string;
  callbacks?: string[];
}

/** The body of `train(model, data)`: `data` is (x, y) arrays, or a tf.data dataset of batches (image folders). */
export function fitLines(t: TrainingConfig, batched: boolean, opts: FitOptions = {}): string[] {
  const cbs = [...callbackLines(t), ...(opts.callbacks ?? [])];
  const args = [
    ...(batched ? ['data'] : ['x', 'y', `batch_size=${t.batchSize}`]),
    `epochs=${opts.epochs ?? t.epochs}`,
    ...(t.initialEpoch ? [`initial_epoch=${t.initialEpoch}`] : []),
    ...(!batched && t.validationSplit > 0 ? [`validation_split=${pyValue(t.validationSplit, true)}`] : []),
    ...(!batched && !t.shuffle ? ['shuffle=False'] : []),
    'callbacks=callbacks',
  ];
  return [
    ...(cbs.length ? ['callbacks = [', ...cbs.map((l) => `    ${l}`), ']'] : ['callbacks = []']),
    ...(batched ? [] : ['x, y = data']),
    `return model.fit(${args.join(', ')})`,
  ];
}
