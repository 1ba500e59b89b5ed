/**
 * Keras losses and metrics as tfjs functions, with Keras' semantics (keras/src/losses/losses.py,
 * keras/src/metrics/accuracy_metrics.py): probabilities are clipped to [eps, 1 - eps] with eps = 1e-7,
 * categorical outputs are renormalised, `from_logits` uses the numerically stable forms.
 * Every function returns one value per sample; callers average over the batch.
 */
import { UserError } from '../../../core/types';
import type { Tensor, Tf } from '../tf';

export type LossId =
  | 'mean_squared_error'
  | 'mean_absolute_error'
  | 'huber'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy';

const LOSS_ALIASES: Record<string, LossId> = {
  mean_squared_error: 'mean_squared_error',
  mse: 'mean_squared_error',
  meansquarederror: 'mean_squared_error',
  mean_absolute_error: 'mean_absolute_error',
  mae: 'mean_absolute_error',
  meanabsoluteerror: 'mean_absolute_error',
  huber: 'huber',
  huber_loss: 'huber',
  binary_crossentropy: 'binary_crossentropy',
  binarycrossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  categoricalcrossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  sparsecategoricalcrossentropy: 'sparse_categorical_crossentropy',
};

export function lossId(name: string): LossId {
  const id = LOSS_ALIASES[String(name).toLowerCase()];
  if (!id) {
    throw new UserError(
      `Unknown loss "${name}".`,
      'Use mean_squared_error, mean_absolute_error, huber, binary_crossentropy, categorical_crossentropy or sparse_categorical_crossentropy.',
      'unknown-loss',
    );
  }
  return id;
}

export interface LossOptions {
  from_logits?: boolean;
  /** Huber's delta (Keras default 1.0). */
  delta?: number;
}

const EPS = 1e-7;

/** Per-sample loss. Sparse labels come as int32 class indices of shape [batch] (or [batch, 1]). */
export function lossFn(tf: Tf, id: LossId, opts: LossOptions = {}): (yTrue: Tensor, yPred: Tensor) => Tensor {
  const fromLogits = Boolean(opts.from_logits);
  const lastAxisMean = (t: Tensor) => (t.rank > 1 ? tf.mean(t, -1) : t);
  switch (id) {
    case 'mean_squared_error':
      return (y, p) => lastAxisMean(tf.squaredDifference(p, y));
    case 'mean_absolute_error':
      return (y, p) => lastAxisMean(tf.abs(tf.sub(p, y)));
    case 'huber': {
      const d = opts.delta ?? 1.0;
      return (y, p) => {
        const err = tf.abs(tf.sub(p, y));
        const quad = tf.minimum(err, d);
        const lin = tf.sub(err, quad);
        return lastAxisMean(tf.add(tf.mul(0.5, tf.square(quad)), tf.mul(d, lin)));
      };
    }
    case 'binary_crossentropy':
      return (y, p) => {
        if (fromLogits) {
          // max(x, 0) - x*z + log(1 + exp(-|x|))
          return lastAxisMean(tf.add(tf.sub(tf.relu(p), tf.mul(p, y)), tf.log1p(tf.exp(tf.neg(tf.abs(p))))));
        }
        const q = tf.clipByValue(p, EPS, 1 - EPS);
        return lastAxisMean(tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))));
      };
    case 'categorical_crossentropy':
      return (y, p) => categorical(tf, y, p, fromLogits);
    case 'sparse_categorical_crossentropy':
      return (y, p) => {
        const classes = p.shape[p.shape.length - 1] as number;
        const labels = tf.cast(y.rank > 1 ? tf.reshape(y, [-1]) : y, 'int32');
        const oneHot = tf.oneHot(labels as import('@tensorflow/tfjs').Tensor1D, classes);
        return categorical(tf, oneHot, p.rank > 2 ? tf.reshape(p, [-1, classes]) : p, fromLogits);
      };
  }
}

function categorical(tf: Tf, y: Tensor, p: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(p)), -1));
  const norm = tf.div(p, tf.sum(p, -1, true));
  return tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(norm, EPS, 1 - EPS))), -1));
}

export type MetricId = 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy' | 'mae' | 'mse';

/**
 * Resolve a metric name as Keras' compile does: 'accuracy'/'acc' becomes binary, categorical or sparse
 * categorical accuracy by the loss and the output shape (keras/src/trainers/compile_utils.py `get_metric`).
 */
export function metricId(name: string, loss: LossId, outputUnits: number): MetricId {
  const n = String(name).toLowerCase();
  if (n === 'accuracy' || n === 'acc') {
    if (loss === 'sparse_categorical_crossentropy') return 'sparse_categorical_accuracy';
    if (loss === 'binary_crossentropy' || outputUnits === 1) return 'binary_accuracy';
    return 'categorical_accuracy';
  }
  if (n === 'binary_accuracy' || n === 'categorical_accuracy' || n === 'sparse_categorical_accuracy') return n;
  if (n === 'mae' || n === 'mean_absolute_error') return 'mae';
  if (n === 'mse' || n === 'mean_squared_error') return 'mse';
  throw new UserError(`Unknown metric "${name}".`, 'Use accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mae or mse.', 'unknown-metric');
}

/** Per-sample metric values. */
export function metricFn(tf: Tf, id: MetricId, fromLogits = false): (yTrue: Tensor, yPred: Tensor) => Tensor {
  const lastAxisMean = (t: Tensor) => (t.rank > 1 ? tf.mean(t, -1) : t);
  switch (id) {
    case 'binary_accuracy':
      return (y, p) => lastAxisMean(tf.cast(tf.equal(tf.cast(tf.greater(p, fromLogits ? 0 : 0.5), 'float32'), y), 'float32'));
    case 'categorical_accuracy':
      return (y, p) => tf.cast(tf.equal(tf.argMax(y, -1), tf.argMax(p, -1)), 'float32');
    case 'sparse_categorical_accuracy':
      return (y, p) => {
        const labels = tf.cast(y.rank > 1 ? tf.reshape(y, [-1]) : y, 'int32');
        const classes = p.shape[p.shape.length - 1] as number;
        const flat = p.rank > 2 ? tf.reshape(p, [-1, classes]) : p;
        return tf.cast(tf.equal(tf.cast(tf.argMax(flat, -1), 'int32'), labels), 'float32');
      };
    case 'mae':
      return (y, p) => lastAxisMean(tf.abs(tf.sub(p, y)));
    case 'mse':
      return (y, p) => lastAxisMean(tf.squaredDifference(p, y));
  }
}
