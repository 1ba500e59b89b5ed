/**
 * Keras 3 metrics as state on the device (keras/src/metrics/): each metric adds a small vector to its state per
 * batch (`update`) and reads its value from the state summed over the epoch (`result`), as a Keras metric's
 * variables do. Mean metrics (accuracies, errors) are Keras' MeanMetricWrapper: they honour the mask of the
 * predictions and sample weights; Precision, Recall, AUC and RMSE ignore the mask, as Keras' do.
 */
import { UserError } from '../../../core/types';
import type { Tensor, Tf } from '../tf';
import { lossFn, lossId, oneHotOf, sameRank, type LossId } from './losses';

export const METRIC_IDS = [
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'top_k_categorical_accuracy',
  'sparse_top_k_categorical_accuracy',
  'mean_absolute_error',
  'mean_squared_error',
  'root_mean_squared_error',
  'auc',
  'precision',
  'recall',
] as const;
export type MetricId = (typeof METRIC_IDS)[number] | 'accuracy' | LossId;

/** Keras metric arguments (binary accuracy's threshold, top-k's k, AUC's num_thresholds, Precision/Recall thresholds). */
export interface MetricOptions {
  threshold?: number;
  thresholds?: number;
  k?: number;
  num_thresholds?: number;
}

const ALIASES: Record<string, MetricId> = {
  acc: 'accuracy',
  accuracy: 'accuracy',
  mae: 'mean_absolute_error',
  mse: 'mean_squared_error',
};

const compact = (s: string) => s.toLowerCase().replace(/_/g, '');

/** A metric name as Keras' `metrics.get` reads it (snake case, class name, alias); a loss name is its mean. */
export function metricId(name: string): MetricId {
  const n = String(name);
  const direct = ALIASES[n.toLowerCase()] ?? (METRIC_IDS as readonly string[]).find((m) => compact(m) === compact(n));
  if (direct) return direct as MetricId;
  try {
    return lossId(n);
  } catch {
    throw new UserError(`Unknown metric "${name}".`, `Use accuracy, a loss name, or one of: ${METRIC_IDS.join(', ')}.`, 'unknown-metric');
  }
}

/**
 * 'accuracy' as Keras 3's compile resolves it (keras/src/trainers/compile_utils.py
 * `is_binary_or_sparse_categorical`): from the shapes of y_true and y_pred, not from the loss.
 */
export function resolveAccuracy(yTrueShape: readonly number[], yPredShape: readonly number[]): MetricId {
  const tLast = yTrueShape[yTrueShape.length - 1];
  const pLast = yPredShape[yPredShape.length - 1];
  if (pLast === 1) return 'binary_accuracy';
  if (yTrueShape.length < yPredShape.length || (tLast === 1 && pLast > 1)) return 'sparse_categorical_accuracy';
  return 'categorical_accuracy';
}

/** One metric's state: `size` numbers summed over batches on the device, read by `result`. */
export interface Metric {
  name: string;
  size: number;
  update(yTrue: Tensor, yPred: Tensor, mask?: Tensor | null, sampleWeight?: Tensor | null): Tensor;
  result(state: ArrayLike<number>): number;
}

type Values = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** The metric `name` (resolved against the batch shapes when it is 'accuracy'), with Keras' defaults. */
export function makeMetric(tf: Tf, name: string, shapes: { yTrue: readonly number[]; yPred: readonly number[] }, opts: MetricOptions = {}): Metric {
  let id = metricId(name);
  if (id === 'accuracy') id = resolveAccuracy(shapes.yTrue, shapes.yPred);
  switch (id) {
    case 'auc':
      return aucMetric(tf, name, opts.num_thresholds ?? 200);
    case 'precision':
    case 'recall':
      return confusionMetric(tf, name, id, opts.thresholds ?? 0.5);
    case 'root_mean_squared_error':
      return meanMetric(tf, name, (t, p) => tf.square(tf.sub(p, tf.cast(t, 'float32'))), false, Math.sqrt);
    default:
      return meanMetric(tf, name, valuesOf(tf, id, opts), true);
  }
}

function valuesOf(tf: Tf, id: MetricId, opts: MetricOptions): Values {
  const f = (t: Tensor) => tf.cast(t, 'float32');
  switch (id) {
    case 'binary_accuracy': {
      const threshold = opts.threshold ?? 0.5;
      return (t, p) => f(tf.equal(f(t), f(tf.greater(p, threshold))));
    }
    case 'categorical_accuracy':
      return (t, p) => f(tf.equal(tf.argMax(t, -1), tf.argMax(p, -1)));
    case 'sparse_categorical_accuracy':
      return (t, p) => {
        const labels = t.rank === p.rank && t.shape[t.rank - 1] === 1 ? tf.squeeze(t, [-1]) : t;
        return f(tf.equal(f(labels), f(tf.argMax(p, -1))));
      };
    case 'top_k_categorical_accuracy':
      return (t, p) => inTopK(tf, t, p, opts.k ?? 5);
    case 'sparse_top_k_categorical_accuracy':
      return (t, p) => {
        const m = inTopK(tf, oneHotOf(tf, t, p), p, opts.k ?? 5);
        return t.rank > 1 ? tf.reshape(m, t.shape) : m;
      };
    default:
      return lossFn(tf, lossId(id));
  }
}

