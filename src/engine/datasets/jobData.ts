/**
 * The data of a training job, as every trainer reads it: the dataset's splits, a separate validation set or
 * a validation split, and autoencoder targets (`target: 'input'`). Download progress goes out as log lines.
 */
import type { DataDescription, TrainingJob } from '../trainer';
import { outputsProblems } from '../../core/training';
import { UserError } from '../../core/types';
import { checkLabels } from './labels';
import { checkOutputLabels, isMultiIO, namedArraysSource, type ModelLayers } from './multiArray';
import { describeSource, inputAsTarget, trainingSubset, validationSplit, type DataSource } from './source';
import { loadDataset } from './spec';

export interface JobData {
  train: DataSource;
  validation?: DataSource;
  test?: DataSource;
  /** Whatever the dataset tells about itself (class names, vocabulary, ...). */
  info: Record<string, unknown>;
}

/** `dataset` is the job's data spec (checked by the caller); `inputShape` sizes synthetic data and images. */
export async function loadJobData(job: TrainingJob, dataset: string, inputShape: (number | null)[], log: (line: string) => void): Promise<JobData> {
  const t = job.training;
  const onProgress = (p: { file: string; received: number; total?: number }) =>
    log(`Downloading ${p.file}: ${(p.received / 1e6).toFixed(1)}${p.total ? ` of ${(p.total / 1e6).toFixed(1)}` : ''} MB`);
  const g = job.model.graph;
  const layers = { inputs: g.inputs, outputs: g.outputs, dataMap: t.dataMap };
  checkOutputsFor(t, layers);
  const ctx = { baseDir: job.baseDir, cacheDir: job.cacheDir, inputShape, onProgress, layers };
  const data = await loadDataset(dataset, ctx);
  if (isMultiIO(layers) && !data.train.io) {
    // A dataset of x and y for a model with several inputs/outputs: the data map sends each layer to x or y.
    for (const k of ['train', 'validation', 'test'] as const) {
      const s = data[k];
      if (s) data[k] = namedArraysSource(s, layers);
    }
  }
  // Several outputs: the data map says which output learns the input (e.g. {decoded: "x"}), not `target`.
  const asTarget = t.target === 'input' && !isMultiIO(layers);
  // Labels are checked as loaded, before any split or target swap (labels.ts); data whose samples do not fit
  // the model's input is left to the input check, which names the more basic problem.
  const fits = (s: DataSource) => {
    const want = inputShape;
    const size = (d: readonly (number | null)[]) => d.reduce<number>((p, q) => p * (q ?? 1), 1);
    return want.some((d) => d === null) || size(want) === size(s.xShape);
  };
  const check = (s: DataSource | undefined) => (s?.io ? checkOutputLabels(s, g, t) : s && !asTarget && fits(s) ? checkLabels(s, g, t.loss) : undefined);
  await check(data.train);
  await check(data.validation);
  await check(data.test);
  let train = asTarget ? inputAsTarget(data.train) : data.train;
  let validation = data.validation && (asTarget ? inputAsTarget(data.validation) : data.validation);
  if (job.validationData) {
    const v = await loadDataset(job.validationData, ctx);
    if (isMultiIO(layers) && !v.train.io) v.train = namedArraysSource(v.train, layers);
    await check(v.train);
    validation = asTarget ? inputAsTarget(v.train) : v.train;
  } else if (!validation && t.validationSplit > 0) {
    const split = validationSplit(train, t.validationSplit);
    train = split.train;
    validation = split.validation;
  }
  train = trainingSubset(train, t.subset);
  const test = data.test && (asTarget ? inputAsTarget(data.test) : data.test);
  return { train, validation, test, info: data.info };
}

/** The per-output settings and the data map name real layers of this model (checked before any data is read). */
function checkOutputsFor(t: TrainingJob['training'], layers: ModelLayers): void {
  const problems = Object.entries(outputsProblems(t, layers));
  if (problems.length === 0) return;
  const [key, why] = problems[0];
  throw new UserError(
    `The training configuration's ${key}: ${why}.`,
    'Fix it in Configure Training (one loss row per output, the data map), or in the model\'s saved training config.',
    key.startsWith('dataMap') ? 'bad-data-map' : 'bad-outputs',
  );
}

/** One line per split, as the host shows them and config.json keeps them, and the sample counts. */
export function describeJobData(d: JobData): DataDescription {
  return {
    train: describeSource(d.train),
    validation: d.validation && describeSource(d.validation),
    test: d.test && describeSource(d.test),
    samples: { train: d.train.size, validation: d.validation?.size, test: d.test?.size },
    info: d.info,
  };
}
