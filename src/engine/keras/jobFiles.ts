/**
 * What the worker hands the Python runner: the model as a .keras file (our writer), the data as .npy arrays
 * (the worker's datasets: one implementation of each dataset meaning), and job.json, in a temporary folder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, expectedWeights } from '../../core/analysis';
import { reconcileWeights } from '../../core/initializers';
import { OPTIMIZER_FLOAT_PARAMS, outputHeads } from '../../core/training';
import { UserError, type ModelFile, type NamedTensor } from '../../core/types';
import { writeKerasZip } from '../../formats/keras-zip';
import { readNpz, writeNpy, type NpyArray } from '../datasets/npy';
import { needsArraysError, partColumns, partsLayout } from '../datasets/multiArray';
import { elementCount, type ArrayIO, type DataSource } from '../datasets/source';
import type { JobData } from '../datasets/jobData';
import type { TrainingJob } from '../trainer';

/** A model input's shape without the batch dimension (fixed dims, or null where unknown); the first input by default. */
export function modelInputShape(model: ModelFile, input = model.graph.inputs[0]): (number | null)[] {
  const shape = analyze(model.graph).layers.get(input)?.outputShape;
  if (!shape) throw new UserError(`The input shape of ${input} is unknown.`, 'Fix the problems the editor shows first.', 'bad-model');
  return shape.slice(1);
}

/** The shape an input's samples are written in: the model's input when its dims are fixed (as the tfjs engine does). */
function inputShapeOf(description: string, data: readonly number[], input: (number | null)[]): number[] {
  const fixed = input.every((d): d is number => d !== null) && elementCount(input as number[]) === elementCount(data);
  if (!fixed && input.length !== data.length) {
    throw new UserError(`${description}: samples of shape [${data}] do not fit the model's input [${input.map((d) => d ?? 'None')}].`, 'Choose a dataset that matches the model, or change its Input layer.', 'shape-mismatch');
  }
  return fixed ? (input as number[]) : [...data];
}

/** A source's samples as .npy files: x reshaped to the model's input when its dims are fixed (as the tfjs engine does). */
async function writeSplit(dir: string, split: string, src: DataSource, input: (number | null)[]): Promise<{ x: string; y: string; w?: string }> {
  const all = await src.read([...Array(src.size).keys()]);
  const xShape = inputShapeOf(src.description, src.xShape, input);
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
  const t = job.training;
  if (data.train.io) return writeMultiJob(dir, modelPath, job, data, extra);
  const g = job.model.graph;
  if (g.inputs.length > 1 || g.outputs.length > 1) throw needsArraysError(data.train.description, g);
  const input = modelInputShape(job.model);
  const train = await writeSplit(dir, 'train', data.train, input);
  const val = data.validation && (await writeSplit(dir, 'val', data.validation, input));
  const test = data.test && (await writeSplit(dir, 'test', data.test, input));
  const labels = data.train.labels;
  const spec = {
    ...jobSettings(job, modelPath, dir, extra),
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
    loss: t.loss,
    lossOptions: job.lossOptions ?? t.lossOptions ?? {},
    metrics: t.metrics,
  };
  return writeJob(dir, modelPath, spec);
}

function writeJob(dir: string, modelPath: string, spec: Record<string, unknown>): JobFiles {
  const jobPath = join(dir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(spec));
  return { dir, modelPath, jobPath };
}

/**
 * A split of a model with several inputs and outputs: one .npy per input (in the model input's shape) and per
 * output's target (class indices as int32 [N], values as float32), for Keras' fit with dicts keyed by layer name.
 */
