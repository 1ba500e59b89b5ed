/**
 * Loss and metrics of a model on data, as Keras' `model.evaluate`: the batch-by-batch pass shared with the
 * fit loop's validation, its state kept on the device and read once at the end (./objective.ts).
 */
import { UserError } from '../../../core/types';
import { batches, type DataBatch, type DataSource } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import { adaptData, type DataAdapter } from './adapter';
import { Objective, type ObjectiveOptions, type Targets } from './objective';

export { Objective };

export function objectiveOf(tf: Tf, model: LayersModel, opts: ObjectiveOptions): Objective {
  return new Objective(tf, model, opts);
}

/** A model's outputs as a list (one tensor for a one-output model). */
export const asList = (t: Tensor | Tensor[]): Tensor[] => (Array.isArray(t) ? t : [t]);

export const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** A batch as tensors: inputs, targets and per-sample weights (the source's sample_weight, or from class_weight). */
export function batchTensors(tf: Tf, adapter: DataAdapter, objective: Objective, b: DataBatch): { xs: Tensor | Tensor[]; t: Targets } {
  if (b.w && objective.weightsClasses) {
    throw new UserError('class_weight and sample weights cannot be used together.', 'Keep one of them (Keras refuses both at the same time too).', 'bad-class-weight');
  }
  const { xs, ys } = adapter.toTensors(tf, b);
  return { xs, t: { ys, sampleWeight: b.w ? tf.tensor1d(b.w) : objective.classWeights(b.y, b.size) } };
}

/** Add a batch's state to a running sum (the first batch sets it); disposes the old sum and the batch state. */
export function accumulate(tf: Tf, sum: Tensor | undefined, batch: Tensor): Tensor {
  if (!sum) return batch;
  const next = tf.keep(tf.add(sum, batch));
  tf.dispose([sum, batch]);
  return next;
}

/** Loss and metrics over a whole source, batch by batch, read once at the end: sample weights in the loss, no class weights (as Keras' evaluate). */
export async function evaluateSource(
  tf: Tf,
  source: DataSource,
  adapter: DataAdapter,
  batchSize: number,
  objective: Objective,
  prefix: string,
): Promise<Record<string, number>> {
  const { model } = objective;
  let sum: Tensor | undefined;
  for await (const b of batches(source, batchSize)) {
    const state = tf.tidy(() => {
      const { xs, ys } = adapter.toTensors(tf, b);
      const t = { ys, sampleWeight: b.w ? tf.tensor1d(b.w) : undefined };
      const preds = asList(model.apply(xs, { training: false }) as Tensor | Tensor[]);
      const mask = objective.outputMask(xs);
      return objective.stateOf(objective.loss(t, preds, mask), t, preds, mask);
    });
    sum = accumulate(tf, sum, tf.keep(state));
    await yieldToEventLoop();
  }
  if (!sum) return objective.results([0, 0], prefix);
  const v = await sum.data();
  sum.dispose();
  return objective.results(v, prefix);
}

/** Keras' `model.evaluate`: loss and metrics on a dataset. */
export async function evaluate(
  tf: Tf,
  model: LayersModel,
  source: DataSource,
  opts: ObjectiveOptions & { batchSize: number },
): Promise<Record<string, number>> {
  const adapter = adaptData(model, source, opts);
  return evaluateSource(tf, source, adapter, opts.batchSize, objectiveOf(tf, model, { ...opts, classWeight: undefined }), '');
}
