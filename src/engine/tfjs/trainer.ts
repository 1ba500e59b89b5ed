/**
 * The TensorFlow.js trainer: the engine that can train the model (./trainableEngine.ts), the job's data,
 * every check before the first batch, then our fit loop (./training/fit.ts), Keras' evaluate and predict.
 */
import type { EngineId } from '../../core/training';
import { UserError, type NamedTensor } from '../../core/types';
import type { TrainingControl } from '../control';
import { describeJobData, loadJobData, type JobData } from '../datasets/jobData';
import type { ArrayData, DataDescription, FitResult, PreparedJob, Trainer, TrainerEvents, TrainingJob } from '../trainer';
import { predictArray, readTfWeightsAsync } from './model';
import type { LayersModel, Tf } from './tf';
import { loadTrainableEngine } from './trainableEngine';
import { adaptNormalizations } from './normalizationAdapt';
import { evaluate } from './training/evaluate';
import { fit, prepareFit, type FitOptions } from './training/fit';

function fitOptionsOf(job: TrainingJob): FitOptions {
  const t = job.training;
  return {
    optimizer: t.optimizer,
    loss: t.loss,
    lossOptions: job.lossOptions ?? t.lossOptions,
    metrics: t.metrics,
    classWeight: t.classWeight,
    outputs: t.outputs,
    epochs: t.epochs,
    batchSize: t.batchSize,
    shuffle: t.shuffle,
    initialEpoch: t.initialEpoch,
    callbacks: t.callbacks,
    seed: job.seed,
    // The model's training configuration, else the job's (bench and smoke runs).
    stepsPerEpoch: t.stepsPerEpoch ?? job.stepsPerEpoch,
  };
}

class TfjsJob implements PreparedJob {
  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    readonly engine: EngineId,
    readonly device: string,
    private readonly sources: JobData,
    readonly data: DataDescription,
    private readonly opts: FitOptions,
  ) {}

  fit(control: TrainingControl, events: TrainerEvents): Promise<FitResult> {
    const { train, validation } = this.sources;
    return fit(this.tf, this.model, { train, validation }, this.opts, events, control);
  }

  async evaluate(): Promise<Record<string, number> | undefined> {
    return this.sources.test && evaluate(this.tf, this.model, this.sources.test, this.opts);
  }

  predict(x: ArrayData): Promise<ArrayData> {
    return predictArray(this.tf, this.model, x);
  }

  weights(): Promise<NamedTensor[]> {
    return readTfWeightsAsync(this.model);
  }

  dispose(): void {
    this.model.dispose();
  }
}

async function prepare(job: TrainingJob, events: TrainerEvents): Promise<PreparedJob> {
  const dataset = job.training.dataset;
  if (!dataset) {
    throw new UserError('No dataset is set for this model.', 'Choose one in Configure Training (e.g. mnist, xor, csv:data.csv).', 'no-dataset');
  }
  if (job.training.mixedPrecision) {
    throw new UserError(
      `Mixed precision (${job.training.mixedPrecision}) needs the keras engine: the TensorFlow.js engines train in float32 only.`,
      'Choose the keras engine (Select Training Engine..., CLI --engine keras), or turn mixed precision off in the training form.',
      'mixed-precision-unsupported',
    );
  }
  const { tf, engine, device, skipped, model, note } = await loadTrainableEngine(job.engine, job.model, job.engineDirs, job.training.batchSize);
  events.onEngine?.({ engine, device, skipped });
  if (note) events.onLog?.(note);
  try {
    // Several inputs: the data says its own shapes (one array per input), checked by the adapter.
    const inputShape = model.inputs.length === 1 ? model.inputs[0].shape.slice(1) : [];
    const sources = await loadJobData(job, dataset, inputShape, (line) => events.onLog?.(line));
    await adaptNormalizations(tf, model, job.model, sources.train, (line) => events.onLog?.(line));
    const opts = fitOptionsOf(job);
    // Every check before the first batch: a bad optimizer, loss, metric, callback or shape fails here.
    prepareFit(tf, model, sources.train, opts);
    if (sources.validation) prepareFit(tf, model, sources.validation, opts);
    const data = describeJobData(sources);
    events.onData?.(data);
    return new TfjsJob(tf, model, engine, device, sources, data, opts);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export const tfjsTrainer: Trainer = { prepare };
