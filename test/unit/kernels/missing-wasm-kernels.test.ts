/**
 * The kernels tfjs-backend-wasm 4.22 lacks for training (UnsortedSegmentSum: Embedding's gradient;
 * DepthwiseConv2dNativeBackpropFilter / -Input: DepthwiseConv2D and SeparableConv2D) against the tfjs cpu
 * kernels to 1e-5 on random inputs, called directly and through autodiff; and the char-rnn template training on
 * wasm without the missing-kernel check that makes a session fall back to cpu.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { getTemplate } from '../../../src/core/templates';
import { reconcileWeights } from '../../../src/core/initializers';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { buildTfModel } from '../../../src/engine/tfjs/model';
import { missingKernel } from '../../../src/engine/tfjs/trainableEngine';
import { fit } from '../../../src/engine/tfjs/training/fit';
import { arraySource } from '../../../src/engine/datasets/source';
import { registerFastKernels, restoreStockKernels } from '../../../src/engine/tfjs/kernels';
import { segmentSumRows } from '../../../src/engine/tfjs/kernels/segment_kernels';

const NEW_KERNELS = ['UnsortedSegmentSum', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
/** Integers in [lo, hi) (deterministic). */
const ints = (shape: number[], lo: number, hi: number, seed: number) => tf.randomUniform(shape, lo, hi, 'int32', seed);

interface SegmentCase { x: number[]; ids: number[]; numSegments: number; lo: number; hi: number; intX?: boolean }
const segmentCases: SegmentCase[] = [
  // 1-D ids, one per row: Embedding's gradient. lo < 0 and hi > numSegments: such ids belong to no segment.
  { x: [10, 4], ids: [10], numSegments: 5, lo: -2, hi: 7 },
  { x: [7], ids: [7], numSegments: 3, lo: 0, hi: 3 },
  { x: [12, 3, 2], ids: [12], numSegments: 6, lo: -1, hi: 8 },
  { x: [64, 32], ids: [64], numSegments: 96, lo: 0, hi: 96 },
  { x: [9, 5], ids: [9], numSegments: 4, lo: -3, hi: 9, intX: true },
  // Ids of rank > 1: tfjs' expand-and-broadcast definition.
  { x: [4, 3, 3], ids: [4, 3], numSegments: 3, lo: -1, hi: 4 },
  { x: [5, 2], ids: [5, 2], numSegments: 4, lo: 0, hi: 5 },
];

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface DepthwiseCase { x: number[]; w: number[]; strides: [number, number]; pad: Pad }
const depthwiseCases: DepthwiseCase[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 1], strides: [1, 1], pad: 'valid' },
  { x: [3, 8, 8, 2], w: [3, 3, 2, 2], strides: [2, 2], pad: 'same' },
  { x: [2, 9, 7, 4], w: [5, 3, 4, 3], strides: [2, 1], pad: 'same' },
  { x: [1, 5, 5, 1], w: [1, 1, 1, 4], strides: [1, 1], pad: 'valid' },
  { x: [2, 6, 5, 3], w: [3, 2, 3, 2], strides: [1, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [4, 12, 12, 8], w: [3, 3, 8, 1], strides: [1, 1], pad: 'same' },
];

