/**
 * Small training runs, our fit loop against Keras' fit on the same .keras file, data and SGD: regularizer
 * penalties (L1, L2, L1L2 on kernels and biases) in the loss at the first batch and after 3 steps,
 * class_weight, loss arguments, a mask from Embedding(mask_zero=True), metrics accumulated over batches.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/core/initializers';
import { optimizer } from '../../src/core/training';
import type { JsonObject, ModelFile } from '../../src/core/types';
import { writeNpy } from '../../src/engine/datasets/npy';
import { arraySource, type Labels } from '../../src/engine/datasets/source';
import { buildTfModel } from '../../src/engine/tfjs/model';
import { evaluate } from '../../src/engine/tfjs/training/evaluate';
import { fit } from '../../src/engine/tfjs/training/fit';
import type { LossOptions } from '../../src/engine/tfjs/training/losses';
import { writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { chain } from '../unit/core/helpers';
import { randomModel } from './forwardRun';

export interface FitCase {
  id: string;
  input: (number | null)[];
  layers: [string, JsonObject][];
  loss: string;
  lossOptions?: LossOptions;
  kerasLoss: string | JsonObject;
  metrics: string[];
  lr: number;
  steps: number;
  batchSize: number;
  classWeight?: Record<string, number>;
  /** Keras' fit/evaluate `sample_weight`, one per sample. */
  sampleWeight?: (n: number) => Float32Array;
  /**
   * The output is masked: Keras' JAX trainer computes training metrics on a prediction that lost its mask
   * (the TensorFlow backend's fit and every evaluate honour it), so the training metrics are compared with
   * Keras' evaluate before each step (one batch per epoch), the loss with fit's.
   */
  maskedMetrics?: boolean;
  data: () => { x: Float32Array; xShape: number[]; y: Float32Array | Int32Array; labels: Labels; kerasY: { shape: number[]; data: Float32Array } };
}

export interface FitAnswer {
  step_losses: number[];
  pre_step: Record<string, number>[];
  history: Record<string, number[]>;
  evaluate: Record<string, number>;
}

const L = (class_name: string, config: JsonObject) => ({ class_name, config });

function regression(n: number, inDim: number, outDim: number, seed: number) {
  const r = rng(seed);
  const x = Float32Array.from({ length: n * inDim }, () => r() * 2 - 1);
  const y = Float32Array.from({ length: n * outDim }, () => r() * 2 - 1);
  return { x, xShape: [inDim], y, labels: { kind: 'values', shape: [outDim] } as Labels, kerasY: { shape: [n, outDim], data: y } };
}

function binaryClasses(n: number, inDim: number, seed: number) {
  const r = rng(seed);
  const x = Float32Array.from({ length: n * inDim }, () => r() * 2 - 1);
  const y = Int32Array.from({ length: n }, (_, i) => (x[i * inDim] + 0.3 * r() > 0 ? 1 : 0));
  return { x, xShape: [inDim], y, labels: { kind: 'class', numClasses: 2 } as Labels, kerasY: { shape: [n, 1], data: Float32Array.from(y) } };
}

function oneHotClasses(n: number, inDim: number, classes: number, seed: number) {
  const r = rng(seed);
  const x = Float32Array.from({ length: n * inDim }, () => r() * 2 - 1);
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) y[i * classes + Math.floor(r() * classes)] = 1;
  return { x, xShape: [inDim], y, labels: { kind: 'values', shape: [classes] } as Labels, kerasY: { shape: [n, classes], data: y } };
}

/** Token ids with trailing zeros (padding, masked by Embedding(mask_zero=True)); one-hot targets per timestep. */
function paddedSequences(n: number, steps: number, vocab: number, classes: number, seed: number) {
  const r = rng(seed);
  const x = new Float32Array(n * steps);
  const y = new Float32Array(n * steps * classes);
  for (let i = 0; i < n; i++) {
    const len = 1 + (i % steps);
    for (let t = 0; t < steps; t++) {
      x[i * steps + t] = t < len ? 1 + Math.floor(r() * (vocab - 1)) : 0;
      y[(i * steps + t) * classes + Math.floor(r() * classes)] = 1;
    }
  }
  return { x, xShape: [steps], y, labels: { kind: 'values', shape: [steps, classes] } as Labels, kerasY: { shape: [n, steps, classes], data: y } };
}

