/**
 * Every fast kernel together, as training runs them: the mnist-cnn and mnist-mlp templates trained for four
 * Adam steps on the wasm engine (tfjs' threaded build, our wasm kernels on every core: fused Conv2D + ReLU,
 * filter and Dense weight gradients, bias sums, max-pool gradients, Adam) and on the cpu engine, from the same
 * weights on the same batches (Dropout off): the losses and the final weights agree (1e-4 relative; the cpu engine's fit is
 * compared with real Keras in test/keras/fit.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optimizer } from '../../../src/core/training';
import { getTemplate } from '../../../src/core/templates';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { buildTfModel } from '../../../src/engine/tfjs/model';
import { makeOptimizer } from '../../../src/engine/tfjs/training/optimizers';
import type { Tensor, Tf } from '../../../src/engine/tfjs/tf';

async function train(tf: Tf, id: string, seed: number, weights?: Float32Array[]) {
  // Dropout off: the two backends would draw different masks.
  const file = getTemplate(id)!.build();
  for (const l of file.graph.layers) if (l.className === 'Dropout') l.config = { ...l.config, rate: 0 };
  const model = await buildTfModel(tf, file, { seed });
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
  const start = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  const opt = makeOptimizer(tf, optimizer('adam', { learning_rate: 0.01 }));
  const losses: number[] = [];
  for (let step = 0; step < 4; step++) {
    const [xs, ys] = tf.tidy(() => {
      let s = 1000 + step;
      const x = Float32Array.from({ length: 64 * 784 }, () => ((s = (s * 16807) % 2147483647) / 2147483647));
      const labels = Int32Array.from({ length: 64 }, (_, i) => (i * 7 + step) % 10);
      return [tf.tensor(x, [64, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat()];
    });
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as Tensor) as never, true);
    losses.push(loss.dataSync()[0]);
    tf.dispose([xs, ys, loss]);
  }
  const end = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  opt.dispose();
  model.dispose();
  return { start, end, losses };
}

test('mnist-cnn and mnist-mlp: four Adam steps on wasm (own kernels, threads) equal the cpu engine (1e-4)', async () => {
  for (const id of ['mnist-cnn', 'mnist-mlp']) {
    const wasm = await loadEngine('wasm');
    assert.match(wasm.device, /own kernels: (FMA|SIMD), \d+ thread/);
    const onWasm = await train(wasm.tf, id, 3);
    const cpu = await loadEngine('cpu');
    const onCpu = await train(cpu.tf, id, 3, onWasm.start);
    onWasm.losses.forEach((l, i) => assert.ok(Math.abs(l - onCpu.losses[i]) <= 1e-4 * Math.max(1, Math.abs(l)), `${id} step ${i}: loss ${l} vs ${onCpu.losses[i]}`));
    let worst = 0;
    onWasm.end.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - onCpu.end[i][j]) / Math.max(1, Math.abs(onCpu.end[i][j]))))));
    assert.ok(worst <= 1e-4, `${id}: largest weight difference ${worst}`);
    const moved = onWasm.end.some((w, i) => w.some((v, j) => v !== onWasm.start[i][j]));
    assert.ok(moved, `${id}: the weights moved`);
  }
});
