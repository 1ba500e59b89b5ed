/**
 * `model-studio bench --python`'s peers (src/engine/keras/bench.ts startPeers, python/runner/bench.py --serve):
 * the same template through plain Keras and through the PyTorch script we generate, one request at a time, in
 * the suite's Python (fails, not skips, without it). Rates are only checked to be positive: speed is the bench's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPeers } from '../../src/engine/keras/bench';
import { pythonPath } from './python';

test('plain Keras and PyTorch each train mnist-mlp on request and report samples/s; a second request reuses the warm side', async () => {
  process.env.KERAS_BACKEND = 'jax';
  const peers = await startPeers(['mnist-mlp'], pythonPath());
  try {
    assert.match(peers.device, /JAX/);
    for (const side of ['keras', 'torch', 'keras'] as const) {
      const rate = await peers.measure(side, 'mnist-mlp', 32, 0.2);
      assert.ok(Number.isFinite(rate) && rate > 0, `${side}: ${rate}`);
    }
  } finally {
    peers.close();
  }
});
