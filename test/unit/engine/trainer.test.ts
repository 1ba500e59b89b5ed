/** The Trainer contract as the worker drives it, on the tfjs trainer: prepare, fit under a control, evaluate, predict. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../../src/core/templates';
import { trainingConfigOf } from '../../../src/core/training';
import { TrainingControl } from '../../../src/engine/control';
import type { BatchEvent, DataDescription, EpochEvent } from '../../../src/engine/trainer';
import { trainerFamily, trainerFor } from '../../../src/engine/trainers';
import type { StartJob } from '../../../src/protocol/worker';
import { tempDir } from '../../helpers/paths';
import { userError } from '../../helpers/assertions';

function xorJob(over: Partial<StartJob['training']> = {}): StartJob {
  const model = getTemplate('xor')!.build();
  const training = { ...trainingConfigOf(model.userDefinedMetadata)!, epochs: 3, ...over };
  const ws = tempDir();
  return { sessionId: 't', model, training, engine: 'cpu', baseDir: ws, runDir: `${ws}/run`, seed: 1 };
}

describe('trainers', () => {
  test('every engine id today belongs to the tfjs family', () => {
    for (const e of ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const) assert.equal(trainerFamily(e), 'tfjs');
  });

  test('the tfjs trainer prepares, fits, evaluates and predicts', async () => {
    const trainer = await trainerFor('cpu');
    let engine = '';
    let data: DataDescription | undefined;
    const job = await trainer.prepare(xorJob(), { onEngine: (e) => (engine = e.engine), onData: (d) => (data = d) });
    try {
      assert.equal(engine, 'cpu');
      assert.equal(job.engine, 'cpu');
      assert.deepEqual(data, job.data);
      assert.match(job.data.train, /4/);
      const epochs: EpochEvent[] = [];
      const batches: BatchEvent[] = [];
      const r = await job.fit(new TrainingControl(), { onEpoch: (p) => void epochs.push(p), onBatch: (p) => void batches.push(p) });
      assert.equal(r.status, 'done');
      assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3]);
      assert.ok(batches.length >= 1);
      // Each batch event says how many batches an epoch has (the progress display's N in "batch x/N").
      const perEpoch = Math.ceil(4 / xorJob().training.batchSize);
      assert.deepEqual([...new Set(batches.map((b) => b.batches))], [perEpoch]);
      assert.ok(batches.every((b) => b.batch >= 1 && b.batch <= perEpoch));
      const test = await job.evaluate();
      assert.ok(test && Number.isFinite(test.loss), 'the xor dataset has a test split');
      const y = await job.predict({ shape: [4, 2], data: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]) });
      assert.deepEqual(y.shape, [4, 1]);
      assert.equal(y.data.length, 4);
      assert.ok((await job.weights()).length > 0);
    } finally {
      job.dispose();
    }
  });

  test('a stop before the first batch ends the fit as stopped', async () => {
    const job = await (await trainerFor('cpu')).prepare(xorJob(), {});
    try {
      const control = new TrainingControl();
      control.stop();
      const r = await job.fit(control, {});
      assert.equal(r.status, 'stopped');
      assert.equal(r.epochs, 0);
    } finally {
      job.dispose();
    }
  });

  test('prepare refuses a job without a dataset', async () => {
    await userError(() => trainerFor('cpu').then((t) => t.prepare(xorJob({ dataset: null }), {})), /No dataset is set/);
  });
});
