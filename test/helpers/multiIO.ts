/**
 * The two-input, two-output functional model of the multi-output tests (issue 15: the Keras fit parity, the unit checks): an image and a vector
 * in, a class softmax (`cls`) and a regression (`reg`) out, built with our graph builders; its training config
 * (per-output loss, metrics and loss weight; a data map for one array) and fixed data, written for our engines
 * (model.json + data.npz) and for plain Keras (model.keras + the same npz).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addLayer, emptyGraph, setOutputs } from '../../src/core/graph';
import { reconcileWeights, rng } from '../../src/core/initializers';
import { optimizer, withTraining, type TrainingConfig } from '../../src/core/training';
import type { ModelFile, ModelGraph } from '../../src/core/types';
import { writeNpz, type NpyArray } from '../../src/engine/datasets/npy';
import { writeModel } from '../../src/formats/registry';

export const MULTI = { samples: 48, batch: 12, epochs: 2, split: 0.25, classes: 3 } as const;

export function twoHeadGraph(): ModelGraph {
  let g = emptyGraph('two_heads');
  const add = (className: string, name: string, config: Record<string, unknown>, inbound: string[] = []) => {
    g = addLayer(g, className, { name, config: config as never, inbound }).graph;
  };
  add('InputLayer', 'image', { batch_input_shape: [null, 6, 6, 1], dtype: 'float32', sparse: false });
  add('InputLayer', 'vec', { batch_input_shape: [null, 3], dtype: 'float32', sparse: false });
  add('Conv2D', 'conv', { filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu' }, ['image']);
  add('Flatten', 'flat', {}, ['conv']);
  add('Concatenate', 'joined', { axis: -1 }, ['flat', 'vec']);
  add('Dense', 'trunk', { units: 8, activation: 'tanh', use_bias: true }, ['joined']);
  add('Dense', 'cls', { units: MULTI.classes, activation: 'softmax', use_bias: true }, ['trunk']);
  add('Dense', 'reg', { units: 1, activation: 'linear', use_bias: true }, ['trunk']);
  return setOutputs(g, ['cls', 'reg']);
}

/** Per output: sparse crossentropy + accuracy for cls, mse + mae at weight 0.5 for reg; reg's target is the npz array "value". */
export function twoHeadTraining(over: Partial<TrainingConfig> = {}): TrainingConfig {
  return {
    dataset: 'npz:data.npz',
    target: 'labels',
    optimizer: optimizer('adam', { learning_rate: 0.01 }),
    loss: 'mean_squared_error',
    metrics: [],
    outputs: {
      cls: { loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
      reg: { loss: 'mean_squared_error', metrics: ['mae'], lossWeight: 0.5 },
    },
    dataMap: { reg: 'value' },
    epochs: MULTI.epochs,
    batchSize: MULTI.batch,
    validationSplit: MULTI.split,
    shuffle: false,
    callbacks: [],
    ...over,
  };
}

/** The data arrays: image, vec, cls (class indices) and value (reg's target). */
export function twoHeadData(samples: number = MULTI.samples): Record<string, NpyArray> {
  const r = rng(42);
  const f = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  return {
    image: { dtype: '<f4', shape: [samples, 6, 6, 1], data: f(samples * 36) },
    vec: { dtype: '<f4', shape: [samples, 3], data: f(samples * 3) },
    cls: { dtype: '<i4', shape: [samples], data: Int32Array.from({ length: samples }, () => Math.floor(r() * MULTI.classes)) },
    value: { dtype: '<f4', shape: [samples, 1], data: f(samples, 2) },
  };
}

/** model.json (with the training config), model.keras and data.npz in `dir`. */
export async function writeTwoHeadCase(dir: string, training = twoHeadTraining(), data = twoHeadData()): Promise<ModelFile> {
  const graph = twoHeadGraph();
  const file: ModelFile = { graph, weights: reconcileWeights(graph, [], 7), ...withTraining({}, training) };
  await writeModel(join(dir, 'model.json'), file);
  await writeModel(join(dir, 'model.keras'), file);
  writeFileSync(join(dir, 'data.npz'), writeNpz(data));
  return file;
}
