/**
 * TensorBoard event files: the CRC-32C of the record format against known vectors, then TensorBoard's own
 * reader (EventAccumulator, which checks every record's CRC) on what we write: exactly our scalars (as float32),
 * histogram bucket counts and limits, and the hyper-parameters, first from a writer fed by hand, then from a
 * real training run (runJob, the tfjs engine on CPU) against the events it sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getTemplate } from '../../src/core/templates';
import { flattenHyper, trainingConfigOf } from '../../src/core/training';
import type { BatchPoint, EpochPoint, HistogramItem } from '../../src/core/training/events';
import { TrainingControl } from '../../src/engine/control';
import { runJob } from '../../src/engine/job';
import { crc32c, maskedCrc32c } from '../../src/engine/tensorboard/records';
import { TensorBoardLog } from '../../src/engine/tensorboard/writer';
import type { StartJob, WorkerToHost } from '../../src/protocol/worker';
import { tempDir } from '../helpers/paths';
import { checkHistograms, read } from './tensorboardRead';

const f32 = (x: number) => Math.fround(x);

test('CRC-32C and its mask match the reference vectors', () => {
  const ascii = (s: string) => new TextEncoder().encode(s);
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  const c = crc32c(ascii('123456789'));
  assert.equal(maskedCrc32c(ascii('123456789')), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
});

/** What the run's events should read back as: Keras' tags, float32 values, epochs 0-based. */
function expected(batches: BatchPoint[], epochs: EpochPoint[]) {
  const train: Record<string, [number, number][]> = {};
  const validation: Record<string, [number, number][]> = {};
  const add = (to: Record<string, [number, number][]>, tag: string, step: number, v: number) => (to[tag] ??= []).push([step, f32(v)]);
  for (const b of batches) for (const [k, v] of Object.entries(b.metrics)) add(train, `batch_${k}`, b.step, v);
  for (const e of epochs) {
    for (const [k, v] of Object.entries(e.metrics)) {
      if (k.startsWith('val_')) add(validation, `epoch_${k.slice(4)}`, e.epoch - 1, v);
      else add(train, `epoch_${k}`, e.epoch - 1, v);
    }
    if (e.lr !== undefined) add(train, 'epoch_learning_rate', e.epoch - 1, e.lr);
  }
  return { train, validation };
}

test("TensorBoard's reader returns exactly the scalars, histograms and hyper-parameters we wrote", () => {
  const dir = tempDir('ms-tb-');
  const log = new TensorBoardLog(dir);
  const batches: BatchPoint[] = [1, 2, 3, 4].map((s) => ({ step: s, epoch: s <= 2 ? 1 : 2, batch: (s - 1) % 2, metrics: { loss: 1 / s + 0.1, accuracy: 0.3 * s } }));
  const epochs: EpochPoint[] = [1, 2].map((e) => ({ epoch: e, metrics: { loss: 0.7 / e, accuracy: 0.5 + e / 10, val_loss: 0.8 / e, val_accuracy: 0.4 + e / 10 }, lr: 0.001 / e }));
  const hist: HistogramItem[] = [1, 2].flatMap((e) => [
    { epoch: e, layer: 'dense', kind: 'weights' as const, min: -1.5, max: 2, counts: [1, 4, 9, 0, 3 * e] },
    { epoch: e, layer: 'dense', kind: 'activations' as const, min: 0, max: 1, counts: [10, 20 + e] },
  ]);
  for (const b of batches) log.batch(b);
  for (const e of epochs) log.epoch(e);
  log.histograms(hist);
  const hyper = { optimizer: 'adam', 'optimizer.learning_rate': 0.001, batchSize: 32, shuffle: true };
  log.hparams(hyper);
  const got = read([join(dir, 'train'), join(dir, 'validation'), dir]);
  const want = expected(batches, epochs);
  assert.deepEqual(got[join(dir, 'train')].scalars, want.train);
  assert.deepEqual(got[join(dir, 'validation')].scalars, want.validation);
  checkHistograms(got[join(dir, 'train')].histograms, hist);
  assert.deepEqual(got[dir].hparams, hyper);
});

test('a training run writes TensorBoard events that read back as the events it sent', { timeout: 300_000 }, async () => {
  const model = getTemplate('linear-regression')!.build();
  const training = { ...trainingConfigOf(model.userDefinedMetadata)!, epochs: 3, validationSplit: 0.2, callbacks: [{ class_name: 'Histograms', config: { freq: 1 } }] };
  const ws = tempDir('ms-tb-run-');
  const job: StartJob = { sessionId: 'tb', model, training, engine: 'cpu', baseDir: ws, runDir: join(ws, 'run'), seed: 1 };
  const sent: WorkerToHost[] = [];
  const done = await runJob(job, (m) => sent.push(m), new TrainingControl());
  assert.equal(done.status, 'done');
  const batches = sent.flatMap((m) => (m.type === 'batch' ? [m.point] : []));
  const epochs = sent.flatMap((m) => (m.type === 'epoch' ? [m.point] : []));
  const hist = sent.flatMap((m) => (m.type === 'histograms' ? m.items : []));
  assert.equal(epochs.length, 3);
  assert.ok(batches.length > 0 && hist.length > 0, 'the run reported batches and histograms');
  const got = read([join(job.runDir, 'train'), join(job.runDir, 'validation'), job.runDir]);
  const want = expected(batches, epochs);
  assert.deepEqual(got[join(job.runDir, 'train')].scalars, want.train);
  assert.deepEqual(got[join(job.runDir, 'validation')].scalars, want.validation);
  assert.ok(want.validation.epoch_loss.length === 3, 'validation loss per epoch');
  checkHistograms(got[join(job.runDir, 'train')].histograms, hist);
  assert.deepEqual(got[job.runDir].hparams, { ...flattenHyper(training), engine: 'cpu' });
});