/** Keras' in_top_k on the JAX backend: the label's rank (1 + how many scores beat it) is at most k. */
function inTopK(tf: Tf, oneHot: Tensor, p: Tensor, k: number): Tensor {
  const atLabel = tf.sum(tf.mul(oneHot, p), -1, true);
  const rank = tf.add(1, tf.sum(tf.cast(tf.greater(p, atLabel), 'float32'), -1));
  return tf.cast(tf.lessEqual(rank, k), 'float32');
}

const meanOver = (tf: Tf, t: Tensor, from: number) => (t.rank > from ? tf.mean(t, Array.from({ length: t.rank - from }, (_, i) => i + from)) : t);

/**
 * Keras' Mean fed by MeanMetricWrapper: the mask (reduction 'sum') joins the sample weights, values and weights
 * are reduced to one per sample (reduce_to_samplewise_values); state [total, count].
 */
function meanMetric(tf: Tf, name: string, values: Values, useMask: boolean, finish: (x: number) => number = (x) => x): Metric {
  return {
    name,
    size: 2,
    update(yTrue, yPred, mask, sampleWeight) {
      let v = values(yTrue, yPred);
      let w: Tensor | undefined = sampleWeight ? tf.cast(sampleWeight, 'float32') : undefined;
      if (useMask && mask) {
        let m = tf.cast(mask, 'float32');
        if (w) {
          [m, w] = sameRank(tf, m, w);
          w = tf.mul(w, m);
        } else w = m;
      }
      let count: Tensor;
      if (w) {
        [v, w] = sameRank(tf, v, w);
        if (v.rank > w.rank) v = meanOver(tf, v, w.rank);
        w = tf.broadcastTo(w, v.shape);
        v = tf.mul(v, w);
        count = tf.sum(meanOver(tf, w, 1));
      } else count = tf.scalar(v.rank >= 1 ? (v.shape[0] as number) : 1);
      return tf.stack([tf.sum(meanOver(tf, v, 1)), count]);
    },
    result: (s) => finish(s[1] === 0 ? 0 : s[0] / s[1]),
  };
}

/** Per-row sample weights broadcast over y_true (metrics_utils.update_confusion_matrix_variables), flattened. */
function confusionInputs(tf: Tf, yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): { t: Tensor; p: Tensor; w: Tensor } {
  const [p, t] = sameRank(tf, yPred, tf.cast(yTrue, 'float32'));
  let w: Tensor = tf.onesLike(p);
  if (sampleWeight) {
    let sw = tf.expandDims(tf.cast(sampleWeight, 'float32'), -1);
    [, sw] = sameRank(tf, t, sw, false);
    w = tf.broadcastTo(sw, p.shape);
  }
  const flat = (x: Tensor) => tf.reshape(x, [-1]);
  return { t: flat(tf.cast(tf.notEqual(t, 0), 'float32')), p: flat(p), w: flat(w) };
}

/** Precision [tp, fp] and Recall [tp, fn] at one threshold (prediction > threshold is positive). */
function confusionMetric(tf: Tf, name: string, id: 'precision' | 'recall', threshold: number): Metric {
  return {
    name,
    size: 2,
    update(yTrue, yPred, _mask, sampleWeight) {
      const { t, p, w } = confusionInputs(tf, yTrue, yPred, sampleWeight);
      const pos = tf.cast(tf.greater(p, threshold), 'float32');
      const tp = tf.sum(tf.mul(tf.mul(t, pos), w));
      const other = id === 'precision' ? tf.sum(tf.mul(tf.mul(tf.sub(1, t), pos), w)) : tf.sum(tf.mul(tf.mul(t, tf.sub(1, pos)), w));
      return tf.stack([tp, other]);
    },
    result: (s) => (s[0] + s[1] === 0 ? 0 : s[0] / (s[0] + s[1])),
  };
}

/**
 * Keras' AUC (ROC, interpolation) with evenly spaced thresholds, by its bucket update
 * (_update_confusion_matrix_variables_optimized): state [tp(n), fp(n), positives, negatives].
 */
function aucMetric(tf: Tf, name: string, n: number): Metric {
  if (!(Number.isInteger(n) && n > 1)) throw new UserError(`AUC num_thresholds must be an integer > 1 (got ${n}).`, undefined, 'bad-metric-option');
  return {
    name,
    size: 2 * n + 2,
    update(yTrue, yPred, _mask, sampleWeight) {
      const { t, p, w } = confusionInputs(tf, yTrue, yPred, sampleWeight);
      const bucket = tf.relu(tf.sub(tf.ceil(tf.mul(tf.clipByValue(p, 0, 1), n - 1)), 1));
      const at = tf.cast(tf.greaterEqual(tf.expandDims(bucket, 1), tf.range(0, n, 1, 'float32').expandDims(0)), 'float32');
      const trueW = tf.mul(t, w);
      const falseW = tf.mul(tf.sub(1, t), w);
      const tp = tf.sum(tf.mul(at, tf.expandDims(trueW, 1)), 0);
      const fp = tf.sum(tf.mul(at, tf.expandDims(falseW, 1)), 0);
      return tf.concat([tp, fp, tf.stack([tf.sum(trueW), tf.sum(falseW)])]);
    },
    result(s) {
      const pos = s[2 * n];
      const neg = s[2 * n + 1];
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const tp = s[i];
        const fp = s[n + i];
        y.push(pos === 0 ? 0 : tp / pos);
        x.push(neg === 0 ? 0 : fp / neg);
      }
      let auc = 0;
      for (let i = 0; i < n - 1; i++) auc += (x[i] - x[i + 1]) * ((y[i] + y[i + 1]) / 2);
      return auc;
    },
  };
}

