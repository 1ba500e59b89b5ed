/**
 * Losses and metrics on fixed y_true / y_pred (seeded), each with its Keras 3 identifier and ours: plain,
 * with from_logits and label_smoothing, with sample weights, with a mask on the prediction (sequence outputs,
 * as Embedding(mask_zero=True) gives), and metrics over two batches. test/keras/losses.test.ts runs them.
 */
import { rng } from '../../src/core/initializers';
import type { JsonObject } from '../../src/core/types';
import type { LossOptions } from '../../src/engine/tfjs/training/losses';
import type { MetricOptions } from '../../src/engine/tfjs/training/metrics';

type Nested = number | Nested[];

export interface CaseBatch {
  y_true: Nested;
  y_pred: Nested;
  int_labels?: boolean;
  sample_weight?: Nested;
  mask?: Nested;
}

export interface FunctionCase {
  id: string;
  kind: 'loss' | 'metric';
  /** What Keras is given. */
  identifier: string | JsonObject;
  accuracy?: boolean;
  /** Ours: the loss / metric name and its arguments. */
  name: string;
  options?: LossOptions & MetricOptions;
  batches: CaseBatch[];
}

const random = rng(20261130);
const u = (lo = 0, hi = 1) => lo + (hi - lo) * random();

function grid(shape: number[], f: () => number): Nested {
  if (shape.length === 0) return f();
  return Array.from({ length: shape[0] }, () => grid(shape.slice(1), f));
}

/** Rows that sum to 1 along the last axis. */
function probs(shape: number[]): Nested {
  if (shape.length === 1) {
    const v = Array.from({ length: shape[0] }, () => u(0.05, 1));
    const s = v.reduce((a, b) => a + b, 0);
    return v.map((x) => x / s);
  }
  return Array.from({ length: shape[0] }, () => probs(shape.slice(1)));
}

function oneHot(shape: number[]): Nested {
  if (shape.length === 1) {
    const k = Math.floor(u(0, shape[0]));
    return Array.from({ length: shape[0] }, (_, i) => (i === k ? 1 : 0));
  }
  return Array.from({ length: shape[0] }, () => oneHot(shape.slice(1)));
}

const ints = (shape: number[], n: number) => grid(shape, () => Math.floor(u(0, n)));
const bits = (shape: number[]) => grid(shape, () => (u() < 0.5 ? 0 : 1));
const weights = (shape: number[]) => grid(shape, () => Number(u(0, 2).toFixed(3)));
/** A mask with some timesteps off (the trailing ones, as padding), never a whole row. */
const seqMask = (b: number, t: number) => Array.from({ length: b }, (_, i) => Array.from({ length: t }, (_, j) => (j < t - (i % 2) - 1 || j === 0 ? 1 : 0)));

const CLASS: Record<string, string> = {
  mean_squared_error: 'MeanSquaredError',
  mean_absolute_error: 'MeanAbsoluteError',
  mean_absolute_percentage_error: 'MeanAbsolutePercentageError',
  mean_squared_logarithmic_error: 'MeanSquaredLogarithmicError',
  huber: 'Huber',
  log_cosh: 'LogCosh',
  binary_crossentropy: 'BinaryCrossentropy',
  categorical_crossentropy: 'CategoricalCrossentropy',
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
  categorical_focal_crossentropy: 'CategoricalFocalCrossentropy',
  kl_divergence: 'KLDivergence',
  poisson: 'Poisson',
  cosine_similarity: 'CosineSimilarity',
  hinge: 'Hinge',
  squared_hinge: 'SquaredHinge',
  categorical_hinge: 'CategoricalHinge',
};

/** y_true / y_pred makers per loss, for an output of shape `shape` (batch first, classes last). */
function dataFor(loss: string, shape: number[], logits: boolean): { y_true: Nested; y_pred: Nested; int_labels?: boolean } {
  const last = shape[shape.length - 1];
  const pred = logits ? grid(shape, () => u(-3, 3)) : probs(shape);
  switch (loss) {
    case 'binary_crossentropy':
      return { y_true: bits(shape), y_pred: logits ? pred : grid(shape, () => u(0.02, 0.98)) };
    case 'categorical_crossentropy':
    case 'categorical_focal_crossentropy':
    case 'categorical_hinge':
      return { y_true: oneHot(shape), y_pred: pred };
    case 'sparse_categorical_crossentropy':
      return { y_true: ints(shape.slice(0, -1), last), y_pred: pred, int_labels: true };
    case 'kl_divergence':
      return { y_true: probs(shape), y_pred: probs(shape) };
    case 'poisson':
    case 'mean_squared_logarithmic_error':
      return { y_true: grid(shape, () => u(0, 3)), y_pred: grid(shape, () => u(0.1, 3)) };
    case 'hinge':
    case 'squared_hinge':
      return { y_true: bits(shape), y_pred: grid(shape, () => u(-2, 2)) };
    default:
      return { y_true: grid(shape, () => u(-2, 2)), y_pred: grid(shape, () => u(-2, 2)) };
  }
}

