/**
 * The fused Conv2D + bias + ReLU training path (src/engine/tfjs/fusedConv2d.ts) against tfjs' unfused Conv2D,
 * Add, ReLU chain: the same output and the same gradients for input, kernel and bias (1e-4) on cpu and wasm with
 * our kernels (fused on wasm only; cpu keeps tfjs' path), 'same' and 'valid', strides 1 and 2, with exact zeros
 * before the ReLU; the fused kernels are what runs; layers it does not cover (no activation, which tfjs fuses
 * itself, tanh, no bias) keep tfjs' path.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { convLayers } from '../../../src/engine/tfjs/kerasConv';
import { registerFastKernels, restoreStockKernels } from '../../../src/engine/tfjs/kernels';
import { RELU_BACKPROP } from '../../../src/engine/tfjs/kernels/relu_backprop_kernel';

const Conv2D = convLayers(tf)[1];

interface Case { activation: string; padding: 'same' | 'valid'; strides: number; useBias?: boolean }
const cases: Case[] = [
  { activation: 'relu', padding: 'valid', strides: 1 },
  { activation: 'relu', padding: 'same', strides: 2 },
  { activation: 'linear', padding: 'same', strides: 1 },
  { activation: 'tanh', padding: 'valid', strides: 1 },
  { activation: 'relu', padding: 'valid', strides: 1, useBias: false },
];

/** Output and gradients of one layer, with training on or off (off: tfjs' own unfused path under a gradient). */
async function run(c: Case, training: boolean) {
  const layer = new Conv2D({ filters: 8, kernelSize: 3, activation: c.activation, padding: c.padding, strides: c.strides, useBias: c.useBias ?? true, biasInitializer: 'randomNormal' });
  // Integer-valued inputs and kernel give exact zeros before the ReLU, where its derivative is 0.
  const x = tf.tidy(() => tf.round(tf.randomNormal([3, 9, 8, 4], 0, 2, 'float32', 5)));
  layer.build(x.shape);
  layer.setWeights(layer.getWeights().map((w: tf.Tensor, i: number) => tf.tidy(() => (i === 0 ? tf.round(tf.randomNormal(w.shape, 0, 1, 'float32', 6)) : tf.randomNormal(w.shape, 0, 1, 'float32', 7)))));
  const kernels = new Set<string>();
  let out: Float32Array[] = [];
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training }) as tf.Tensor, tf.linspace(-1, 1, 8))) as tf.Scalar, layer.trainableWeights.map((w: { val: tf.Variable }) => w.val));
    const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.square(layer.apply(xi, { training }) as tf.Tensor)))(x);
    out = [value, dx, ...Object.values(grads)].map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, dx, ...Object.values(grads)]);
  });
  profile.kernels.forEach((k) => kernels.add(k.name));
  tf.dispose(x);
  for (const w of layer.weights as { dispose(): void }[]) w.dispose();
  return { out, kernels };
}

describe('fused Conv2D + bias + ReLU in training', () => {
  after(() => {
    restoreStockKernels(tf, 'cpu');
    restoreStockKernels(tf, 'wasm');
  });
  for (const backend of ['cpu', 'wasm']) {
    test(`${backend}: the same output and gradients as tfjs' unfused layer`, async () => {
      if (backend === 'wasm') setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
      assert.ok(await tf.setBackend(backend));
      await tf.ready();
      registerFastKernels(tf, backend);
      for (const c of cases) {
        const fused = await run(c, true);
        const plain = await run(c, false);
        // wasm only: cpu's stock FusedConv2D is slower than our im2col Conv2D there.
        const fuses = backend === 'wasm' && c.activation === 'relu' && c.useBias !== false;
        assert.equal(fused.kernels.has(RELU_BACKPROP), fuses, `${JSON.stringify(c)}: ${[...fused.kernels].join(',')}`);
        // tfjs' own path: the Relu kernel (its fused op keeps ReLU out of the convolution under a gradient)
        if (fuses) assert.ok(!fused.kernels.has('Relu') && plain.kernels.has('Relu'));
        assert.ok(!plain.kernels.has(RELU_BACKPROP));
        fused.out.forEach((got, i) => {
          const want = plain.out[i];
          assert.equal(got.length, want.length);
          got.forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 1e-4 * Math.max(1, Math.abs(want[j])), `${JSON.stringify(c)} array ${i}[${j}]: ${v} vs ${want[j]}`));
        });
      }
    });
  }
});
