/**
 * Keras' Adam step as one kernel (src/engine/tfjs/kernels/adam_kernel.ts) against the op-by-op rule it fuses
 * (training/optimizerRules.ts `adam`), on the cpu and wasm backends: the same weights and slots, bit for bit,
 * over several steps and a learning-rate change; the kernel is what runs; AdamW (weight decay), amsgrad and
 * constraints keep the op-by-op rule; nothing leaks.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { optimizer, type OptimizerName } from '../../../src/core/training';
import { ADAM_STEP } from '../../../src/engine/tfjs/kernels/adam_kernel';
import { registerFastKernels, restoreStockKernels } from '../../../src/engine/tfjs/kernels';
import { makeOptimizer, setLearningRate } from '../../../src/engine/tfjs/training/optimizers';

let counter = 0;
const shapes = [[3, 5], [7], [2, 3, 4, 2], []];

/** Weights and slots after 6 steps from a fixed start with fixed gradients, and the kernels that ran in step 1. */
async function train(name: OptimizerName, params: Record<string, number | boolean>, fusedOff: boolean) {
  const opt = makeOptimizer(tf, optimizer(name, params));
  opt.fusedOff = fusedOff;
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 100 + i), true, `adam_kernel_${counter++}`)));
  const kernels = new Set<string>();
  for (let step = 0; step < 6; step++) {
    if (step === 3) setLearningRate(opt, 0.01);
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, step + 1, 'float32', 1000 + 10 * step + i)]));
    const profile = await tf.profile(() => opt.applyGradients(grads, Object.fromEntries(vars.map((v) => [v.name, v]))));
    if (step === 0) profile.kernels.forEach((k) => kernels.add(k.name));
    tf.dispose(Object.values(grads));
  }
  const values = [...vars.map((v) => v.dataSync()), ...[...opt.variables().values()].flat().map((s) => s.dataSync())];
  opt.dispose();
  tf.dispose(vars);
  return { values, kernels };
}

describe('the one-kernel Adam step', () => {
  after(() => {
    restoreStockKernels(tf, 'cpu');
    restoreStockKernels(tf, 'wasm');
  });

  for (const backend of ['cpu', 'wasm']) {
    test(`${backend}: equals the op-by-op rule bit for bit, and is what runs`, async () => {
      if (backend === 'wasm') setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
      assert.ok(await tf.setBackend(backend));
      await tf.ready();
      registerFastKernels(tf, backend);
      const before = tf.memory().numTensors;
      const params = { learning_rate: 0.1, beta_1: 0.8, epsilon: 1e-3 };
      const fused = await train('adam', params, false);
      const ops = await train('adam', params, true);
      assert.ok(fused.kernels.has(ADAM_STEP), [...fused.kernels].join(','));
      assert.ok(!ops.kernels.has(ADAM_STEP));
      assert.equal(fused.values.length, 12);
      fused.values.forEach((v, i) => assert.deepEqual(v, ops.values[i], `array ${i}`));
      // Weight decay (AdamW) and amsgrad keep the op-by-op rule.
      assert.ok(!(await train('adamw', { weight_decay: 0.1 }, false)).kernels.has(ADAM_STEP));
      assert.ok(!(await train('adam', { amsgrad: true }, false)).kernels.has(ADAM_STEP));
      assert.equal(tf.memory().numTensors, before);
    });
  }
});
