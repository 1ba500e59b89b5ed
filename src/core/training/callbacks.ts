/**
 * The callbacks a training config may list, Keras' way: `{class_name, config}` (what the form writes) or
 * `{name, ...args}`. The engine's fit loop implements them; the form edits the arguments below.
 */

/** Callbacks the engine's fit loop knows. */
export const CALLBACKS = ['EarlyStopping', 'ModelCheckpoint', 'ReduceLROnPlateau', 'StepDecay', 'ExponentialDecay', 'TerminateOnNaN', 'Histograms', 'TensorBoard'] as const;
export type CallbackName = (typeof CALLBACKS)[number];

/** Learning-rate schedules: at most one runs (the fit loop uses the first of each kind). */
export const LR_SCHEDULES = ['ReduceLROnPlateau', 'StepDecay', 'ExponentialDecay'] as const;
export type ScheduleName = (typeof LR_SCHEDULES)[number];

/**
 * Keras' defaults for the arguments the form edits (keras/src/callbacks/*.py; StepDecay is ours). The engine
 * uses the same values when an argument is not given.
 */
export const CALLBACK_DEFAULTS = {
  EarlyStopping: { monitor: 'val_loss', min_delta: 0, patience: 0, restore_best_weights: false },
  ModelCheckpoint: { monitor: 'val_loss' },
  ReduceLROnPlateau: { monitor: 'val_loss', factor: 0.1, patience: 10, min_delta: 0.0001, cooldown: 0, min_lr: 0 },
  StepDecay: { factor: 0.5, step_size: 10 },
  ExponentialDecay: { decay_steps: 1000, decay_rate: 0.96, staircase: false },
  Histograms: { freq: 1 },
} as const satisfies Record<string, Record<string, string | number | boolean>>;

/** `{class_name, config}` or `{name, ...args}`: the name and the arguments. */
export function callbackParts(c: Record<string, unknown>): { name: string; args: Record<string, unknown> } {
  const name = String(c.class_name ?? c.name ?? '');
  const args = typeof c.config === 'object' && c.config !== null && !Array.isArray(c.config) ? (c.config as Record<string, unknown>) : c;
  return { name, args };
}

/** What a monitor may name: the loss or a chosen metric, on the training or the validation data. */
export function monitorChoices(metrics: readonly string[]): string[] {
  const base = ['loss', ...metrics];
  return [...base.map((m) => `val_${m}`), ...base];
}
