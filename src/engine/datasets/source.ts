/**
 * What every dataset is: a random-access set of samples with fixed element shapes, read in batches. Datasets
 * speak plain typed arrays (no tfjs) so they are engine-independent and the training loop can prepare the next
 * batch while the engine computes the current one. File-backed sources read only the rows a batch needs.
 */
import { UserError } from '../../core/types';

export type Labels =
  /** One integer class index per sample (stored as int32); the loss decides sparse vs one-hot. */
  | { kind: 'class'; numClasses: number; classNames?: string[] }
  /** Dense float targets of a fixed shape (regression, one-hot already, autoencoder targets). */
  | { kind: 'values'; shape: number[] };

export interface DataBatch {
  /** Packed inputs, `size × prod(xShape)`. */
  x: Float32Array | Int32Array;
  /** Packed targets: `size` class indices, or `size × prod(shape)` values. */
  y: Float32Array | Int32Array;
  size: number;
  /** Keras' `sample_weight`: one weight per sample, when the source has them. */
  w?: Float32Array;
}

/** One model input's or output's array in a source for several inputs and outputs (./multiArray.ts). */
export interface IOPart {
  /** The model layer it feeds (input) or is the target of (output). */
  layer: string;
  /** The data array's name (an npz key). */
  array: string;
  /** One sample's shape. */
  shape: number[];
  /** Integer data (token ids, class indices). */
  int: boolean;
  /** Targets: class indices or values, as labelsFor reads a single target array. */
  labels?: Labels;
}

/**
 * How a packed row splits into each layer's array: a row of `x` is every input's sample, one after the other in
 * this order, a row of `y` every output's target. Packed so that splitting, shuffling and batching treat all
 * arrays as one and the rows stay together.
 */
export interface ArrayIO {
  inputs: IOPart[];
  outputs: IOPart[];
}

export interface DataSource {
  /** Several inputs or outputs: which part of each packed row is which layer's array. */
  io?: ArrayIO;
  /** For messages and the UI, e.g. "mnist (train)". */
  description: string;
  /** One sample's input shape, without the batch dimension. */
  xShape: number[];
  xDType: 'float32' | 'int32';
  labels: Labels;
  size: number;
  /** The samples at these indices, packed in this order. */
  read(indices: readonly number[]): Promise<DataBatch>;
  /** Release open files (file-backed sources). */
  close?(): Promise<void>;
  /** Every target, packed as `read` packs them (for labels.ts' checks); absent where reading them all is costly. */
  readLabels?(): Promise<Float32Array | Int32Array>;
}

export interface DataSplits {
  train: DataSource;
  /** A separate validation set (when the dataset has one); otherwise the fit's validation split is used. */
  validation?: DataSource;
  test?: DataSource;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function labelWidth(labels: Labels): number {
  return labels.kind === 'class' ? 1 : elementCount(labels.shape);
}

/** A source backed by arrays in memory (built-ins, CSV, MNIST, NPZ). */
export function arraySource(
  description: string,
  x: Float32Array | Int32Array,
  xShape: number[],
  y: Float32Array | Int32Array,
  labels: Labels,
  sampleWeight?: Float32Array,
): DataSource {
  const xw = elementCount(xShape);
  const yw = labelWidth(labels);
  const size = xw === 0 ? 0 : x.length / xw;
  if (!Number.isInteger(size) || y.length !== size * yw) {
    throw new UserError(
      `${description}: ${size} inputs but ${y.length / yw} targets.`,
      'Inputs and targets must have the same number of samples.',
      'dataset-mismatch',
    );
  }
  if (sampleWeight) checkSampleWeights(sampleWeight, size, description);
  const xDType = x instanceof Int32Array ? 'int32' : 'float32';
  return {
    description,
    xShape,
    xDType,
    labels,
    size,
    async read(indices) {
      const b = gather(x, xw, y, yw, indices);
      return sampleWeight ? { ...b, w: Float32Array.from(indices, (i) => sampleWeight[i]) } : b;
    },
    async readLabels() {
      return y;
    },
  };
}

/**
 * Keras' sample_weight as a dataset gives it: one finite, non-negative number per sample (Keras multiplies each
 * sample's loss by it; a negative weight would reward errors and NaN poisons the whole batch).
 */
export function checkSampleWeights(w: ArrayLike<number>, size: number, description: string): Float32Array {
  if (w.length !== size) {
    throw new UserError(`${description}: ${size} samples but ${w.length} sample weights.`, 'Give one weight per sample, in the order of the samples.', 'bad-sample-weight');
  }
  // Checked as float32, the precision training uses (1e39 is Infinity there).
  const f = w instanceof Float32Array ? w : Float32Array.from(w);
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i]) || f[i] < 0) {
      throw new UserError(
        `${description}: sample weight ${i} is ${f[i]}; sample weights must be finite and non-negative.`,
        'Fix that weight (0 leaves a sample out of the loss), or remove the sample weights.',
        'bad-sample-weight',
      );
    }
  }
  return f;
}

/** Copy rows `indices` of packed arrays into new packed arrays. */
export function gather(
  x: Float32Array | Int32Array,
  xw: number,
  y: Float32Array | Int32Array,
  yw: number,
  indices: readonly number[],
): DataBatch {
  const bx = x instanceof Int32Array ? new Int32Array(indices.length * xw) : new Float32Array(indices.length * xw);
  const by = y instanceof Int32Array ? new Int32Array(indices.length * yw) : new Float32Array(indices.length * yw);
  indices.forEach((s, i) => {
    bx.set(x.subarray(s * xw, (s + 1) * xw), i * xw);
    by.set(y.subarray(s * yw, (s + 1) * yw), i * yw);
  });
  return { x: bx, y: by, size: indices.length };
}

