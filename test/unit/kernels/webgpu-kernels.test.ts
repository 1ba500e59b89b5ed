/**
 * The webgpu kernels we replace (src/engine/tfjs/kernels/webgpu) against the tfjs cpu backend, to 1e-4, on random
 * inputs: stride 1 and 2, 'same' / 'valid' / explicit padding, batch > 1, odd sizes, Cin = 1, several filter
 * sizes, reductions long enough to be split (split-K partials + sum). Runs on whatever Vulkan adapter Dawn finds:
 * Mesa's llvmpipe on a machine without a GPU. No adapter is a failure, never a skip.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { registerFastKernels, restoreStockKernels } from '../../../src/engine/tfjs/kernels';
import { filterGradTiling } from '../../../src/engine/tfjs/kernels/webgpu/filter_grad_programs';
import { assertClose } from '../../helpers/assertions';
import { commonConvCases, type ConvCase } from './convCases';

const convCases: ConvCase[] = [
  ...commonConvCases,
  // mnist-cnn's layers, small batch: Cin = 1 with a long split reduction, and a tile-filling 288 x 64 one.
  { x: [3, 28, 28, 1], w: [3, 3, 1, 32], strides: [1, 1], pad: 'valid' },
  { x: [4, 13, 13, 32], w: [3, 3, 32, 64], strides: [1, 1], pad: 'valid' },
  { x: [2, 11, 10, 8], w: [3, 3, 8, 12], strides: [2, 2], pad: 'same' },
];

/** Deterministic pseudo-random values so a failure reproduces. */
const rand = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Conv gradients on the current backend: the kernels directly and through autodiff (what layers use). */
async function runAll(): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [i, c] of convCases.entries()) {
    const kept: [string, tf.Tensor][] = tf.tidy(() => {
      const x = rand(c.x, 10 + i) as tf.Tensor4D;
      const w = rand(c.w, 20 + i) as tf.Tensor4D;
      const y = tf.conv2d(x, w, c.strides, c.pad);
      const dy = rand(y.shape, 30 + i);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap;
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.w }) as tf.Tensor;
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor;
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).mul(dy).sum())([x, w]);
      return [[`conv${i}/dw`, dw], [`conv${i}/dx`, dx], [`conv${i}/grad-x`, gx], [`conv${i}/grad-w`, gw]] as [string, tf.Tensor][];
    });
    // webgpu in Node has no dataSync: read asynchronously.
    for (const [key, t] of kept) {
      out.set(key, (await t.data()) as Float32Array);
      t.dispose();
    }
  }
  return out;
}


describe('webgpu fast kernels match the cpu backend', () => {
  let reference: Map<string, Float32Array>;

  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    reference = await runAll();
    // The setup tfjs-backend-webgpu needs in Node: Dawn's navigator.gpu and WebGPU constants as globals, before
    // the backend is first required (it registers itself only if navigator.gpu exists then).
    const { create, globals } = require('webgpu') as { create(o: string[]): { requestAdapter(): Promise<unknown> }; globals: object };
    Object.assign(globalThis, globals);
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    assert.ok(adapter, 'Dawn found no Vulkan adapter: install mesa-vulkan-drivers (Mesa 25, bookworm-backports) for llvmpipe');
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    require('@tensorflow/tfjs-backend-webgpu');
    assert.ok(await tf.setBackend('webgpu'), 'the webgpu backend starts');
    await tf.ready();
  });

  after(() => {
    restoreStockKernels(tf, 'webgpu');
  });

  test('split-K tiling covers the reduction and splits long ones', () => {
    for (const [m, n, k] of [[9, 32, 3 * 26 * 26], [288, 64, 4 * 121], [9, 32, 512 * 676], [1, 1, 1], [4608, 512, 8]]) {
      const t = filterGradTiling(m, n, k);
      assert.ok(t.kChunk % 32 === 0 && t.splits >= 1, JSON.stringify(t));
      assert.ok(t.splits * t.kChunk >= k && (t.splits - 1) * t.kChunk < k, `every chunk has work: ${JSON.stringify({ m, n, k, t })}`);
      assert.ok(t.splits * m * n <= 16 << 20 || t.splits === 1);
    }
    assert.ok(filterGradTiling(9, 32, 512 * 676).splits > 100, 'a long reduction with a tiny output is split');
  });

  test('replaced kernels agree to 1e-4 and leak no buffers', async () => {
    const names = registerFastKernels(tf, 'webgpu');
    assert.deepEqual(names.sort(), ['Conv2DBackpropFilter', 'Conv2DBackpropInput']);
    assert.deepEqual(registerFastKernels(tf, 'webgpu').sort(), names, 'idempotent');
    const before = { tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() };
    const got = await runAll();
    // numDataIds counts the backend's own buffers: a partial-sum buffer left behind shows up here.
    assert.deepEqual({ tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() }, before);
    assertClose(got, reference, 'webgpu');
    assert.equal(tf.env().getBool('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE'), true, 'the flag is restored after each call');
  });

  test('NCHW goes to the stock kernel', async () => {
    const compute = async () => {
      const dw = tf.tidy(() => {
        const x = rand([2, 3, 8, 8], 1);
        const dy = rand([2, 4, 6, 6], 2);
        const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] } as unknown as tf.NamedAttrMap;
        return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
      });
      const v = await dw.data();
      dw.dispose();
      return v;
    };
    restoreStockKernels(tf, 'webgpu');
    const want = await compute();
    registerFastKernels(tf, 'webgpu');
    assert.deepEqual(await compute(), want);
  });

  test('restoreStockKernels puts the stock kernels back', () => {
    registerFastKernels(tf, 'webgpu');
    const mine = tf.getKernel('Conv2DBackpropFilter', 'webgpu')!.kernelFunc;
    assert.deepEqual(restoreStockKernels(tf, 'webgpu').sort(), ['Conv2DBackpropFilter', 'Conv2DBackpropInput']);
    assert.notEqual(tf.getKernel('Conv2DBackpropFilter', 'webgpu')!.kernelFunc, mine);
  });
});
