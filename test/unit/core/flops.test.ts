import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import { forwardFlopsPerSample, trainingFlopsPerSample } from '../../../src/core/flops';
import { getTemplate } from '../../../src/core/templates';

const analysisOf = (id: string) => analyze(getTemplate(id)!.build().graph);

test('mnist-mlp: 2 FLOPs per kernel weight (784-512-256-10), training 3x', () => {
  const macs = 784 * 512 + 512 * 256 + 256 * 10;
  assert.equal(forwardFlopsPerSample(analysisOf('mnist-mlp')), 2 * macs);
  assert.equal(trainingFlopsPerSample(analysisOf('mnist-mlp')), 6 * macs);
});

test('mnist-cnn: a convolution counts its kernel once per output pixel', () => {
  // conv 3x3x1x32 on 26x26 outputs, conv 3x3x32x64 on 11x11, dense 1600x128, dense 128x10.
  const macs = 26 * 26 * 9 * 32 + 11 * 11 * 9 * 32 * 64 + 1600 * 128 + 128 * 10;
  assert.equal(forwardFlopsPerSample(analysisOf('mnist-cnn')), 2 * macs);
});

test('layers without a kernel (pooling, flatten) add nothing', () => {
  const a = analysisOf('mnist-cnn');
  const withKernel = [...a.layers.values()].filter((l) => l.weights.some((w) => w.name === 'kernel'));
  assert.equal(withKernel.length, 4);
});
