// The keras engine on several machines: two processes on 127.0.0.1 joined by keras.distribution.initialize
// (JAX, CPU, gloo collectives), started as a user would: process 0 from `model-studio train --coordinator ...`,
// process 1 from the command line process 0 prints, each in its own folder. Their weights after N steps must
// equal one device with the same global batch (1e-5).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { optimizer, withTraining, type TrainingConfig } from '../../src/core/training';
import type { NamedTensor } from '../../src/core/types';
import { readModel, writeModel } from '../../src/formats/registry';
import { repoRoot, tempDir } from '../helpers/paths';
import { pythonPath, runPython } from './python';

const env = { ...process.env, MODEL_STUDIO_PYTHON: pythonPath(), KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3', XLA_FLAGS: '' };
const cli = join(repoRoot, 'bin', 'model-studio.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a shell command line (the CLI as `model-studio`, exec'd: a signal to the child reaches the CLI itself),
 * calling `onStdout` with what it has printed so far and the child process.
 */
function shell(line: string, cwd: string, onStdout: (all: string, p: ChildProcess) => void = () => undefined): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', `model-studio() { exec node ${cli} "$@"; }; ${line}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => onStdout((stdout += d.toString()), p));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const diff = (a: NamedTensor[], b: NamedTensor[]) => Math.max(...a.map((w, i) => Math.max(...w.data.map((v, j) => Math.abs(v - b[i].data[j])))));

/** A TF.js model.json with our training configuration, on 256 rows the Python helper made in `ws`. */
async function clusterModel(ws: string, epochs: number) {
  runPython('kerasEngine.py', { op: 'make', dir: ws, n: 256 });
  // TF.js model.json keeps our training configuration (shuffle off: the same data order everywhere).
  const modelPath = join(ws, 'model.json');
  const training: TrainingConfig = {
    dataset: `npy:${join(ws, 'x.npy')},${join(ws, 'y.npy')}`,
    optimizer: optimizer('sgd', { learning_rate: 0.05, momentum: 0.9 }),
    loss: 'mean_squared_error',
    metrics: ['mae'],
    epochs,
    batchSize: 32,
    validationSplit: 0,
    shuffle: false,
  };
  const initial = await readModel(join(ws, 'model.keras'));
  await writeModel(modelPath, withTraining(initial, training));
  return { modelPath, initial };
}

describe('keras engine: several processes (keras.distribution.initialize)', () => {
  test('two processes on 127.0.0.1 give the same weights after N steps as one device, same global batch (1e-5)', async (t) => {
    const ws = tempDir();
    const { modelPath, initial } = await clusterModel(ws, 3);
    const common = `train ${modelPath} --engine keras --seed 3 --out trained.keras`;
    const [dir0, dir1, single] = ['p0', 'p1', 'single'].map((d) => join(ws, d));
    for (const d of [dir0, dir1, single]) mkdirSync(d);

    const port = await freePort();
    let second: Promise<Ran> | undefined;
    const first = await shell(`model-studio ${common} --coordinator 127.0.0.1:${port} --num-processes 2 --process-id 0`, dir0, (all) => {
      // Process 1 runs exactly the command process 0 printed for it, in its own folder (another machine).
      const line = /^ {2}(model-studio train .* --process-id 1)$/m.exec(all)?.[1];
      if (line && !second) second = shell(line, dir1);
    });
    assert.ok(second, `process 0 printed no command line for process 1:\n${first.stdout}\n${first.stderr}`);
    const other = await second;
    assert.equal(first.code, 0, first.stderr);
    assert.equal(other.code, 0, other.stderr);
    assert.match(first.stdout, /Data-parallel over 2 devices in 2 processes/);
    // Metrics come from process 0 only.
    assert.match(first.stdout, /^Epoch 3\/3 .*loss: /m);
    assert.doesNotMatch(other.stdout, /^Epoch \d/m);
    assert.match(other.stdout, /Process 1 of 2: metrics and checkpoints come from process 0/);

    const alone = await shell(`model-studio ${common}`, single);
    assert.equal(alone.code, 0, alone.stderr);
    const [w0, w1, w] = await Promise.all([dir0, dir1, single].map(async (d) => (await readModel(join(d, 'trained.keras'))).weights));
    assert.deepEqual(w0.map((t) => t.name), w.map((t) => t.name));
    t.diagnostic(`max weight difference: process 0 ${diff(w0, w)}, process 1 ${diff(w1, w)}`);
    assert.ok(diff(w0, w) <= 1e-5, `process 0 vs one device: ${diff(w0, w)}`);
    assert.ok(diff(w1, w) <= 1e-5, `process 1 vs one device: ${diff(w1, w)}`);
    // Training moved them: the comparison is not between two untouched copies.
    assert.ok(diff(w, initial.weights) > 1e-3);
  });

  test('Stop given to one process (Ctrl+C of process 1) stops both at the same step, each saving the same weights', { timeout: 600_000 }, async (t) => {
    const ws = tempDir();
    // Far more epochs than the test waits for: only a Stop ends it.
    const { modelPath, initial } = await clusterModel(ws, 5000);
    const common = `train ${modelPath} --engine keras --seed 3 --out trained.keras`;
    const [dir0, dir1] = ['p0', 'p1'].map((d) => join(ws, d));
    for (const d of [dir0, dir1]) mkdirSync(d);
    const port = await freePort();
    let second: Promise<Ran> | undefined;
    let child1: ChildProcess | undefined;
    let interrupted = false;
    const first = await shell(`model-studio ${common} --coordinator 127.0.0.1:${port} --num-processes 2 --process-id 0`, dir0, (all) => {
      const line = /^ {2}(model-studio train .* --process-id 1)$/m.exec(all)?.[1];
      if (line && !second) second = shell(line, dir1, (_out, p) => (child1 = p));
      // Training is under way in both (process 0 reports epoch 2): interrupt process 1 only, as on its machine.
      if (!interrupted && child1 && /^Epoch 2\/5000 /m.test(all)) {
        interrupted = true;
        child1.kill('SIGINT');
      }
    });
    assert.ok(second, `process 0 printed no command line for process 1:\n${first.stdout}\n${first.stderr}`);
    const other = await second;
    assert.ok(interrupted, `process 1 was never interrupted:\n${first.stdout}\n${first.stderr}`);
    assert.equal(other.code, 0, other.stderr);
    assert.equal(first.code, 0, first.stderr);
    assert.match(other.stdout, /Training stopped after \d+ epoch/);
    assert.match(first.stdout, /Training stopped after \d+ epoch/);
    assert.match(first.stdout, /Process 0: stopping with process 1/);
    const [w0, w1] = await Promise.all([dir0, dir1].map(async (d) => (await readModel(join(d, 'trained.keras'))).weights));
    t.diagnostic(`weights of process 0 and process 1 differ by ${diff(w0, w1)}`);
    // Both stopped after the same step: their replicas are equal (data-parallel weights are the same everywhere).
    assert.ok(diff(w0, w1) <= 1e-6, `process 0 vs process 1: ${diff(w0, w1)}`);
    assert.ok(diff(w0, initial.weights) > 1e-3);
  });
});
