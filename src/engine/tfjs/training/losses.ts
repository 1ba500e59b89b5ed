/**
 * Keras 3 losses as tfjs functions (keras/src/losses/losses.py, the JAX backend's nn ops): each `LossCall` is
 * Keras' `Loss.call`, one value per sample (per timestep for sequence outputs), and `reduceLoss` is Keras'
 * `reduce_weighted_values` with the default reduction 'sum_over_batch_size' (sample weights, masks).
 */
import { LOSSES, type LossOptions } from '../../../core/training';
import { UserError } from '../../../core/types';
import type { Tensor, Tf } from '../tf';

/** The loss names, declared once in core (training/config.ts `LOSSES`). */
export const LOSS_IDS = LOSSES;
export type LossId = (typeof LOSS_IDS)[number];

/** Keras' other names of a loss: its class (`MeanSquaredError`), snake-cased class, and the short aliases. */
const LOSS_ALIASES: Record<string, LossId> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  huber_loss: 'huber',
  logcosh: 'log_cosh',
  bce: 'binary_crossentropy',
  kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
};

const compact = (s: string) => s.toLowerCase().replace(/_/g, '');

/** Resolve a loss as Keras' `losses.get` does (snake case, class name or alias). */
export function lossId(name: string): LossId {
  const n = String(name);
  const id = (LOSS_IDS as readonly string[]).find((l) => compact(l) === compact(n)) ?? LOSS_ALIASES[n.toLowerCase()];
  if (!id) throw new UserError(`Unknown loss "${name}".`, `Use one of: ${LOSS_IDS.join(', ')}.`, 'unknown-loss');
  return id as LossId;
}

/** Keras loss arguments, by their Keras names (declared once in core). */
export type { LossOptions } from '../../../core/training';

/** Which arguments each loss takes (anything else is refused before training). */
export const LOSS_ARGUMENTS: Partial<Record<LossId, readonly (keyof LossOptions)[]>> = {
  binary_crossentropy: ['from_logits', 'label_smoothing'],
  categorical_crossentropy: ['from_logits', 'label_smoothing'],
  sparse_categorical_crossentropy: ['from_logits'],
  categorical_focal_crossentropy: ['from_logits', 'label_smoothing', 'alpha', 'gamma'],
  huber: ['delta'],
};

/** Keras' backend.epsilon(). */
export const EPS = 1e-7;

export type LossCall = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Keras' squeeze_or_expand_to_same_rank (keras/src/losses/loss.py). */
export function sameRank(tf: Tf, a: Tensor, b: Tensor, expandRank1 = true): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 && expandRank1 ? [a, tf.expandDims(b, -1)] : [tf.squeeze(a, [-1]), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 && expandRank1 ? [tf.expandDims(a, -1), b] : [a, tf.squeeze(b, [-1])];
  }
  return [a, b];
}

/** Keras' Loss.call of a loss with its arguments: values of shape y_pred.shape[:-1]. */
export function lossFn(tf: Tf, id: LossId, opts: LossOptions = {}): LossCall {
  const plain = elementwise(tf, id, opts);
  if (plain) {
    return (yt, yp) => {
      const [t, p] = sameRank(tf, tf.cast(yt, 'float32'), yp);
      return plain(t, p);
    };
  }
  return crossentropy(tf, id, opts);
}

/** The losses that compare y_true and y_pred of the same shape, reduced over the last axis. */
function elementwise(tf: Tf, id: LossId, opts: LossOptions): LossCall | undefined {
  const mean = (t: Tensor) => tf.mean(t, -1);
  switch (id) {
    case 'mean_squared_error':
      return (t, p) => mean(tf.square(tf.sub(p, t)));
    case 'mean_absolute_error':
      return (t, p) => mean(tf.abs(tf.sub(p, t)));
    case 'mean_absolute_percentage_error':
      return (t, p) => tf.mul(100, mean(tf.abs(tf.div(tf.sub(t, p), tf.maximum(tf.abs(t), EPS)))));
    case 'mean_squared_logarithmic_error':
      return (t, p) => mean(tf.square(tf.sub(tf.log(tf.add(tf.maximum(p, EPS), 1)), tf.log(tf.add(tf.maximum(t, EPS), 1)))));
    case 'huber': {
      const d = opts.delta ?? 1.0;
      // Keras: 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2; written with min so that tfjs can
      // differentiate it (it has no gradient through a comparison).
      return (t, p) => {
        const abs = tf.abs(tf.sub(p, t));
        const quad = tf.minimum(abs, d);
        return mean(tf.add(tf.mul(0.5, tf.square(quad)), tf.mul(d, tf.sub(abs, quad))));
      };
    }
    case 'log_cosh':
      return (t, p) => {
        const x = tf.sub(p, t);
        return mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)));
      };
    case 'kl_divergence':
      return (t, p) => {
        const ct = tf.clipByValue(t, EPS, 1);
        return tf.sum(tf.mul(ct, tf.log(tf.div(ct, tf.clipByValue(p, EPS, 1)))), -1);
      };
    case 'poisson':
      return (t, p) => mean(tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPS)))));
    case 'cosine_similarity':
      return (t, p) => tf.neg(tf.sum(tf.mul(l2Normalize(tf, t), l2Normalize(tf, p)), -1));
    case 'hinge':
      return (t, p) => mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(tf, t), p))));
    case 'squared_hinge':
      return (t, p) => mean(tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(tf, t), p)))));
    case 'categorical_hinge':
      return (t, p) => {
        const pos = tf.sum(tf.mul(t, p), -1);
        const neg = tf.max(tf.mul(tf.sub(1, t), p), -1);
        return tf.relu(tf.add(tf.sub(neg, pos), 1));
      };
    default:
      return undefined;
  }
}