/** Every output of the suite on the current backend, as plain arrays (dtype and shape in the key). */
function runAll(): Map<string, { shape: number[]; dtype: string; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; dtype: string; values: Float32Array }>();
  const keep = (key: string, t: tf.Tensor) => out.set(key, { shape: t.shape, dtype: t.dtype, values: Float32Array.from(t.dataSync()) });
  segmentCases.forEach((c, i) => {
    tf.tidy(() => {
      const x = c.intX ? ints(c.x, -50, 50, 100 + i) : rand(c.x, 100 + i);
      const ids = ints(c.ids, c.lo, c.hi, 200 + i);
      keep(`segment${i}`, tf.unsortedSegmentSum(x, ids as tf.Tensor1D, c.numSegments));
    });
  });
  // Embedding's path: the gradient of a gather with 2-D indices (batch x sequence), repeated ids included.
  tf.tidy(() => {
    const table = rand([20, 6], 300);
    const indices = ints([8, 11], 0, 20, 301);
    const dy = rand([8, 11, 6], 302);
    keep('gather-grad', tf.grad((t: tf.Tensor) => tf.gather(t, indices).mul(dy).sum())(table));
  });
  depthwiseCases.forEach((c, i) => {
    tf.tidy(() => {
      const x = rand(c.x, 400 + i) as tf.Tensor4D;
      const w = rand(c.w, 500 + i) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(x, w, c.strides, c.pad);
      const dy = rand(y.shape, 600 + i);
      const attrs = { strides: c.strides, pad: c.pad, dilations: [1, 1] } as unknown as tf.NamedAttrMap;
      keep(`dw${i}/filter`, tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: c.w }) as tf.Tensor);
      keep(`dw${i}/input`, tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor);
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).mul(dy).sum())([x, w]);
      keep(`dw${i}/grad-x`, gx);
      keep(`dw${i}/grad-w`, gw);
    });
  });
  // SeparableConv2D's path: depthwise then pointwise, all three gradients.
  tf.tidy(() => {
    const x = rand([2, 8, 8, 3], 700) as tf.Tensor4D;
    const dw = rand([3, 3, 3, 2], 701) as tf.Tensor4D;
    const pw = rand([1, 1, 6, 4], 702) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 1, 'same').square().sum();
    tf.grads(f)([x, dw, pw]).forEach((g, k) => keep(`separable/grad${k}`, g));
  });
  return out;
}

function assertClose(got: ReturnType<typeof runAll>, want: ReturnType<typeof runAll>): void {
  assert.deepEqual([...got.keys()], [...want.keys()]);
  for (const [key, w] of want) {
    const g = got.get(key)!;
    assert.deepEqual([g.shape, g.dtype], [w.shape, w.dtype], `${key}: shape and dtype`);
    for (let i = 0; i < w.values.length; i++) {
      const tol = 1e-5 * Math.max(1, Math.abs(w.values[i]));
      if (!(Math.abs(g.values[i] - w.values[i]) <= tol)) assert.fail(`${key}[${i}]: got ${g.values[i]}, want ${w.values[i]}`);
    }
  }
}

