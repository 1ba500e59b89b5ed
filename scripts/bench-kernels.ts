/**
 * Training throughput of the CPU engines before and after the replacement kernels in src/engine/kernels.
 *
 *   npx tsx scripts/bench-kernels.ts [--engines cpu,wasm] [--models mnist-mlp,mnist-cnn] [--batches 128,512]
 *                                    [--kernels stock,fast] [--steps 8] [--warmup 2] [--budget-s 60]
 *
 * Prints one JSON line per (engine, kernels, model, batch):
 *   {"bench":"train","engine","device","kernels","model","batch","samples_per_s","ms_per_step","steps","loss_decreased"}
 * samples_per_s = batch / median step time; a step is model.trainOnBatch (forward, backward, Adam update) plus
 * reading the loss back, after `warmup` untimed steps. Data are synthetic with the real shapes and a learnable
 * rule (label = argmax of a fixed random projection of the input), so loss_decreased is meaningful.
 * The models are the mnist-mlp / mnist-cnn templates' architectures (Keras tutorial layers), built directly
 * with tf.layers so the script measures kernels only. `--budget-s` caps the timed steps of one configuration
 * (at least one step always runs): the stock cpu CNN needs minutes per step.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerFastKernels, restoreStockKernels } from '../src/engine/tfjs/kernels';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const engines = arg('engines', 'cpu,wasm').split(',');
const models = arg('models', 'mnist-mlp,mnist-cnn').split(',');
const batches = arg('batches', '128,512').split(',').map(Number);
const kernelModes = arg('kernels', 'stock,fast').split(',');
const steps = Number(arg('steps', '8'));
const warmup = Number(arg('warmup', '2'));
const budgetMs = Number(arg('budget-s', '60')) * 1000;

function buildModel(name: string): tf.Sequential {
  const m = tf.sequential();
  if (name === 'mnist-cnn') {
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  } else if (name === 'mnist-mlp') {
    m.add(tf.layers.dense({ inputShape: [784], units: 512, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 256, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  } else {
    throw new Error(`unknown model ${name}`);
  }
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

function syntheticBatch(model: string, batch: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const flat = tf.randomUniform([batch, 784], 0, 1, 'float32', seed);
    const projection = tf.randomNormal([784, 10], 0, 1, 'float32', 7);
    const labels = tf.oneHot(tf.argMax(flat.sub(0.5).matMul(projection), 1), 10).toFloat();
    return { x: model === 'mnist-cnn' ? flat.reshape([batch, 28, 28, 1]) : flat, y: labels };
  });
}

async function benchOne(engine: string, kernels: string, model: string, batch: number): Promise<void> {
  const m = buildModel(model);
  // Two alternating batches so the loss decrease is not memorisation of a single one.
  const data = [syntheticBatch(model, batch, 1), syntheticBatch(model, batch, 2)];
  const losses: number[] = [];
  const step = async (i: number) => {
    const d = data[i % 2];
    const loss = (await m.trainOnBatch(d.x, d.y)) as number;
    losses.push(loss);
  };
  for (let i = 0; i < warmup; i++) await step(i);
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await step(warmup + i);
    times.push(performance.now() - t);
    if (performance.now() - start > budgetMs) break;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const half = Math.max(1, Math.floor(losses.length / 2));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    JSON.stringify({
      bench: 'train',
      engine,
      device: `${engine === 'wasm' ? 'wasm simd, 1 thread' : 'js'} on ${require('node:os').cpus()[0]?.model ?? 'cpu'} x${require('node:os').cpus().length}`,
      kernels,
      model,
      batch,
      samples_per_s: Math.round((batch / median) * 1000 * 10) / 10,
      ms_per_step: Math.round(median * 10) / 10,
      ms_min: Math.round(times[0] * 10) / 10,
      steps: times.length,
      warmup,
      loss_decreased: losses.length > 1 ? mean(losses.slice(-half)) < mean(losses.slice(0, half)) : null,
    }),
  );
  m.dispose();
  for (const d of data) tf.dispose([d.x, d.y]);
}

async function main(): Promise<void> {
  setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
  for (const engine of engines) {
    if (!(await tf.setBackend(engine))) {
      console.log(JSON.stringify({ bench: 'train', engine, skipped: 'backend did not load' }));
      continue;
    }
    await tf.ready();
    for (const kernels of kernelModes) {
      if (kernels === 'fast') registerFastKernels(tf, engine);
      else restoreStockKernels(tf, engine);
      for (const model of models) {
        for (const batch of batches) {
          try {
            await benchOne(engine, kernels, model, batch);
          } catch (e) {
            console.log(JSON.stringify({ bench: 'train', engine, kernels, model, batch, error: String(e instanceof Error ? e.message : e) }));
          }
        }
      }
    }
  }
}

void main();
