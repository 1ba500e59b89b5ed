/**
 * The wasm engine on tfjs-backend-wasm's threaded SIMD build (src/engine/tfjs/wasmThreads.ts): the thread count
 * asked for, and, in child processes (a backend starts once per process), that the threaded build starts in
 * Node with the threads asked for and computes what the reference cpu backend computes (to 1e-4), forward and
 * gradient, through XNNPACK's thread pool (products large enough to be split).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { wasmThreadsWanted } from '../../../src/engine/tfjs/wasmThreads';

test('threads: every core by default, at most 8; MODEL_STUDIO_WASM_THREADS overrides; nonsense is ignored', () => {
  assert.equal(wasmThreadsWanted({}, 2), 2);
  assert.equal(wasmThreadsWanted({}, 64), 8);
  assert.equal(wasmThreadsWanted({ MODEL_STUDIO_WASM_THREADS: '1' }, 4), 1);
  assert.equal(wasmThreadsWanted({ MODEL_STUDIO_WASM_THREADS: '3' }, 2), 3);
  assert.equal(wasmThreadsWanted({ MODEL_STUDIO_WASM_THREADS: 'many' }, 2), 2);
  assert.equal(wasmThreadsWanted({ MODEL_STUDIO_WASM_THREADS: '0' }, 2), 2);
});

// Runs in a child: loads the wasm engine, computes a dense product and a convolution with their gradients on
// wasm and on cpu, prints the device and the largest difference.
const CHILD = `
const tf = require('@tensorflow/tfjs');
const { loadEngine } = require('./src/engine/tfjs/engines');
(async () => {
  const work = () => {
    const x = tf.randomNormal([64, 300], 0, 1, 'float32', 1), w = tf.randomNormal([300, 200], 0, 1, 'float32', 2);
    const img = tf.randomNormal([8, 20, 20, 16], 0, 1, 'float32', 3), k = tf.randomNormal([3, 3, 16, 32], 0, 1, 'float32', 4);
    const f = (w, k) => tf.add(tf.sum(tf.relu(tf.matMul(x, w))), tf.sum(tf.square(tf.conv2d(img, k, 1, 'same'))));
    const { value, grads } = tf.valueAndGrads(f)([w, k]);
    return [value, ...grads].map((t) => Array.from(t.dataSync()));
  };
  const { device } = await loadEngine('wasm');
  const onWasm = work();
  await tf.setBackend('cpu');
  const onCpu = work();
  let worst = 0;
  // Per tensor: the largest difference relative to the tensor's largest value (float32 sums in another order).
  onWasm.forEach((a, i) => {
    const scale = Math.max(1, ...onCpu[i].map(Math.abs));
    a.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - onCpu[i][j]) / scale); });
  });
  process.stdout.write(JSON.stringify({ device, worst }));
  console.error('done');
})().catch((e) => { console.error(e); process.exit(1); });
`;

function runChild(threads: string): { device: string; worst: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', CHILD], {
    encoding: 'utf8',
    env: { ...process.env, MODEL_STUDIO_WASM_THREADS: threads },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { device: string; worst: number };
}

test('the threaded build starts in Node with 2 threads and matches the cpu backend', () => {
  const { device, worst } = runChild('2');
  assert.match(device, /SIMD, 2 threads/);
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
});

test('MODEL_STUDIO_WASM_THREADS=1 starts the single-threaded build', () => {
  const { device, worst } = runChild('1');
  assert.doesNotMatch(device, /threads/);
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
});