/** Keras' ops.normalize(x, order=2): x * min(rsqrt(sum(x^2)), 1/epsilon). */
function l2Normalize(tf: Tf, x: Tensor): Tensor {
  return tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), -1, true)), 1 / EPS));
}

/** Keras' convert_binary_labels_to_hinge: labels that are all 0/1 become -1/1. */
function hingeLabels(tf: Tf, t: Tensor): Tensor {
  const binary = tf.all(tf.logicalOr(tf.equal(t, 0), tf.equal(t, 1)));
  return tf.where(tf.broadcastTo(binary, t.shape), tf.sub(tf.mul(2, t), 1), t);
}

function crossentropy(tf: Tf, id: LossId, opts: LossOptions): LossCall {
  const fromLogits = Boolean(opts.from_logits);
  const ls = opts.label_smoothing ?? 0;
  switch (id) {
    case 'binary_crossentropy':
      return (yt, yp) => {
        let [t, p] = sameRank(tf, tf.cast(yt, 'float32'), yp);
        if (ls) t = tf.add(tf.mul(t, 1 - ls), 0.5 * ls);
        if (fromLogits) return tf.mean(tf.neg(tf.add(tf.mul(t, tf.logSigmoid(p)), tf.mul(tf.sub(1, t), tf.logSigmoid(tf.neg(p))))), -1);
        p = tf.clipByValue(p, EPS, 1 - EPS);
        return tf.mean(tf.neg(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))))), -1);
      };
    case 'categorical_crossentropy':
      return (yt, yp) => categorical(tf, smooth(tf, tf.cast(yt, 'float32'), ls), yp, fromLogits);
    case 'sparse_categorical_crossentropy':
      return (yt, yp) => categorical(tf, oneHotOf(tf, yt, yp), yp, fromLogits);
    case 'categorical_focal_crossentropy': {
      const alpha = opts.alpha ?? 0.25;
      const gamma = opts.gamma ?? 2.0;
      return (yt, yp) => {
        const t = smooth(tf, tf.cast(yt, 'float32'), ls);
        const p = fromLogits ? tf.softmax(yp, -1) : yp;
        const out = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), EPS, 1 - EPS);
        const cce = tf.mul(tf.neg(t), tf.log(out));
        return tf.sum(tf.mul(tf.mul(tf.pow(tf.sub(1, out), gamma), alpha), cce), -1);
      };
    }
    default:
      throw new Error(`no loss ${id}`);
  }
}

function smooth(tf: Tf, t: Tensor, ls: number): Tensor {
  if (!ls) return t;
  const classes = t.shape[t.rank - 1] as number;
  return tf.add(tf.mul(t, 1 - ls), ls / classes);
}

/** Sparse labels (shape y_pred.shape[:-1], or with a trailing 1) as one-hot rows of y_pred's shape. */
export function oneHotOf(tf: Tf, yt: Tensor, yp: Tensor): Tensor {
  const classes = yp.shape[yp.rank - 1] as number;
  const flat = tf.cast(tf.reshape(yt, [-1]), 'int32') as import('@tensorflow/tfjs').Tensor1D;
  // Cast, not oneHot's dtype argument: tfjs-backend-wasm's OneHot ignores it and fills int32 bits into a
  // float32 tensor (1 reads as 1.4e-45), which made every sparse loss on wasm zero.
  return tf.reshape(tf.cast(tf.oneHot(flat, classes), 'float32'), yp.shape);
}

/** The backend's categorical_crossentropy: log-softmax of logits, or renormalised and clipped probabilities. */
function categorical(tf: Tf, t: Tensor, p: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(p, -1)), -1));
  const norm = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), EPS, 1 - EPS);
  return tf.neg(tf.sum(tf.mul(t, tf.log(norm)), -1));
}

/**
 * Keras' reduce_weighted_values with reduction 'sum_over_batch_size': a mask (of the loss values' shape)
 * becomes weights total/valid on valid entries; sample weights multiply; the sum is divided by the number of
 * values. Returns a scalar.
 */
export function reduceLoss(tf: Tf, values: Tensor, sampleWeight?: Tensor | null, mask?: Tensor | null): Tensor {
  let w: Tensor | undefined = sampleWeight ? tf.cast(sampleWeight, 'float32') : undefined;
  let v = values;
  if (mask) {
    const m = tf.cast(mask, 'float32');
    const total = m.size;
    const valid = tf.sum(m);
    const maskWeight = tf.where(tf.equal(valid, 0), tf.zerosLike(valid), tf.div(total, valid));
    let floatMask = tf.mul(m, maskWeight);
    if (w) {
      [floatMask, w] = sameRank(tf, floatMask, w);
      w = tf.mul(w, floatMask);
    } else w = floatMask;
  }
  if (w) {
    [v, w] = sameRank(tf, v, w);
    v = tf.mul(v, w);
  }
  if (v.rank === 0) return v;
  return tf.div(tf.sum(v), v.size);
}
