import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getTemplate } from '../../../src/core/templates';
import { optimizer, trainingConfigOf, type TrainingConfig } from '../../../src/core/training';
import type { ModelFile } from '../../../src/core/types';
import { readModel, writeModel } from '../../../src/formats/registry';
import { SessionManager, trainedModel, type TrainingSession } from '../../../src/engine/sessions';
import { listRuns } from '../../../src/engine/runFolder';
import { buildTfModel, readTfWeights } from '../../../src/engine/tfjs/model';
import { parseHostToWorker, parseWorkerToHost } from '../../../src/protocol/worker';
import { tempDir } from '../../helpers/paths';

const manager = new SessionManager();
// A test that fails mid-run must not leave its 100,000-epoch worker (and this file's process) running.
after(() => manager.disposeAll());

function start(file: ModelFile, training: TrainingConfig, workspaceDir: string, runLabel?: string): TrainingSession {
  return manager.start({ model: file, training, engine: 'cpu', baseDir: workspaceDir, workspaceDir, runLabel, seed: 1 });
}

function firstEpoch(s: TrainingSession): Promise<void> {
  return new Promise((resolve) => s.on('message', (m) => m.type === 'epoch' && resolve()));
}

describe('training sessions in worker processes', () => {
  test('four sessions (SGD, Momentum, Adagrad, Adam) at once, each with its own run folder', async () => {
    const ws = tempDir();
    const file = getTemplate('linear-regression')!.build();
    const base = trainingConfigOf(file.userDefinedMetadata)!;
    const opts = {
      sgd: optimizer('sgd', { learning_rate: 0.05 }),
      momentum: optimizer('sgd', { learning_rate: 0.05, momentum: 0.9 }),
      adagrad: optimizer('adagrad', { learning_rate: 0.5 }),
      adam: optimizer('adam', { learning_rate: 0.05 }),
    };
    const sessions = Object.entries(opts).map(([label, o]) => start(file, { ...base, optimizer: o, epochs: 8, batchSize: 50 }, ws, label));
    const results = await Promise.all(sessions.map((s) => s.result));
    for (const r of results) assert.equal(r.status, 'done', r.message);
    assert.equal(new Set(sessions.map((s) => s.runDir)).size, 4);
    const runs = listRuns(ws, 'linear_regression');
    assert.equal(runs.length, 4);
    for (const [i, s] of sessions.entries()) {
      const run = runs.find((r) => r.dir === s.runDir)!;
      assert.ok(run, `run folder of session ${i}`);
      assert.deepEqual((run.config!.training as TrainingConfig).optimizer, Object.values(opts)[i]);
      assert.equal(run.epochs.length, 8);
      assert.equal(run.end!.status, 'done');
      assert.ok(existsSync(join(s.runDir, 'final', 'model.json')));
      // The loss went down in every session.
      const losses = run.epochs.map((e) => (e.metrics as Record<string, number>).loss);
      assert.ok(losses.at(-1)! < losses[0], `${Object.keys(opts)[i]}: ${losses.join(', ')}`);
    }
    // The trained weights can be merged back into the model and predict.
    const trained = await trainedModel(file, results[3].finalPath!);
    await tf.setBackend('cpu');
    const m = await buildTfModel(tf, trained, { strict: true });
    const y = (m.predict(tf.tensor2d([[0.5, -0.5, 0.25]])) as tf.Tensor).dataSync()[0];
    // y = 2*0.5 - 3.5*(-0.5) + 1.25*0.25 + 0.5 = 3.5625
    assert.ok(Math.abs(y - 3.5625) < 0.5, `prediction ${y}`);
  });

  test('stop returns within 2 s and leaves a usable checkpoint', async () => {
    const ws = tempDir();
    const file = getTemplate('linear-regression')!.build();
    const base = trainingConfigOf(file.userDefinedMetadata)!;
    const s = start(file, { ...base, epochs: 100000, batchSize: 8 }, ws);
    await firstEpoch(s);
    const t0 = Date.now();
    const r = await s.stop('batch');
    const took = Date.now() - t0;
    assert.ok(took < 2000, `stop took ${took} ms`);
    assert.equal(r.status, 'stopped');
    const ckpt = join(s.runDir, 'checkpoints', 'last', 'model.json');
    assert.ok(existsSync(ckpt));
    const back = await readModel(ckpt);
    await tf.setBackend('cpu');
    const m = await buildTfModel(tf, back, { strict: true });
    assert.ok(Number.isFinite((m.predict(tf.tensor2d([[0, 0, 0]])) as tf.Tensor).dataSync()[0]));
    assert.ok(existsSync(r.finalPath!), 'the stopped weights are saved as the run result');
  });

  test('SIGKILL mid-epoch: model file byte-identical, session failed with the reason', async () => {
    const ws = tempDir();
    const modelPath = join(ws, 'model.json');
    const template = getTemplate('linear-regression')!.build();
    await tf.setBackend('cpu');
    const initial = await buildTfModel(tf, template);
    const file = { ...template, weights: readTfWeights(initial) };
    await writeModel(modelPath, file);
    const before = readFileSync(modelPath);
    const weightsBefore = readFileSync(join(ws, 'weights.bin'));
    const s = start(await readModel(modelPath), { ...trainingConfigOf(file.userDefinedMetadata)!, epochs: 100000, batchSize: 4 }, ws);
    await firstEpoch(s);
    process.kill(s.pid!, 'SIGKILL');
    const r = await s.result;
    assert.equal(r.status, 'failed');
    assert.match(r.message!, /The training process was killed \(SIGKILL\) before training finished/);
    assert.equal(s.state, 'failed');
    assert.deepEqual(readFileSync(modelPath), before);
    assert.deepEqual(readFileSync(join(ws, 'weights.bin')), weightsBefore);
  });

  test('bad inputs: one clear error before training starts', async () => {
    const ws = tempDir();
    const file = getTemplate('xor')!.build();
    const base = trainingConfigOf(file.userDefinedMetadata)!;
    const cases: [Partial<TrainingConfig>, RegExp][] = [
      [{ optimizer: { name: 'lbfgs' as never, params: {} } }, /Unknown optimizer "lbfgs"/],
      [{ dataset: 'csv:nothere.csv' }, /CSV file not found/],
      [{ dataset: 'linear?features=5' }, /input has shape \[5\] but the model's input is \[2\]/],
    ];
    const sessions = cases.map(([over]) => start(file, { ...base, ...over }, ws));
    const results = await Promise.all(sessions.map((s) => s.result));
    results.forEach((r, i) => {
      assert.equal(r.status, 'failed');
      assert.match(r.message!, cases[i][1]);
    });
    // Nothing trained: no epoch was recorded.
    for (const s of sessions) assert.ok(!existsSync(join(s.runDir, 'metrics.jsonl')));
  });
});

describe('worker protocol validation', () => {
  test('unknown or malformed messages are dropped', () => {
    assert.equal(parseHostToWorker({ type: 'explode' }), undefined);
    assert.equal(parseHostToWorker({ type: 'stop', keep: 'everything' }), undefined);
    assert.deepEqual(parseHostToWorker({ type: 'stop', keep: 'epoch' }), { type: 'stop', keep: 'epoch' });
    assert.equal(parseHostToWorker({ type: 'start', job: { sessionId: 1 } }), undefined);
    assert.equal(parseWorkerToHost({ type: 'epoch', point: { epoch: 'one' } }), undefined);
    assert.equal(parseWorkerToHost(null), undefined);
    assert.deepEqual(parseWorkerToHost({ type: 'log', line: 'hi' }), { type: 'log', line: 'hi' });
  });
});