export const FIT_CASES: FitCase[] = [
  {
    id: 'L2 of 10 on a kernel, mse, first batch and 3 SGD steps',
    input: [null, 3],
    layers: [['Dense', { units: 2, kernel_regularizer: L('L2', { l2: 10 }) }]],
    loss: 'mean_squared_error',
    kerasLoss: 'mean_squared_error',
    metrics: ['mae'],
    lr: 0.01,
    steps: 3,
    batchSize: 8,
    data: () => regression(8, 3, 2, 1),
  },
  {
    id: 'L2 kernel, L1 bias, L1L2 kernel, two layers, 3 SGD steps',
    input: [null, 4],
    layers: [
      ['Dense', { units: 5, activation: 'tanh', kernel_regularizer: L('L2', { l2: 0.5 }), bias_regularizer: L('L1', { l1: 0.1 }) }],
      ['Dense', { units: 2, kernel_regularizer: L('L1L2', { l1: 0.01, l2: 0.02 }) }],
    ],
    loss: 'mean_squared_error',
    kerasLoss: 'mean_squared_error',
    metrics: ['root_mean_squared_error'],
    lr: 0.1,
    steps: 3,
    batchSize: 10,
    data: () => regression(10, 4, 2, 2),
  },
  {
    id: 'class_weight, binary crossentropy, accuracy/auc/precision over uneven batches',
    input: [null, 3],
    layers: [
      ['Dense', { units: 4, activation: 'tanh' }],
      ['Dense', { units: 1, activation: 'sigmoid' }],
    ],
    loss: 'binary_crossentropy',
    kerasLoss: 'binary_crossentropy',
    metrics: ['accuracy', 'auc', 'precision', 'recall'],
    lr: 0.5,
    steps: 3,
    batchSize: 4,
    classWeight: { '0': 1, '1': 3 },
    data: () => binaryClasses(10, 3, 3),
  },
  {
    id: 'sample_weight, huber(delta=0.5), mse and mae metrics over uneven batches',
    input: [null, 3],
    layers: [['Dense', { units: 2, activation: 'tanh' }]],
    loss: 'huber',
    lossOptions: { delta: 0.5 },
    kerasLoss: L('Huber', { delta: 0.5 }),
    metrics: ['mse', 'mae'],
    lr: 0.2,
    steps: 3,
    batchSize: 4,
    sampleWeight: (n) => Float32Array.from({ length: n }, (_, i) => (i % 3) * 0.75),
    data: () => regression(10, 3, 2, 8),
  },
  {
    id: 'categorical crossentropy from_logits + label_smoothing, accuracy and top-k',
    input: [null, 4],
    layers: [['Dense', { units: 5 }]],
    loss: 'categorical_crossentropy',
    lossOptions: { from_logits: true, label_smoothing: 0.2 },
    kerasLoss: L('CategoricalCrossentropy', { from_logits: true, label_smoothing: 0.2 }),
    metrics: ['accuracy', 'top_k_categorical_accuracy'],
    lr: 0.3,
    steps: 3,
    batchSize: 6,
    data: () => oneHotClasses(9, 4, 5, 4),
  },
  {
    id: 'Embedding(mask_zero=True) sequence, masked loss and metrics',
    input: [null, 5],
    layers: [
      ['Embedding', { input_dim: 6, output_dim: 3, mask_zero: true }],
      ['Dense', { units: 3, activation: 'softmax' }],
    ],
    loss: 'categorical_crossentropy',
    kerasLoss: 'categorical_crossentropy',
    metrics: ['accuracy', 'mae'],
    lr: 0.5,
    steps: 3,
    batchSize: 8,
    maskedMetrics: true,
    data: () => paddedSequences(8, 5, 6, 3, 5),
  },
  {
    id: 'Embedding(mask_zero=True) -> LSTM(return_sequences) -> Dense: the mask through a recurrent layer',
    input: [null, 4],
    layers: [
      ['Embedding', { input_dim: 6, output_dim: 3, mask_zero: true }],
      ['LSTM', { units: 3, return_sequences: true }],
      ['Dense', { units: 2, activation: 'softmax' }],
    ],
    loss: 'categorical_crossentropy',
    kerasLoss: 'categorical_crossentropy',
    metrics: ['accuracy'],
    lr: 0.5,
    steps: 2,
    batchSize: 6,
    maskedMetrics: true,
    data: () => paddedSequences(6, 4, 6, 2, 9),
  },
  {
    id: 'Embedding(mask_zero=True) -> Flatten: the mask stops at Flatten, as in Keras',
    input: [null, 5],
    layers: [
      ['Embedding', { input_dim: 6, output_dim: 2, mask_zero: true }],
      ['Flatten', {}],
      ['Dense', { units: 3, activation: 'softmax' }],
    ],
    loss: 'categorical_crossentropy',
    kerasLoss: 'categorical_crossentropy',
    metrics: ['accuracy'],
    lr: 0.5,
    steps: 2,
    batchSize: 8,
    data: () => {
      const d = paddedSequences(8, 5, 6, 3, 6);
      const y = oneHotClasses(8, 1, 3, 7);
      return { ...d, y: y.y, labels: y.labels, kerasY: y.kerasY };
    },
  },
];

