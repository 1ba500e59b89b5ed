/**
 * Which datasets fit a model: the form offers a built-in dataset only when its samples fit the model's input
 * and its targets fit the model's output (or, for an autoencoder, its input). Datasets read from a file are
 * always offered: their shapes are known only once the file is read (the engine checks them then).
 */
import type { ModelGraph, Shape } from '../types';
import { ASCII_VOCAB, DATASET_KINDS, DATASET_PATH_KINDS, type DatasetKind } from './dataSpec';

/** A model's one input and one output, batch axis first (Keras' `model.input_shape` / `output_shape`). */
export interface ModelShapes {
  input: Shape;
  output: Shape;
  /** The InputLayer's dtype ('float32' unless set). */
  inputDType?: string;
}

/** DATASET_BUILTIN_KINDS as a type: the table below must have a rule for each. */
type BuiltinKind = 'xor' | 'linear' | 'mnist' | 'fashion-mnist' | 'genesis';

/** Each built-in dataset's samples and targets (src/engine/datasets: builtin.ts, mnist.ts, text.ts). */
const BUILTIN_SHAPES: Record<BuiltinKind, { x(input: Shape, dtype: string): boolean; y(output: Shape): boolean; autoencoder: boolean }> = {
  // Two features, one 0/1 target.
  xor: { x: (i) => sizeOf(i) === 2, y: (o) => sizeOf(o) === 1, autoencoder: false },
  // As many features as the model's input has (rank 1), one value.
  linear: { x: (i) => i.length === 1, y: (o) => sizeOf(o) === 1, autoencoder: false },
  // 28x28 pixels in any layout of 784 values, 10 classes (or the image itself).
  mnist: { x: (i) => sizeOf(i) === 784, y: (o) => lastDim(o) === 10 && o.length === 1, autoencoder: true },
  'fashion-mnist': { x: (i) => sizeOf(i) === 784, y: (o) => lastDim(o) === 10 && o.length === 1, autoencoder: true },
  // Windows of character ids (any length) for an Embedding, the next character out of the 96-symbol vocabulary.
  genesis: { x: (i, dtype) => i.length === 1 && dtype.startsWith('int'), y: (o) => o.length === 1 && o[0] === ASCII_VOCAB.length, autoencoder: false },
};

function sizeOf(s: Shape): number | undefined {
  return s.every((d) => typeof d === 'number') ? (s as number[]).reduce((a, b) => a * b, 1) : undefined;
}
const lastDim = (s: Shape) => s[s.length - 1];

/** Whether a dataset kind fits the model; true for file datasets, and when the model's shapes are unknown. */
export function datasetFits(kind: DatasetKind, io: ModelShapes | undefined, target: 'labels' | 'input' = 'labels'): boolean {
  if (!io || DATASET_PATH_KINDS.includes(kind)) return true;
  const rule = BUILTIN_SHAPES[kind as BuiltinKind];
  const input = io.input.slice(1);
  const output = io.output.slice(1);
  if (!rule.x(input, io.inputDType ?? 'float32')) return false;
  if (target === 'input') return rule.autoencoder && sizeOf(output) === sizeOf(input);
  return rule.y(output);
}

/** The dataset kinds to offer for a model, in the usual order. */
export function datasetKindsFor(io: ModelShapes | undefined, target: 'labels' | 'input' = 'labels'): DatasetKind[] {
  return DATASET_KINDS.filter((k) => datasetFits(k, io, target));
}

/** A one-input, one-output model's ModelShapes from each layer's output shape; undefined for other models. */
export function modelShapesOf(graph: ModelGraph, outputShape: (layer: string) => Shape | null | undefined): ModelShapes | undefined {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) return undefined;
  const input = outputShape(graph.inputs[0]!);
  const output = outputShape(graph.outputs[0]!);
  if (!input || !output) return undefined;
  const dtype = graph.layers.find((l) => l.name === graph.inputs[0])?.config.dtype;
  return { input, output, inputDType: typeof dtype === 'string' ? dtype : 'float32' };
}
