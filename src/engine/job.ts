/**
 * One training session from start to end, as the worker process runs it: engine, model, data, checks, fit,
 * run folder (config.json, metrics.jsonl, checkpoints/, final/), test evaluation. Messages go out through
 * `send`; the model file itself is never written here (the host decides what to do with the result).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kerasTrainingConfig, type TrainingConfig } from '../core/training';
import { isUserError, type JsonObject, type ModelFile } from '../core/types';
import { writeModel } from '../formats/registry';
import type { StartJob, WorkerToHost } from '../protocol/worker';
import { ENGINE_ORDER, loadEngine } from './tfjs/engines';
import { describeSource, inputAsTarget, validationSplit } from './datasets/source';
import { loadDataset } from './datasets/spec';
import { buildTfModel, readTfWeightsAsync } from './tfjs/model';
import { evaluate, fit, prepareFit, TrainingControl, type FitOptions } from './tfjs/training/fit';
import { modelIOShapes } from './tfjs/training/adapter';
import type { LayersModel, Tf } from './tfjs/tf';
import { UserError } from '../core/types';

export type Send = (m: WorkerToHost) => void;

/** Checkpoints are written to disk at most this often (and always at the end of a run). */
export const CHECKPOINT_MS = 2000;

/** The model file with the trained weights and the training configuration written the Keras way. */
export function withTraining(file: ModelFile, weights: ModelFile['weights'], training: TrainingConfig): ModelFile {
  const meta = { ...(file.userDefinedMetadata ?? {}) };
  const ms = meta.modelStudio && typeof meta.modelStudio === 'object' && !Array.isArray(meta.modelStudio) ? meta.modelStudio : {};
  meta.modelStudio = { ...(ms as JsonObject), training: training as unknown as JsonObject };
  return { ...file, weights, trainingConfig: kerasTrainingConfig(training), userDefinedMetadata: meta };
}

export function fitOptionsOf(job: StartJob): FitOptions {
  const t = job.training;
  return {
    optimizer: t.optimizer,
    loss: t.loss,
    lossOptions: job.lossOptions ?? t.lossOptions,
    metrics: t.metrics,
    epochs: t.epochs,
    batchSize: t.batchSize,
    shuffle: t.shuffle,
    initialEpoch: t.initialEpoch,
    callbacks: t.callbacks,
    seed: job.seed,
    stepsPerEpoch: job.stepsPerEpoch,
  };
}

async function saveModel(tf: Tf, model: LayersModel, job: StartJob, path: string): Promise<void> {
  void tf;
  const weights = await readTfWeightsAsync(model);
  await writeModel(path, withTraining(job.model, weights, job.training), 'tfjs');
}

