/**
 * Models with several inputs and outputs: each output's loss, loss weight and metrics as Keras 3 compiles them
 * (`compile(loss={name: ...}, loss_weights={name: w}, metrics={name: [...]})`), the history keys Keras logs for
 * them, and which data array feeds each input / is each output's target. One home for these meanings: the
 * tfjs objective, the keras engine's job and the checks all read them from here.
 */
import { isObj } from '../guards';
import type { LossOptions, OutputTraining, TrainingConfig } from './config';
import { outputMetricKeys } from './metricNames';

/** One output's part of the compiled loss and metrics. */
export interface OutputHead {
  /** The output layer's name (Keras' output name). */
  name: string;
  loss: string;
  lossOptions?: LossOptions;
  metrics: string[];
  /** Keras' loss_weights[name]: 1 when not given. */
  weight: number;
}

type HeadSource = Pick<TrainingConfig, 'loss' | 'lossOptions' | 'metrics' | 'outputs'>;

/** Each output's loss, options, metrics and weight: its `outputs` entry, or the top-level ones with weight 1. */
export function outputHeads(t: HeadSource, outputNames: readonly string[]): OutputHead[] {
  return outputNames.map((name) => {
    const o: OutputTraining | undefined = t.outputs?.[name];
    if (!o) return { name, loss: t.loss, ...(t.lossOptions ? { lossOptions: t.lossOptions } : {}), metrics: [...t.metrics], weight: 1 };
    return { name, loss: o.loss, ...(o.lossOptions ? { lossOptions: o.lossOptions } : {}), metrics: [...o.metrics], weight: o.lossWeight ?? 1 };
  });
}

/**
 * The epoch-log keys Keras 3 writes for these outputs (keras/src/trainers/compile_utils.py: CompileLoss adds a
 * `<output>_loss` Mean per loss when there is more than one; CompileMetrics prefixes each metric with its
 * output's name when the model has several outputs): `loss`, then per output `<o>_loss` and `<o>_<metric>`.
 * Validation keys are these with `val_` in front.
 */
export function historyKeys(heads: readonly OutputHead[]): string[] {
  if (heads.length === 1) return ['loss', ...heads[0].metrics];
  return ['loss', ...heads.flatMap((h) => [`${h.name}_loss`, ...h.metrics.map((m) => `${h.name}_${m}`)])];
}

/**
 * The per-output log keys a callback may monitor (besides `loss` and the top-level metrics), from the outputs
 * the config names: `<o>_loss`, `<o>_<metric>` (monitorChoices adds the `val_` forms).
 */
export function outputMonitorKeys(t: { outputs?: unknown }): string[] {
  if (!isObj(t.outputs)) return [];
  return outputMetricKeys(Object.fromEntries(Object.entries(t.outputs).filter(([, o]) => isObj(o) && Array.isArray(o.metrics))) as Record<string, OutputTraining>);
}

/** The data array for a model input or output layer: the data map's entry, or the layer's own name. */
export function arrayFor(t: Pick<TrainingConfig, 'dataMap'>, layer: string): string {
  return t.dataMap?.[layer] ?? layer;
}
