/**
 * What the worker hands the Python runner: the model as a .keras file (our writer), the data as .npy arrays
 * (the worker's datasets: one implementation of each dataset meaning), and job.json, in a temporary folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../core/analysis';
import { reconcileWeights } from '../../core/initializers';
import { OPTIMIZER_FLOAT_PARAMS } from '../../core/training';
import { UserError, type ModelFile } from '../../core/types';
import { writeKerasZip } from '../../formats/keras-zip';
import { writeNpy } from '../datasets/npy';
import { elementCount, type DataSource } from '../datasets/source';
import type { JobData } from '../datasets/jobData';
import type { TrainingJob } from '../trainer';

/** The model's one input shape without the batch dimension (fixed dims, or null where unknown). */
export function modelInputShape(model: ModelFile): (number | null)[] {
  const g = model.graph;
  if (g.inputs.length !== 1 || g.outputs.length !== 1) {
    throw new UserError(`This model has ${g.inputs.length} inputs and ${g.outputs.length} outputs; training from one dataset needs one of each.`, undefined, 'multi-io');
  }
  const shape = analyze(g).layers.get(g.inputs[0])?.outputShape;
  if (!shape) throw new UserError(`The input shape of ${g.inputs[0]} is unknown.`, 'Fix the problems the editor shows first.', 'bad-model');
  return shape.slice(1);
}

/** A source's samples as .npy files: x reshaped to the model's input when its dims are fixed (as the tfjs engine does). */
async function writeSplit(dir: string, split: string, src: DataSource, input: (number | null)[]): Promise<{ x: string; y: string; w?: string }> {
  const all = await src.read([...Array(src.size).keys()]);
  const fixed = input.every((d): d is number => d !== null) && elementCount(input as number[]) === elementCount(src.xShape);
  const xShape = fixed ? (input as number[]) : src.xShape;
  if (!fixed && input.length !== src.xShape.length) {
    throw new UserError(`${src.description}: samples of shape [${src.xShape}] do not fit the model's input [${input.map((d) => d ?? 'None')}].`, 'Choose a dataset that matches the model, or change its Input layer.', 'shape-mismatch');
  }
  const yShape = src.labels.kind === 'class' ? [] : src.labels.shape;
  const x = `x_${split}.npy`;
  const y = `y_${split}.npy`;
  writeFileSync(join(dir, x), writeNpy({ dtype: all.x instanceof Int32Array ? '<i4' : '<f4', shape: [all.size, ...xShape], data: all.x }));
  writeFileSync(join(dir, y), writeNpy({ dtype: all.y instanceof Int32Array ? '<i4' : '<f4', shape: [all.size, ...yShape], data: all.y }));
  if (!all.w) return { x, y };
  // The dataset's sample weights, for Keras' fit(sample_weight=...) / validation_data=(x, y, w).
  const w = `w_${split}.npy`;
  writeFileSync(join(dir, w), writeNpy({ dtype: '<f4', shape: [all.size], data: all.w }));
  return { x, y, w };
}

export interface JobFiles {
  dir: string;
  modelPath: string;
  jobPath: string;
}

/** Writes everything into a new temporary folder; the caller removes it. */
export async function writeJobFiles(job: TrainingJob, data: JobData, extra: { batchEventMs?: number } = {}): Promise<JobFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'model-studio-keras-'));
  try {
    return await writeInto(dir, job, data, extra);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function writeInto(dir: string, job: TrainingJob, data: JobData, extra: { batchEventMs?: number }): Promise<JobFiles> {
  const modelPath = join(dir, 'model.keras');
  // A model without weights yet (a new template) starts from its layers' initializers, seeded by the job.
  const weights = reconcileWeights(job.model.graph, job.model.weights, job.seed ?? Date.now());
  writeFileSync(modelPath, await writeKerasZip({ ...job.model, weights }));
  const input = modelInputShape(job.model);
  const train = await writeSplit(dir, 'train', data.train, input);
  const val = data.validation && (await writeSplit(dir, 'val', data.validation, input));
  const test = data.test && (await writeSplit(dir, 'test', data.test, input));
  const labels = data.train.labels;
  const t = job.training;
  const spec = {
    model: modelPath,
    out: dir,
    data: {
      folder: dir,
      labels: labels.kind,
      numClasses: labels.kind === 'class' ? labels.numClasses : undefined,
      x_train: train.x,
      y_train: train.y,
      w_train: train.w,
      x_val: val?.x,
      y_val: val?.y,
      w_val: val?.w,
      x_test: test?.x,
      y_test: test?.y,
      w_test: test?.w,
    },
    optimizer: t.optimizer,
    // JSON writes 0.0 as 0: the runner makes these floats again (Keras refuses SGD's momentum=0 as an int).
    optimizerFloatParams: [...OPTIMIZER_FLOAT_PARAMS],
    loss: t.loss,
    lossOptions: job.lossOptions ?? t.lossOptions ?? {},
    metrics: t.metrics,
    epochs: t.epochs,
    batchSize: t.batchSize,
    shuffle: t.shuffle,
    initialEpoch: t.initialEpoch ?? 0,
    callbacks: t.callbacks ?? [],
    seed: job.seed,
    stepsPerEpoch: t.stepsPerEpoch ?? job.stepsPerEpoch,
    devices: job.devices,
    mixedPrecision: t.mixedPrecision,
    cluster: job.cluster,
    batchEventMs: extra.batchEventMs ?? 100,
  };
  const jobPath = join(dir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(spec));
  return { dir, modelPath, jobPath };
}
