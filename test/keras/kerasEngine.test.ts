// The keras engine end to end (real Keras 3, JAX, CPU): a session in a worker process, the Python runner it
// starts, events, Stop, a killed runner, missing Pythons, and the same losses as a plain Keras script.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTemplate } from '../../src/core/templates';
import { optimizer, trainingConfigOf, type BatchEvent, type EpochEvent, type TrainingConfig } from '../../src/core/training';
import type { ModelFile } from '../../src/core/types';
import { readModel, writeModel } from '../../src/formats/registry';
import { listRuns } from '../../src/engine/runFolder';
import { SessionManager, trainedModel, type StartRequest, type TrainingSession } from '../../src/engine/sessions';
import type { WorkerToHost } from '../../src/protocol/worker';
import { tempDir } from '../helpers/paths';
import { pythonPath, runPython } from './python';

const managerEnv = { MODEL_STUDIO_PYTHON: pythonPath(), KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' };
const manager = new SessionManager({ env: managerEnv });

function mnistMlp(): { file: ModelFile; training: TrainingConfig } {
  const file = getTemplate('mnist-mlp')!.build();
  return { file, training: trainingConfigOf(file.userDefinedMetadata)! };
}

function start(file: ModelFile, training: TrainingConfig, ws: string, more: Partial<StartRequest> = {}): { s: TrainingSession; messages: WorkerToHost[] } {
  const s = manager.start({ model: file, training, engine: 'keras', baseDir: ws, workspaceDir: ws, seed: 1, ...more });
  const messages: WorkerToHost[] = [];
  s.on('message', (m) => messages.push(m));
  return { s, messages };
}

function when(s: TrainingSession, type: WorkerToHost['type']): Promise<WorkerToHost> {
  return new Promise((resolve) => s.on('message', (m) => m.type === type && resolve(m)));
}

const epochsOf = (ms: WorkerToHost[]): EpochEvent[] => ms.flatMap((m) => (m.type === 'epoch' ? [m.point] : []));
const batchesOf = (ms: WorkerToHost[]): BatchEvent[] => ms.flatMap((m) => (m.type === 'batch' ? [m.point] : []));

function fakePython(body: string): string {
  const p = join(tempDir('ms-keras-py-'), 'python');
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('keras engine: training through the Python runner', () => {
  test('mnist-mlp trains to >= 97% test accuracy with live batch and epoch events', async (t) => {
    const ws = tempDir();
    const { file, training } = mnistMlp();
    const t0 = Date.now();
    const { s, messages } = start(file, training, ws);
    const r = await s.result;
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(r.status, 'done', `${r.message} ${r.hint ?? ''}`);
    const engine = messages.find((m) => m.type === 'engine');
    assert.ok(engine?.type === 'engine' && /^keras · Keras 3\.15 · JAX · cpu x\d+$/.test(engine.device), JSON.stringify(engine));
    const epochs = epochsOf(messages);
    const batches = batchesOf(messages);
    assert.equal(epochs.length, training.epochs);
    assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3, 4, 5]);
    for (const e of epochs) for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) assert.ok(Number.isFinite(e.metrics[k]), `${k} in ${JSON.stringify(e)}`);
    assert.ok(batches.length >= training.epochs, `${batches.length} batch events`);
    assert.ok(batches.every((b) => Number.isFinite(b.metrics.loss) && b.batch >= 1 && b.step >= 1 && b.epoch >= 1));
    // Each batch event says how many batches an epoch has (the progress display's N in "batch x/N").
    assert.equal(new Set(batches.map((b) => b.batches)).size, 1, JSON.stringify(batches[0]));
    assert.ok(batches.every((b) => b.batches !== undefined && b.batch <= b.batches));
    assert.ok(epochs[4].metrics.loss < epochs[0].metrics.loss);
    assert.ok(r.test && r.test.accuracy >= 0.97, `test accuracy ${r.test?.accuracy}`);
    // The run folder and the weights that come back.
    const run = listRuns(ws, 'mnist_mlp')[0];
    assert.equal(run.epochs.length, 5);
    assert.equal(run.end?.status, 'done');
    assert.equal((run.config as { engine: string }).engine, 'keras');
    const trained = await trainedModel(file, r.finalPath!);
    assert.deepEqual(trained.weights.map((w) => w.name), ['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'digits/kernel', 'digits/bias']);
    t.diagnostic(`mnist-mlp on keras (JAX, CPU): ${seconds.toFixed(1)} s for 5 epochs, test accuracy ${r.test.accuracy.toFixed(4)}, ${batches.length} batch events`);
  });

  test('Stop ends the runner within 2 s, keeping the last batch', async (t) => {
    const ws = tempDir();
    const { file, training } = mnistMlp();
    const { s } = start(file, { ...training, epochs: 50 }, ws);
    await when(s, 'batch');
    const t0 = Date.now();
    const r = await s.stop('batch');
    const ms = Date.now() - t0;
    assert.equal(r.status, 'stopped', r.message);
    assert.equal(r.weights, 'last-batch');
    assert.doesNotMatch(r.message ?? '', /killed/);
    assert.ok(ms < 2000, `stopped in ${ms} ms`);
    t.diagnostic(`Stop to result: ${ms} ms`);
    assert.ok(r.finalPath && existsSync(r.finalPath));
  });

  test('SIGKILL of the runner: the model file is byte-identical, the run ends failed as killed, the checkpoint stays', async () => {
    const ws = tempDir();
    const { file, training } = mnistMlp();
    const modelPath = join(ws, 'mnist_mlp.keras');
    await writeModel(modelPath, { ...file, weights: (await import('../../src/core/initializers')).reconcileWeights(file.graph, [], 1) });
    const hash = () => createHash('sha256').update(readFileSync(modelPath)).digest('hex');
    const before = hash();
    const { s } = start(await readModel(modelPath), { ...training, epochs: 50 }, ws, { stepsPerEpoch: 20 });
    await when(s, 'checkpoint');
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(s.pid)], { encoding: 'utf8' });
    const runner = children.split('\n').find((l) => l.includes('runner.py'));
    assert.ok(runner, `no runner among the worker's children:\n${children}`);
    process.kill(Number(runner.trim().split(/\s+/)[0]), 'SIGKILL');
    const r = await s.result;
    assert.equal(r.status, 'failed');
    assert.match(r.message ?? '', /The Keras runner was killed \(SIGKILL\)/);
    assert.match(r.hint ?? '', /model file is unchanged/);
    assert.equal(hash(), before);
    const run = listRuns(ws, 'mnist_mlp')[0];
    assert.equal(run.end?.status, 'failed');
    assert.match(String(run.end?.message), /killed \(SIGKILL\)/);
    assert.ok(existsSync(join(run.dir, 'checkpoints', 'last', 'model.json')));
  });

  test('a missing interpreter and a Python without keras fail with their reasons', async () => {
    const ws = tempDir();
    const { file, training } = mnistMlp();
    const missing = await start(file, training, ws, { python: join(ws, 'no', 'python') }).s.result;
    assert.equal(missing.status, 'failed');
    assert.match(missing.message ?? '', /keras engine is not available: No Python interpreter at/);
    assert.match(missing.hint ?? '', /pip install keras jax/);
    const noKeras = await start(file, training, ws, { python: fakePython(`exec "${pythonPath()}" -S "$@"`) }).s.result;
    assert.equal(noKeras.status, 'failed');
    assert.match(noKeras.message ?? '', /keras engine is not available: Keras is not installed in this Python/);
    assert.match(noKeras.hint ?? '', /pip install keras/);
  });

  test('data that does not fit the model fails before Python, leaving no job files behind', async () => {
    const ws = tempDir();
    const { file, training } = mnistMlp();
    // A temporary folder of its own: other keras runs on this machine write theirs into the shared one.
    const tmp = tempDir('ms-keras-tmp-');
    const jobDirs = () => readdirSync(tmp).filter((d) => d.startsWith('model-studio-keras-')).sort();
    const before = jobDirs();
    const own = new SessionManager({ env: { ...managerEnv, TMPDIR: tmp } });
    const r = await own.start({ model: file, training: { ...training, dataset: 'xor' }, engine: 'keras', baseDir: ws, workspaceDir: ws, seed: 1 }).result;
    assert.equal(r.status, 'failed');
    assert.match(r.message ?? '', /samples of shape \[2\] do not fit the model's input \[28,28,1\]/);
    assert.match(r.hint ?? '', /Choose a dataset that matches the model/);
    assert.deepEqual(jobDirs().filter((d) => !before.includes(d)), []);
  });

  test('a Python exception is one message with a hint; the run ends failed with its log', async () => {
    const ws = tempDir();
    const { file, training } = mnistMlp();
    const { s, messages } = start(file, { ...training, optimizer: { name: 'adam', params: { learning_rate: 0.001, betta_1: 0.9 } } }, ws);
    const r = await s.result;
    assert.equal(r.status, 'failed');
    assert.match(r.message ?? '', /^Keras failed: .*betta_1/);
    assert.match(r.hint ?? '', /traceback/);
    assert.ok(messages.some((m) => m.type === 'log' && /Traceback/.test(m.line)), 'the traceback is in the log');
    assert.equal(listRuns(ws, 'mnist_mlp')[0].end?.status, 'failed');
  });

  test('same model, weights, data order and optimizer: the same per-epoch losses as a plain Keras script (1e-5)', async () => {
    const ws = tempDir();
    runPython('kerasEngine.py', { op: 'make', dir: ws, n: 256 });
    const file = await readModel(join(ws, 'model.keras'));
    const training: TrainingConfig = {
      dataset: `npy:${join(ws, 'x.npy')},${join(ws, 'y.npy')}`,
      optimizer: optimizer('sgd', { learning_rate: 0.05, momentum: 0.9 }),
      loss: 'mean_squared_error',
      metrics: ['mae'],
      epochs: 4,
      batchSize: 32,
      validationSplit: 0,
      shuffle: true,
    };
    const { s, messages } = start(file, training, ws, { seed: 7 });
    const r = await s.result;
    assert.equal(r.status, 'done', `${r.message} ${r.hint ?? ''}`);
    const ours = epochsOf(messages);
    const plain = runPython<{ loss: number[]; mae: number[] }>('kerasEngine.py', { op: 'fit', dir: ws, seed: 7, lr: 0.05, batchSize: 32, epochs: 4 });
    assert.equal(ours.length, 4);
    ours.forEach((e, i) => {
      assert.ok(Math.abs(e.metrics.loss - plain.loss[i]) <= 1e-5, `epoch ${i + 1}: loss ${e.metrics.loss} vs ${plain.loss[i]}`);
      assert.ok(Math.abs(e.metrics.mae - plain.mae[i]) <= 1e-5, `epoch ${i + 1}: mae ${e.metrics.mae} vs ${plain.mae[i]}`);
    });
    assert.ok(plain.loss[3] < plain.loss[0]);
  });
});