const LOSS_VARIANTS: [string, LossOptions][] = [
  ['mean_squared_error', {}],
  ['mean_absolute_error', {}],
  ['mean_absolute_percentage_error', {}],
  ['mean_squared_logarithmic_error', {}],
  ['huber', {}],
  ['huber', { delta: 0.4 }],
  ['log_cosh', {}],
  ['binary_crossentropy', {}],
  ['binary_crossentropy', { from_logits: true }],
  ['binary_crossentropy', { label_smoothing: 0.1 }],
  ['binary_crossentropy', { from_logits: true, label_smoothing: 0.2 }],
  ['categorical_crossentropy', {}],
  ['categorical_crossentropy', { from_logits: true }],
  ['categorical_crossentropy', { label_smoothing: 0.1 }],
  ['categorical_crossentropy', { from_logits: true, label_smoothing: 0.3 }],
  ['sparse_categorical_crossentropy', {}],
  ['sparse_categorical_crossentropy', { from_logits: true }],
  ['categorical_focal_crossentropy', {}],
  ['categorical_focal_crossentropy', { from_logits: true, label_smoothing: 0.1, alpha: 0.5, gamma: 1.5 }],
  ['kl_divergence', {}],
  ['poisson', {}],
  ['cosine_similarity', {}],
  ['hinge', {}],
  ['squared_hinge', {}],
  ['categorical_hinge', {}],
];

function lossCases(): FunctionCase[] {
  const out: FunctionCase[] = [];
  for (const [loss, options] of LOSS_VARIANTS) {
    const identifier = { class_name: CLASS[loss], config: { ...options } } as JsonObject;
    const tag = `${loss}${Object.keys(options).length ? JSON.stringify(options) : ''}`;
    const logits = Boolean(options.from_logits);
    const flatShape = loss === 'binary_crossentropy' ? [5, 1] : [5, 3];
    out.push({ id: `loss ${tag}`, kind: 'loss', identifier, name: loss, options, batches: [dataFor(loss, flatShape, logits)] });
    out.push({ id: `loss ${tag} sample_weight`, kind: 'loss', identifier, name: loss, options, batches: [{ ...dataFor(loss, flatShape, logits), sample_weight: weights([5]) }] });
    const seq = [3, 4, loss === 'binary_crossentropy' ? 1 : 3];
    out.push({ id: `loss ${tag} mask`, kind: 'loss', identifier, name: loss, options, batches: [{ ...dataFor(loss, seq, logits), mask: seqMask(3, 4) }] });
    out.push({ id: `loss ${tag} mask+timestep weights`, kind: 'loss', identifier, name: loss, options, batches: [{ ...dataFor(loss, seq, logits), mask: seqMask(3, 4), sample_weight: weights([3, 4]) }] });
  }
  return out;
}

function metric(id: string, name: string, identifier: string | JsonObject, batches: CaseBatch[], options?: MetricOptions, accuracy = false): FunctionCase {
  return { id: `metric ${id}`, kind: 'metric', identifier, accuracy, name, options, batches };
}