export interface PreparedFit {
  request: JsonObject;
  file: ModelFile;
}

export async function prepareFitCases(): Promise<PreparedFit[]> {
  const dir = tempDir('ms-keras-losses-');
  const out: PreparedFit[] = [];
  for (const [i, c] of FIT_CASES.entries()) {
    const file = randomModel(chain(c.input, c.layers), 100 + i);
    const model = join(dir, `case${i}.keras`);
    await writeModel(model, file);
    const d = c.data();
    const n = d.kerasY.shape[0];
    const x = join(dir, `x${i}.npy`);
    const y = join(dir, `y${i}.npy`);
    writeFileSync(x, writeNpy({ dtype: '<f4', shape: [n, ...d.xShape], data: d.x }));
    writeFileSync(y, writeNpy({ dtype: '<f4', shape: d.kerasY.shape, data: d.kerasY.data }));
    const request: JsonObject = { id: c.id, model, x, y, loss: c.kerasLoss, metrics: c.metrics, lr: c.lr, steps: c.steps, batch_size: c.batchSize };
    if (c.classWeight) request.class_weight = c.classWeight;
    if (c.sampleWeight) {
      request.sample_weight = join(dir, `w${i}.npy`);
      writeFileSync(request.sample_weight, writeNpy({ dtype: '<f4', shape: [n], data: c.sampleWeight(n) }));
    }
    out.push({ request, file });
  }
  return out;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** Our fit (and evaluate) on the case, compared with Keras' answer. */
export async function runOurFit(c: FitCase, p: PreparedFit, k: FitAnswer): Promise<{ problems: string[]; largest: number }> {
  const problems: string[] = [];
  let largest = 0;
  const check = (what: string, ours: number | undefined, keras: number | undefined) => {
    const d = ours === undefined || keras === undefined ? Infinity : rel(ours, keras);
    if (!(d <= 1e-5)) problems.push(`fit ${c.id}: ${what}: ours ${ours}, Keras ${keras}`);
    else largest = Math.max(largest, d);
  };
  const d = c.data();
  const source = arraySource(c.id, d.x, d.xShape, d.y, d.labels, c.sampleWeight?.(d.kerasY.shape[0]));
  const model = await buildTfModel(tf, p.file);
  try {
    const opts = { optimizer: optimizer('sgd', { learning_rate: c.lr }), loss: c.loss, lossOptions: c.lossOptions, metrics: c.metrics, classWeight: c.classWeight };
    const r = await fit(tf, model, { train: source }, { ...opts, epochs: c.steps, batchSize: c.batchSize, shuffle: false });
    for (const [name, values] of Object.entries(k.history)) {
      const masked = c.maskedMetrics && name !== 'loss';
      values.forEach((v, e) => check(`epoch ${e + 1} ${name}`, r.history[e]?.metrics[name], masked ? k.pre_step[e][name] : v));
    }
    if (c.batchSize >= source.size) k.step_losses.forEach((v, s) => check(`step ${s + 1} loss`, r.history[s]?.metrics.loss, v));
    const ev = await evaluate(tf, model, source, { ...opts, batchSize: c.batchSize });
    for (const [name, v] of Object.entries(k.evaluate)) check(`evaluate ${name}`, ev[name], v);
  } finally {
    model.dispose();
  }
  return { problems, largest };
}