/** Runs the session; resolves with the `done` message (the caller sends it last), rejects on failure. */
export async function runJob(job: StartJob, send: Send, control: TrainingControl): Promise<Extract<WorkerToHost, { type: 'done' }>> {
  const t = job.training;
  if (!t.dataset) {
    throw new UserError('No dataset is set for this model.', 'Choose one in Configure Training (e.g. mnist, xor, csv:data.csv).', 'no-dataset');
  }
  // Pick an engine that can run this model's gradients: a backend may lack a backward kernel (our kernels fill
  // wasm's known gaps). With 'auto' the next engine is tried; a named engine fails with the reason.
  const loaded = await loadEngine(job.engine, { extraDirs: job.engineDirs });
  const skipped = [...loaded.skipped];
  let { tf, engine, device } = loaded;
  let model = await buildTfModel(tf, job.model);
  for (;;) {
    const missing = missingKernel(tf, model);
    if (!missing) break;
    model.dispose();
    const reason = `cannot train this model: it has no "${missing}" kernel.`;
    const rest = ENGINE_ORDER.slice(ENGINE_ORDER.indexOf(engine) + 1);
    if (job.engine !== 'auto' || rest.length === 0) {
      throw new UserError(`The ${engine} engine ${reason}`, 'Choose another engine (cpu always works, slower).', 'engine-kernel');
    }
    skipped.push({ engine, reason });
    const next = await loadEngine(rest[0], { extraDirs: job.engineDirs }).catch(async () => loadEngine('cpu'));
    ({ tf, engine, device } = next);
    model = await buildTfModel(tf, job.model);
  }
  send({ type: 'engine', engine, device, skipped });
  try {
    const io = modelIOShapes(model);
    const onProgress = (p: { file: string; received: number; total?: number }) =>
      send({ type: 'log', line: `Downloading ${p.file}: ${(p.received / 1e6).toFixed(1)}${p.total ? ` of ${(p.total / 1e6).toFixed(1)}` : ''} MB` });
    const ctx = { baseDir: job.baseDir, cacheDir: job.cacheDir, inputShape: io.input, onProgress };
    const data = await loadDataset(t.dataset, ctx);
    const asTarget = t.target === 'input';
    let train = asTarget ? inputAsTarget(data.train) : data.train;
    let validation = data.validation && (asTarget ? inputAsTarget(data.validation) : data.validation);
    if (job.validationData) {
      const v = await loadDataset(job.validationData, ctx);
      validation = asTarget ? inputAsTarget(v.train) : v.train;
    } else if (!validation && t.validationSplit > 0) {
      const split = validationSplit(train, t.validationSplit);
      train = split.train;
      validation = split.validation;
    }
    const test = data.test && (asTarget ? inputAsTarget(data.test) : data.test);
    const opts = fitOptionsOf(job);
    // Every check before the first batch: a bad optimizer, loss, metric, callback or shape fails here.
    prepareFit(tf, model, train, opts);
    if (validation) prepareFit(tf, model, validation, opts);
    send({ type: 'data', train: describeSource(train), validation: validation && describeSource(validation), test: test && describeSource(test) });

    mkdirSync(job.runDir, { recursive: true });
    const metricsPath = join(job.runDir, 'metrics.jsonl');
    writeFileSync(
      join(job.runDir, 'config.json'),
      JSON.stringify(
        {
          sessionId: job.sessionId,
          model: job.model.graph.name,
          startedAt: new Date().toISOString(),
          engine,
          device,
          training: t,
          lossOptions: job.lossOptions ?? t.lossOptions ?? null,
          validationData: job.validationData ?? null,
          seed: job.seed ?? null,
          data: { train: describeSource(train), validation: validation ? describeSource(validation) : null, test: test ? describeSource(test) : null, info: data.info },
        },
        null,
        2,
      ),
    );
    writeFileSync(metricsPath, '');
    const line = (o: unknown) => appendFileSync(metricsPath, `${JSON.stringify(o)}\n`);

    const pending = new Map<'best' | 'last', { weights: ModelFile['weights']; epoch: number }>();
    let lastFlush = Date.now();
    const flush = async () => {
      lastFlush = Date.now();
      for (const [kind, c] of pending) {
        const path = join(job.runDir, 'checkpoints', kind, 'model.json');
        await writeModel(path, withTraining(job.model, c.weights, job.training), 'tfjs');
        send({ type: 'checkpoint', kinds: [kind], epoch: c.epoch, paths: [path] });
      }
      pending.clear();
    };

    send({ type: 'state', state: 'running' });
    const result = await fit(
      tf,
      model,
      { train, validation },
      opts,
      {
        onBatch: (point) => send({ type: 'batch', point }),
        onEpoch: (point) => {
          line({ type: 'epoch', ...point });
          send({ type: 'epoch', point });
        },
        onHistograms: (items) => send({ type: 'histograms', items }),
        onLog: (l) => send({ type: 'log', line: l }),
        onCheckpoint: async (kinds, epoch) => {
          // Weights are copied every epoch (cheap) but written at most every CHECKPOINT_MS and at the end:
          // a 500-epoch XOR run must not write 1,000 files.
          const weights = await readTfWeightsAsync(model);
          for (const k of kinds) pending.set(k, { weights, epoch });
          if (Date.now() - lastFlush >= CHECKPOINT_MS) await flush();
        },
      },
      control,
    );
    await flush();
    if (result.status === 'nan') {
      line({ type: 'end', status: 'failed', message: result.message });
      throw new UserError(result.message ?? 'The loss became NaN.', 'Lower the learning rate.', 'nan-loss');
    }
    const finalPath = join(job.runDir, 'final', 'model.json');
    await saveModel(tf, model, job, finalPath);
    let testMetrics: Record<string, number> | undefined;
    if (test && result.status !== 'stopped') {
      testMetrics = await evaluate(tf, model, test, opts);
    }
    line({ type: 'end', status: result.status, epochs: result.epochs, weights: result.weights, message: result.message ?? null, test: testMetrics ?? null });
    return { type: 'done', status: result.status, epochs: result.epochs, finalPath, weights: result.weights, message: result.message, test: testMetrics };
  } finally {
    model.dispose();
  }
}

/** An error as the failed message carries it. */
export function failure(e: unknown): Extract<WorkerToHost, { type: 'failed' }> {
  if (isUserError(e)) return { type: 'failed', message: e.message, hint: (e as UserError).hint, code: (e as UserError).code };
  const err = e as Error;
  return { type: 'failed', message: `Training crashed: ${err?.message ?? String(e)}`, code: 'crash' };
}

/**
 * One gradient computation on two zero samples, nothing applied: returns the name of a kernel the engine lacks
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"), or undefined when the model trains.
 */
export function missingKernel(tf: Tf, model: LayersModel): string | undefined {
  const io = modelIOShapes(model);
  const inShape = io.input.map((d) => d ?? 4) as number[];
  // BatchNormalization updates its moving statistics in a training call: keep them as they were.
  const frozen = model.weights.filter((w) => !w.trainable);
  const saved = frozen.map((w) => tf.clone(w.read()));
  try {
    tf.tidy(() => {
      const xs = tf.zeros([2, ...inShape], io.inputDType === 'int32' ? 'int32' : 'float32');
      tf.variableGrads(() => tf.mean(model.apply(xs, { training: true }) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar);
    });
  } catch (e) {
    const m = /Kernel '(\w+)' not registered/.exec(e instanceof Error ? e.message : String(e));
    if (m) return m[1];
    throw e;
  } finally {
    frozen.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
  }
  return undefined;
}