function metricCases(): FunctionCase[] {
  const bin = (n: number, extra: Partial<CaseBatch> = {}): CaseBatch => ({ y_true: bits([n, 1]), y_pred: grid([n, 1], () => u(0, 1)), ...extra });
  const cat = (n: number, c: number, extra: Partial<CaseBatch> = {}): CaseBatch => ({ y_true: oneHot([n, c]), y_pred: probs([n, c]), ...extra });
  const sparse = (n: number, c: number, extra: Partial<CaseBatch> = {}): CaseBatch => ({ y_true: ints([n], c), y_pred: probs([n, c]), int_labels: true, ...extra });
  const reg = (shape: number[], extra: Partial<CaseBatch> = {}): CaseBatch => ({ y_true: grid(shape, () => u(-2, 2)), y_pred: grid(shape, () => u(-2, 2)), ...extra });
  const seqCat = (extra: Partial<CaseBatch> = {}): CaseBatch => ({ y_true: oneHot([3, 4, 3]), y_pred: probs([3, 4, 3]), mask: seqMask(3, 4), ...extra });
  const out: FunctionCase[] = [
    metric('accuracy -> sparse', 'accuracy', 'accuracy', [sparse(6, 4), sparse(5, 4)], undefined, true),
    metric('accuracy -> sparse [n,1] labels', 'accuracy', 'accuracy', [{ y_true: ints([6, 1], 3), y_pred: probs([6, 3]), int_labels: true }], undefined, true),
    metric('accuracy -> binary', 'accuracy', 'accuracy', [bin(7), bin(4)], undefined, true),
    metric('accuracy -> categorical', 'accuracy', 'accuracy', [cat(6, 4), cat(3, 4)], undefined, true),
    metric('accuracy -> categorical, masked sequence', 'accuracy', 'accuracy', [seqCat()], undefined, true),
    metric('binary_accuracy threshold 0.3', 'binary_accuracy', { class_name: 'BinaryAccuracy', config: { threshold: 0.3 } }, [bin(8), bin(5)], { threshold: 0.3 }),
    metric('binary_accuracy sample_weight', 'binary_accuracy', 'binary_accuracy', [bin(8, { sample_weight: weights([8]) })]),
    metric('categorical_accuracy sample_weight', 'categorical_accuracy', 'categorical_accuracy', [cat(6, 3, { sample_weight: weights([6]) }), cat(4, 3, { sample_weight: weights([4]) })]),
    metric('sparse_categorical_accuracy masked sequence', 'sparse_categorical_accuracy', 'sparse_categorical_accuracy', [{ y_true: ints([3, 4], 3), y_pred: probs([3, 4, 3]), int_labels: true, mask: seqMask(3, 4) }]),
    metric('top_k_categorical_accuracy', 'top_k_categorical_accuracy', 'top_k_categorical_accuracy', [cat(7, 8), cat(5, 8)]),
    metric('top_k_categorical_accuracy k=2 sample_weight', 'top_k_categorical_accuracy', { class_name: 'TopKCategoricalAccuracy', config: { k: 2 } }, [cat(7, 5, { sample_weight: weights([7]) })], { k: 2 }),
    metric('sparse_top_k_categorical_accuracy k=2', 'sparse_top_k_categorical_accuracy', { class_name: 'SparseTopKCategoricalAccuracy', config: { k: 2 } }, [sparse(7, 5), sparse(6, 5)], { k: 2 }),
    metric('sparse_top_k_categorical_accuracy [n,1] labels', 'sparse_top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', [{ y_true: ints([6, 1], 8), y_pred: probs([6, 8]), int_labels: true }]),
    metric('auc', 'auc', 'auc', [bin(20), bin(15)]),
    metric('auc sample_weight', 'auc', 'auc', [bin(20, { sample_weight: weights([20]) })]),
    metric('auc num_thresholds=50 multi-column', 'auc', { class_name: 'AUC', config: { num_thresholds: 50 } }, [{ y_true: bits([10, 3]), y_pred: grid([10, 3], () => u()) }], { num_thresholds: 50 }),
    metric('precision', 'precision', 'precision', [bin(12), bin(9)]),
    metric('precision sample_weight', 'precision', 'precision', [bin(12, { sample_weight: weights([12]) })]),
    metric('precision thresholds=0.7 masked sequence', 'precision', { class_name: 'Precision', config: { thresholds: 0.7 } }, [{ y_true: bits([3, 4, 1]), y_pred: grid([3, 4, 1], () => u()), mask: seqMask(3, 4) }], { thresholds: 0.7 }),
    metric('recall', 'recall', 'recall', [bin(12), bin(9)]),
    metric('recall sample_weight multi-column', 'recall', 'recall', [{ y_true: bits([6, 3]), y_pred: grid([6, 3], () => u()), sample_weight: weights([6]) }]),
    metric('root_mean_squared_error', 'root_mean_squared_error', 'root_mean_squared_error', [reg([6, 3]), reg([4, 3])]),
    metric('root_mean_squared_error sample_weight', 'root_mean_squared_error', 'root_mean_squared_error', [reg([6, 3], { sample_weight: weights([6]) })]),
    metric('root_mean_squared_error masked sequence', 'root_mean_squared_error', 'root_mean_squared_error', [reg([3, 4, 2], { mask: seqMask(3, 4) })]),
    metric('mae', 'mae', 'mae', [reg([6, 3]), reg([2, 3])]),
    metric('mae sample_weight', 'mae', 'mae', [reg([6, 3], { sample_weight: weights([6]) })]),
    metric('mae masked sequence', 'mae', 'mae', [reg([3, 4, 2], { mask: seqMask(3, 4) })]),
    metric('mse masked sequence + sample_weight', 'mse', 'mse', [reg([3, 4, 2], { mask: seqMask(3, 4), sample_weight: weights([3, 4]) })]),
    metric('mse', 'mse', 'mse', [reg([5, 2]), reg([3, 2])]),
  ];
  return out;
}

export const FUNCTION_CASES: FunctionCase[] = [...lossCases(), ...metricCases()];
