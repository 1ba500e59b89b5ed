// "Install Keras Engine...": a fresh virtual environment with keras and the chosen backend, by pip from the
// wheel store this machine's pip is configured for (offline on CI), then probed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { installKeras } from '../../src/engine/keras/install';
import { describeProbe } from '../../src/engine/keras/python';
import { tempDir } from '../helpers/paths';

describe('keras engine: install', () => {
  test('a new environment with keras and jax probes as Keras 3 on JAX', async (t) => {
    const dir = join(tempDir('ms-keras-env-'), 'keras-env');
    const messages: string[] = [];
    const t0 = Date.now();
    const probe = await installKeras(dir, 'jax', (p) => messages.push(p.message));
    assert.equal(probe.python, join(dir, 'bin', 'python'));
    assert.equal(probe.backend, 'jax');
    assert.match(probe.keras, /^3\./);
    assert.match(describeProbe(probe), /^Keras 3\.\d+ · JAX · cpu x\d+$/);
    assert.ok(messages.some((m) => /Installing keras and jax/.test(m)));
    t.diagnostic(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${describeProbe(probe)}`);
  });

  test('a base Python that cannot make an environment is a clear error', async () => {
    await assert.rejects(
      installKeras(join(tempDir(), 'env'), 'jax', () => undefined, join(tempDir(), 'no-python')),
      (e: Error & { hint?: string }) => /Could not create a Python environment/.test(e.message) && /venv/.test(e.hint ?? ''),
    );
  });
});
