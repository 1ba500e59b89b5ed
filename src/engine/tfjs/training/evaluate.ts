/**
 * Loss and metrics of a model on data: the functions the fit loop and Keras' `model.evaluate` share, and the
 * batch-by-batch mean over a whole source, read from the device once at the end.
 */
import { batches, type DataSource } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import { adaptData, type DataAdapter } from './adapter';
import { lossFn, lossId, metricFn, metricId, type LossOptions } from './losses';

/** The loss and metric functions of a job, and the names of their values ('loss' first, as Keras' logs). */
export interface Objective {
  lossF: (yTrue: Tensor, yPred: Tensor) => Tensor;
  metricFs: ((yTrue: Tensor, yPred: Tensor) => Tensor)[];
  names: string[];
  /** [mean loss, mean metric...] of the model on one batch. */
  computeVector(xs: Tensor, ys: Tensor, training: boolean): Tensor;
}

export function objectiveOf(tf: Tf, model: LayersModel, opts: { loss: string; lossOptions?: LossOptions; metrics: string[] }): Objective {
  const loss = lossId(opts.loss);
  const units = (model.outputs[0].shape[model.outputs[0].shape.length - 1] as number | null) ?? 1;
  const lossF = lossFn(tf, loss, opts.lossOptions);
  const metricFs = opts.metrics.map((m) => metricFn(tf, metricId(m, loss, units), Boolean(opts.lossOptions?.from_logits)));
  const computeVector = (xs: Tensor, ys: Tensor, training: boolean): Tensor => {
    const pred = model.apply(xs, { training }) as Tensor;
    return tf.stack([tf.mean(lossF(ys, pred)), ...metricFs.map((f) => tf.mean(f(ys, pred)))]);
  };
  return { lossF, metricFs, names: ['loss', ...opts.metrics], computeVector };
}

export const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Mean loss and metrics over a whole source, batch by batch, read once at the end. */
export async function evaluateSource(
  tf: Tf,
  source: DataSource,
  adapter: DataAdapter,
  batchSize: number,
  objective: Objective,
  prefix: string,
): Promise<Record<string, number>> {
  const { names, computeVector } = objective;
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
  opts: { loss: string; lossOptions?: LossOptions; metrics: string[]; batchSize: number },
): Promise<Record<string, number>> {
  const adapter = adaptData(model, source, lossId(opts.loss));
  return evaluateSource(tf, source, adapter, opts.batchSize, objectiveOf(tf, model, opts), '');
}