/** A view on some of a source's samples (train/validation split). */
export function subset(source: DataSource, indices: readonly number[], description: string): DataSource {
  return {
    ...source,
    description,
    size: indices.length,
    read: (idx) => source.read(idx.map((i) => indices[i])),
    readLabels: undefined,
  };
}

/**
 * Keras' `validation_split`: the LAST fraction of the samples, taken before any shuffling
 * (keras/src/trainers/data_adapters/data_adapter_utils.py `train_validation_split`).
 */
export function validationSplit(source: DataSource, fraction: number): { train: DataSource; validation?: DataSource } {
  if (!(fraction > 0)) return { train: source };
  if (fraction >= 1) throw new UserError(`validation_split must be below 1 (got ${fraction}).`, undefined, 'bad-option');
  // keras/src/trainers/data_adapters/array_slicing.py train_validation_split: the last fraction, an error when
  // either side would be empty.
  const nTrain = Math.floor(source.size * (1 - fraction));
  if (nTrain === 0 || nTrain === source.size) {
    throw new UserError(
      `The training data has ${source.size} samples, too few to split into training and validation sets with validation_split=${fraction}.`,
      'Provide more data, or a different validation split (0 for none).',
      'validation-split',
    );
  }
  const all = [...Array(source.size).keys()];
  return {
    train: subset(source, all.slice(0, nTrain), `${source.description} (training part)`),
    validation: subset(source, all.slice(nTrain), `${source.description} (validation split)`),
  };
}

/**
 * The training subset: the FIRST fraction of the rows (at least one), taken after the validation split so the
 * validation set stays whole. The keras runner slices the same rows (python/runner/train.py `training_subset`).
 */
export function trainingSubset(source: DataSource, fraction: number | undefined): DataSource {
  if (fraction === undefined || fraction >= 1) return source;
  if (!(fraction > 0)) throw new UserError(`subset must be above 0 and at most 1 (got ${fraction}).`, 'Use a fraction of the training rows, e.g. 0.1 for a tenth.', 'bad-option');
  const n = Math.max(1, Math.floor(source.size * fraction));
  return subset(source, [...Array(n).keys()], `${source.description} (first ${n} of ${source.size})`);
}

/** A source whose targets are its own inputs (autoencoders). */
export function inputAsTarget(source: DataSource): DataSource {
  return {
    ...source,
    labels: { kind: 'values', shape: source.xShape },
    async read(idx) {
      const b = await source.read(idx);
      return { x: b.x, y: b.x instanceof Float32Array ? b.x : Float32Array.from(b.x), size: b.size, ...(b.w ? { w: b.w } : {}) };
    },
  };
}

/** Shuffles are reproducible from a run's seed with the same PRNG that makes initial weights. */
export { rng } from '../../core/initializers';

export function shuffled(n: number, random: () => number): number[] {
  const a = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Batches of a source, one epoch, with the next batch read while the consumer works on the current one
 * (tf.data's prefetch(1)).
 */
export async function* batches(
  source: DataSource,
  batchSize: number,
  opts: { shuffle?: boolean; random?: () => number; limit?: number } = {},
): AsyncGenerator<DataBatch> {
  const n = Math.min(source.size, opts.limit ?? Infinity);
  const order = opts.shuffle ? shuffled(source.size, opts.random ?? Math.random).slice(0, n) : [...Array(n).keys()];
  const starts: number[] = [];
  for (let s = 0; s < n; s += batchSize) starts.push(s);
  let next: Promise<DataBatch> | undefined = starts.length ? source.read(order.slice(0, batchSize)) : undefined;
  for (let k = 0; k < starts.length; k++) {
    const current = next as Promise<DataBatch>;
    next = k + 1 < starts.length ? source.read(order.slice(starts[k + 1], starts[k + 1] + batchSize)) : undefined;
    // Keep an unconsumed prefetch from becoming an unhandled rejection when the consumer stops early.
    next?.catch(() => undefined);
    yield await current;
  }
}

/** The first `n` samples as plain numbers, for the dataset preview in the UI and the CLI. */
export async function preview(source: DataSource, n = 5): Promise<{ x: number[]; y: number[] }[]> {
  const count = Math.min(n, source.size);
  const b = await source.read([...Array(count).keys()]);
  const xw = elementCount(source.xShape);
  const yw = labelWidth(source.labels);
  return [...Array(count).keys()].map((i) => ({
    x: Array.from(b.x.subarray(i * xw, (i + 1) * xw)),
    y: Array.from(b.y.subarray(i * yw, (i + 1) * yw)),
  }));
}

/** One line describing a source: "mnist (train): 60000 samples, x [28, 28, 1], 10 classes". */
export function describeSource(s: DataSource): string {
  if (s.io) {
    // Several inputs and outputs: each layer's array ("cls <- labels: 3 classes" when the data map renamed it).
    const part = (p: IOPart) => `${p.layer}${p.array === p.layer ? '' : ` <- ${p.array}`} ${p.labels?.kind === 'class' ? `${p.labels.numClasses} classes` : `[${p.shape.join(', ')}]`}`;
    return `${s.description}: ${s.size} samples, x ${s.io.inputs.map(part).join(', ')}; y ${s.io.outputs.map(part).join(', ')}`;
  }
  const y = s.labels.kind === 'class' ? `${s.labels.numClasses} classes` : `y [${s.labels.shape.join(', ')}]`;
  return `${s.description}: ${s.size} samples, x [${s.xShape.join(', ')}], ${y}`;
}
