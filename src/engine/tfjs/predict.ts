/**
 * "Try the model" inference: what input a model takes (TryInfo), running it on the user's input (a drawing,
 * a test sample, numbers, a seed text), and a confusion matrix over a labelled test set. The tf namespace
 * comes in as a value; this runs in the predict-and-probe worker (src/engine/predict/predictProbeWorker.ts),
 * never on the extension host.
 */
import type { TrainingConfig } from '../../core/training';
import { UserError } from '../../core/types';
import { elementCount, type DataSource } from '../datasets/source';
import { greedyEpisode, networkMove, rlTryInfo } from '../rl/tryRl';
import { predictModel } from './model';
import type { LayersModel, Tensor, Tf } from './tf';
import type { Evaluation, TryInfo, TryInput, TryOutput } from '../../protocol/training';

export interface TryContext {
  tf: Tf;
  model: LayersModel;
  training?: TrainingConfig;
  /** A labelled test set (MNIST's 10k test digits, ...), when the dataset has one. */
  test?: DataSource;
  /** The char-RNN vocabulary, index → character. */
  vocabulary?: string[];
  classNames?: string[];
  /** Random numbers for sampling (seedable in tests). */
  random?: () => number;
}

const dims = (s: (number | null)[]) => s.slice(1);

/** What the view can offer for this model, from its input/output shapes and its training config. */
export function tryInfoOf(ctx: TryContext): TryInfo {
  const rl = rlTryInfo(ctx);
  if (rl) return rl;
  const { model } = ctx;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    return { kind: 'none', reason: `This model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; trying it here needs one of each.` };
  }
  const input = dims(model.inputs[0].shape);
  const output = dims(model.outputs[0].shape);
  const intInput = model.inputs[0].dtype === 'int32';
  if (intInput && input.length === 1) {
    if (!ctx.vocabulary) return { kind: 'none', reason: 'This model reads token ids; train it on a text:PATH dataset to try it on text.' };
    return { kind: 'text', seqLength: input[0] ?? 40, vocab: ctx.vocabulary.join('') };
  }
  const autoencoder = ctx.training?.target === 'input' || (output.length === input.length && output.every((d, i) => d === input[i]) && input.length > 1);
  const image = imageShape(input);
  if (image) {
    const testSamples = ctx.test && ctx.test.size > 0 && elementCount(ctx.test.xShape) === image.width * image.height * image.channels ? ctx.test.size : 0;
    return { kind: 'image', ...image, classNames: ctx.classNames, testSamples, autoencoder };
  }
  if (input.length === 1 && input[0] !== null) {
    return { kind: 'tabular', features: input[0], classNames: isClassifier(ctx) ? ctx.classNames : undefined };
  }
  return { kind: 'none', reason: `Inputs of shape [${input.map((d) => d ?? 'None').join(', ')}] have no input form here yet.` };
}

/** [28, 28, 1], [28, 28] and [784] (a flattened square) are images. */
function imageShape(input: (number | null)[]): { width: number; height: number; channels: number } | undefined {
  if (input.some((d) => d === null)) return undefined;
  const d = input as number[];
  if (d.length === 3 && (d[2] === 1 || d[2] === 3)) return { height: d[0], width: d[1], channels: d[2] };
  if (d.length === 2 && d[0] >= 8 && d[1] >= 8) return { height: d[0], width: d[1], channels: 1 };
  if (d.length === 1 && d[0] >= 64) {
    const s = Math.round(Math.sqrt(d[0]));
    if (s * s === d[0]) return { height: s, width: s, channels: 1 };
  }
  return undefined;
}

function isClassifier(ctx: TryContext): boolean {
  const out = dims(ctx.model.outputs[0].shape);
  const last = out[out.length - 1] ?? 1;
  const loss = ctx.training?.loss ?? '';
  return last > 1 && (/categorical_crossentropy/.test(loss) || lastActivation(ctx.model) === 'softmax');
}

function lastActivation(model: LayersModel): string | undefined {
  const layer = model.layers[model.layers.length - 1];
  const cfg = layer.getConfig() as { activation?: unknown };
  return typeof cfg.activation === 'string' ? cfg.activation : undefined;
}