async function writeMultiSplit(dir: string, split: string, src: DataSource, model: ModelFile): Promise<{ x: Record<string, string>; y: Record<string, string>; w?: string }> {
  const io = src.io as ArrayIO;
  const all = await src.read([...Array(src.size).keys()]);
  const write = (file: string, dtype: '<f4' | '<i4', shape: number[], data: Float32Array | Int32Array) => {
    writeFileSync(join(dir, file), writeNpy({ dtype, shape: [all.size, ...shape], data: dtype === '<i4' ? Int32Array.from(data) : Float32Array.from(data) }));
    return file;
  };
  const xl = partsLayout(io.inputs);
  const yl = partsLayout(io.outputs);
  const x = Object.fromEntries(
    io.inputs.map((p, i) => {
      const shape = inputShapeOf(`${src.description}, array "${p.array}"`, p.shape, modelInputShape(model, p.layer));
      return [p.layer, write(`x_${split}_${i}.npy`, p.int && analyzeDType(model, p.layer) === 'int32' ? '<i4' : '<f4', shape, partColumns(all.x, xl, i, all.size))];
    }),
  );
  const y = Object.fromEntries(
    io.outputs.map((p, j) => {
      const cls = p.labels?.kind === 'class';
      return [p.layer, write(`y_${split}_${j}.npy`, cls ? '<i4' : '<f4', cls ? [] : p.shape, partColumns(all.y, yl, j, all.size))];
    }),
  );
  if (!all.w) return { x, y };
  const w = `w_${split}.npy`;
  writeFileSync(join(dir, w), writeNpy({ dtype: '<f4', shape: [all.size], data: all.w }));
  return { x, y, w };
}

/** An input layer's dtype as the model declares it. */
function analyzeDType(model: ModelFile, input: string): string {
  return String(model.graph.layers.find((l) => l.name === input)?.config.dtype ?? 'float32');
}

/** The job of a model with several inputs and outputs: its arrays by layer name, and each output's loss, weight and metrics. */
async function writeMultiJob(dir: string, modelPath: string, job: TrainingJob, data: JobData, extra: { batchEventMs?: number }): Promise<JobFiles> {
  const t = job.training;
  const splits = {
    train: await writeMultiSplit(dir, 'train', data.train, job.model),
    val: data.validation && (await writeMultiSplit(dir, 'val', data.validation, job.model)),
    test: data.test && (await writeMultiSplit(dir, 'test', data.test, job.model)),
  };
  const io = data.train.io as ArrayIO;
  const classes = Object.fromEntries(io.outputs.flatMap((p) => (p.labels?.kind === 'class' ? [[p.layer, p.labels.numClasses]] : [])));
  const spec = {
    ...jobSettings(job, modelPath, dir, extra),
    data: { folder: dir, multi: splits, classes },
    // Keras' compile(loss={...}, loss_weights={...}, metrics={...}) keyed by output name.
    outputs: outputHeads(t, job.model.graph.outputs),
    loss: t.loss,
    metrics: t.metrics,
  };
  return writeJob(dir, modelPath, spec);
}

/** What every job says besides its data and loss: optimizer, fit settings, devices, events. */
function jobSettings(job: TrainingJob, modelPath: string, dir: string, extra: { batchEventMs?: number }): Record<string, unknown> {
  const t = job.training;
  return {
    model: modelPath,
    out: dir,
    optimizer: t.optimizer,
    // JSON writes 0.0 as 0: the runner makes these floats again (Keras refuses SGD's momentum=0 as an int).
    optimizerFloatParams: [...OPTIMIZER_FLOAT_PARAMS],
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
}

/**
 * The weights the runner saved beside a .keras file as LAYER/NAME arrays (runner.py `save_weights_npz`), when
 * they hold every weight of the model with its shape in float32; otherwise undefined, and the caller reads the
 * .keras file. Read in-process: no HDF5 parse for a Stop to wait on.
 */
export function readRunnerWeights(kerasPath: string, model: ModelFile): NamedTensor[] | undefined {
  const npz = kerasPath.replace(/\.keras$/, '.weights.npz');
  if (npz === kerasPath || !existsSync(npz)) return undefined;
  let arrays: Map<string, NpyArray>;
  try {
    arrays = readNpz(readFileSync(npz), npz);
  } catch {
    return undefined;
  }
  const out: NamedTensor[] = [];
  for (const w of expectedWeights(model.graph)) {
    const a = arrays.get(w.name);
    if (!a || a.dtype !== '<f4' || a.shape.join() !== w.shape.join()) return undefined;
    out.push({ name: w.name, shape: [...w.shape], dtype: 'float32', data: a.data as Float32Array });
  }
  return out;
}