describe('kernels missing on wasm', () => {
  let reference: ReturnType<typeof runAll>;

  before(async () => {
    await loadEngine('wasm'); // sets the .wasm path and registers our kernels on wasm
    await tf.setBackend('cpu');
    reference = runAll();
  });

  test('are registered on wasm only where the stock backend has none', async () => {
    assert.ok(await tf.setBackend('wasm'));
    const names = registerFastKernels(tf, 'wasm');
    for (const name of NEW_KERNELS) assert.ok(names.includes(name), `${name} registered`);
    restoreStockKernels(tf, 'wasm');
    for (const name of NEW_KERNELS) assert.equal(tf.getKernel(name, 'wasm'), undefined, `stock wasm has no ${name}`);
    // A backend that has the kernel keeps its own.
    const own = { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' as const }) };
    tf.registerKernel(own);
    try {
      assert.ok(!registerFastKernels(tf, 'wasm').includes('UnsortedSegmentSum'));
      assert.equal(tf.getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc, own.kernelFunc);
    } finally {
      restoreStockKernels(tf, 'wasm');
      tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    }
    registerFastKernels(tf, 'wasm');
  });

  test('agree with the cpu kernels to 1e-5 and leak nothing', async () => {
    assert.ok(await tf.setBackend('wasm'));
    registerFastKernels(tf, 'wasm');
    runAll(); // warm-up: first calls allocate the backend's scratch
    const before = { tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() };
    const got = runAll();
    assert.deepEqual({ tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() }, before);
    assertClose(got, reference);
  });

  test('segment sum: ids outside [0, numSegments) belong to no segment', () => {
    const sums = new Float64Array(4);
    segmentSumRows([1, 2, 3, 4, 5], [0, -1, 2, 2, 9], 1, 4, sums);
    assert.deepEqual([...sums], [1, 0, 7, 0]);
  });

  test('depthwise gradients are the adjoints of the forward pass, dilated too', async () => {
    // <conv(x, w), dy> = <x, dX(dy)> = <w, dW(x, dy)> for the linear map conv; tfjs' cpu kernels ignore
    // dilation, so dilated gradients are checked against the (dilation-aware) forward kernel instead.
    assert.ok(await tf.setBackend('wasm'));
    registerFastKernels(tf, 'wasm');
    for (const [i, c] of [
      { x: [2, 9, 9, 3], w: [3, 3, 3, 2], strides: [1, 1], pad: 'same', dil: [2, 2] },
      { x: [1, 11, 8, 2], w: [2, 3, 2, 1], strides: [1, 1], pad: 'valid', dil: [3, 2] },
      { x: [2, 7, 6, 2], w: [3, 3, 2, 2], strides: [2, 1], pad: 'same', dil: [1, 1] },
    ].entries()) {
      tf.tidy(() => {
        const x = rand(c.x, 800 + i) as tf.Tensor4D;
        const w = rand(c.w, 810 + i) as tf.Tensor4D;
        const y = tf.depthwiseConv2d(x, w, c.strides as [number, number], c.pad as 'same', 'NHWC', c.dil as [number, number]);
        const dy = rand(y.shape, 820 + i);
        const attrs = { strides: c.strides, pad: c.pad, dilations: c.dil } as unknown as tf.NamedAttrMap;
        const dW = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: c.w }) as tf.Tensor;
        const dX = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor;
        const lhs = y.mul(dy).sum().dataSync()[0];
        const viaX = x.mul(dX).sum().dataSync()[0];
        const viaW = w.mul(dW).sum().dataSync()[0];
        const tol = 1e-4 * Math.max(1, Math.abs(lhs));
        assert.ok(Math.abs(viaX - lhs) <= tol, `case ${i}: <x, dX> ${viaX} vs ${lhs}`);
        assert.ok(Math.abs(viaW - lhs) <= tol, `case ${i}: <w, dW> ${viaW} vs ${lhs}`);
      });
    }
  });

  test('char-rnn trains on wasm: no missing kernel, loss goes down', async () => {
    const { tf: engineTf, engine } = await loadEngine('wasm');
    assert.equal(engine, 'wasm');
    const file = getTemplate('char-rnn')!.build();
    file.weights = reconcileWeights(file.graph, [], 1);
    const model = await buildTfModel(engineTf, file);
    try {
      // job.ts falls back to another engine when this finds a kernel the engine lacks.
      assert.equal(missingKernel(engineTf, model), undefined);
      // A predictable text: each 40-char window of a repeating 7-symbol cycle, the next symbol as the label.
      const n = 48;
      const x = new Int32Array(n * 40);
      const y = new Int32Array(n);
      for (let s = 0; s < n; s++) {
        for (let t = 0; t < 40; t++) x[s * 40 + t] = 10 + ((s + t) % 7);
        y[s] = 10 + ((s + 40) % 7);
      }
      const src = arraySource('cycle', x, [40], y, { kind: 'class', numClasses: 96 });
      const losses: number[] = [];
      const result = await fit(
        engineTf,
        model,
        { train: src },
        { optimizer: { name: 'rmsprop', params: { learning_rate: 0.01 } }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], epochs: 4, batchSize: 16, seed: 1 },
        { onEpoch: (p) => void losses.push(p.metrics.loss) },
      );
      assert.equal(result.status, 'done');
      assert.equal(engineTf.getBackend(), 'wasm');
      assert.equal(losses.length, 4);
      assert.ok(losses[3] < losses[0] * 0.8, `loss went down: ${losses.map((l) => l.toFixed(3)).join(' -> ')}`);
    } finally {
      model.dispose();
    }
  });
});