/** Probabilities from the model's output row: softmax outputs as they are, logits through a softmax. */
function toProbs(row: Float32Array, ctx: TryContext): number[] {
  const fromLogits = lastActivation(ctx.model) !== 'softmax';
  if (!fromLogits) return Array.from(row);
  const m = Math.max(...row);
  const e = Array.from(row, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

async function run(ctx: TryContext, x: Tensor): Promise<Float32Array> {
  const { tf, model } = ctx;
  const y = tf.tidy(() => predictModel(model, x) as Tensor);
  try {
    return (await y.data()) as Float32Array;
  } finally {
    y.dispose();
  }
}

function inputTensor(ctx: TryContext, values: ArrayLike<number>, count = 1): Tensor {
  const shape = dims(ctx.model.inputs[0].shape) as number[];
  const need = elementCount(shape) * count;
  if (values.length !== need) {
    throw new UserError(`The model needs ${need} input values, got ${values.length}.`, `Its input shape is [${shape.join(', ')}].`, 'try-input');
  }
  return ctx.tf.tensor(values instanceof Float32Array ? values : Float32Array.from(values), [count, ...shape], 'float32');
}

async function outputFor(ctx: TryContext, pixels: ArrayLike<number>, label?: number | number[], showInput = false): Promise<TryOutput> {
  const info = tryInfoOf(ctx);
  const x = inputTensor(ctx, pixels);
  let out: Float32Array;
  try {
    out = await run(ctx, x);
  } finally {
    x.dispose();
  }
  if (info.kind === 'image' && info.autoencoder) {
    return { kind: 'reconstruction', input: Array.from(pixels), output: Array.from(out), width: info.width, height: info.height };
  }
  if (isClassifier(ctx)) {
    return {
      kind: 'classes',
      probs: toProbs(out, ctx),
      classNames: ctx.classNames,
      label: typeof label === 'number' ? label : undefined,
      input: showInput ? Array.from(pixels) : undefined,
    };
  }
  return { kind: 'values', values: Array.from(out), label: Array.isArray(label) ? label : typeof label === 'number' ? [label] : undefined, input: showInput ? Array.from(pixels) : undefined };
}

/** Run the model on one input from the view. */
export async function predict(ctx: TryContext, input: TryInput): Promise<TryOutput> {
  switch (input.kind) {
    case 'episode':
      return greedyEpisode(ctx, input.seed);
    case 'move':
      return networkMove(ctx, input);
    case 'image':
    case 'tabular':
      return outputFor(ctx, input.kind === 'image' ? input.pixels : input.values);
    case 'sample': {
      const test = ctx.test;
      if (!test) throw new UserError('This model has no labelled test set to pick from.', 'Train it on a dataset with a test split (mnist, fashion-mnist, npz).', 'no-test-set');
      if (input.index >= test.size) throw new UserError(`The test set has ${test.size} samples; #${input.index} does not exist.`, undefined, 'bad-index');
      const b = await test.read([input.index]);
      const label = test.labels.kind === 'class' ? b.y[0] : Array.from(b.y);
      return outputFor(ctx, b.x, label, true);
    }
    case 'text':
      return { kind: 'text', seed: input.seed, generated: await generate(ctx, input.seed, input.length, input.temperature) };
  }
}

/** Sample an index from probabilities re-weighted by temperature (the Keras text-generation example's `sample`). */
export function sampleIndex(probs: ArrayLike<number>, temperature: number, random: () => number): number {
  const logits = Array.from(probs, (p) => Math.log(Math.max(p, 1e-12)) / temperature);
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  let r = random() * s;
  for (let i = 0; i < e.length; i++) {
    r -= e[i];
    if (r <= 0) return i;
  }
  return e.length - 1;
}

/** Generate `length` characters after `seed`, one model call per character over a sliding window. */
export async function generate(ctx: TryContext, seed: string, length: number, temperature: number): Promise<string> {
  const vocab = ctx.vocabulary;
  if (!vocab) throw new UserError('This model has no vocabulary.', 'Train it on a text:PATH dataset first.', 'no-vocabulary');
  const seqLength = dims(ctx.model.inputs[0].shape)[0] ?? 40;
  const index = new Map(vocab.map((c, i) => [c, i]));
  const pad = index.get(' ') ?? 0;
  const unknown = index.get('?') ?? pad;
  // Left-padded with spaces when the seed is shorter than the window (as a fresh line of text would be).
  const window = Array.from(seed, (c) => index.get(c) ?? unknown).slice(-seqLength);
  while (window.length < seqLength) window.unshift(pad);
  const random = ctx.random ?? Math.random;
  let out = '';
  for (let k = 0; k < length; k++) {
    const x = ctx.tf.tensor2d([window], [1, seqLength], 'int32');
    let probs: Float32Array;
    try {
      probs = await run(ctx, x);
    } finally {
      x.dispose();
    }
    const next = sampleIndex(toProbs(probs, ctx), temperature, random);
    out += vocab[next] ?? '';
    window.shift();
    window.push(next);
  }
  return out;
}

/**
 * Classify the test set (or its first `limit` samples): confusion matrix, accuracy, and the samples with the
 * lowest probability on their true class.
 */
export async function evaluateClasses(ctx: TryContext, limit?: number, worstCount = 12): Promise<Evaluation> {
  const test = ctx.test;
  if (!test || test.labels.kind !== 'class') {
    throw new UserError('This model has no labelled test set.', 'Train it on a dataset with a test split (mnist, fashion-mnist, npz).', 'no-test-set');
  }
  const n = Math.min(test.size, limit ?? test.size);
  const k = test.labels.numClasses;
  const classNames = ctx.classNames ?? test.labels.classNames ?? Array.from({ length: k }, (_, i) => String(i));
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const worst: { index: number; label: number; predicted: number; prob: number }[] = [];
  let correct = 0;
  const batch = 256;
  for (let s = 0; s < n; s += batch) {
    const idx = Array.from({ length: Math.min(batch, n - s) }, (_, i) => s + i);
    const b = await test.read(idx);
    const x = inputTensor(ctx, b.x, idx.length);
    let out: Float32Array;
    try {
      out = await run(ctx, x);
    } finally {
      x.dispose();
    }
    for (let i = 0; i < idx.length; i++) {
      const probs = toProbs(out.subarray(i * k, (i + 1) * k), ctx);
      let pred = 0;
      for (let c = 1; c < k; c++) if (probs[c] > probs[pred]) pred = c;
      const label = b.y[i];
      confusion[label][pred]++;
      if (pred === label) correct++;
      else {
        worst.push({ index: idx[i], label, predicted: pred, prob: probs[label] });
        worst.sort((a, c) => a.prob - c.prob);
        if (worst.length > worstCount) worst.pop();
      }
    }
  }
  const withPixels = await Promise.all(
    worst.map(async (w) => ({ ...w, pixels: Array.from((await test.read([w.index])).x) })),
  );
  return { classNames, confusion, accuracy: n ? correct / n : 0, samples: n, worst: withPixels };
}
