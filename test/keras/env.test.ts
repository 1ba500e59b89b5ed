// The Python environment the Keras-parity tests build on: .venv/ from test/python/requirements.txt, made by
// scripts/python-env.mjs (npm test runs it first). It never skips: a missing or broken environment fails here,
// on CI and on a developer's machine alike, with the command that sets it up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pythonPath } from './python';

const setUp = 'run `node scripts/python-env.mjs` (or `npm test -- keras`, which runs it first)';

const probe = `
import json, os
import keras, jax, tensorflow, h5py, torch, gymnasium, tensorboard, numpy
print(json.dumps({
    "keras": keras.__version__,
    "backend": keras.backend.backend(),
    "jax": jax.__version__,
    "tensorflow": tensorflow.__version__,
    "torch": torch.__version__,
    "gymnasium": gymnasium.__version__,
    "h5py": h5py.__version__,
    "tensorboard": tensorboard.__version__,
}))
`;

test('the Python environment imports keras 3.15.1 on the jax backend, and tensorflow, torch, gymnasium, h5py, tensorboard', () => {
  const python = pythonPath();
  assert.ok(existsSync(python), `no Python environment at ${python}: ${setUp}`);
  const r = spawnSync(python, ['-c', probe], {
    encoding: 'utf8',
    timeout: 300_000,
    // Quiet tensorflow's start-up chatter; the backend is what the parity tests will select the same way.
    env: { ...process.env, KERAS_BACKEND: 'jax', TF_CPP_MIN_LOG_LEVEL: '3', JAX_PLATFORMS: 'cpu' },
  });
  assert.equal(r.status, 0, `the Python environment did not start (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}\n${setUp}`);
  const versions = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  assert.equal(versions.keras, '3.15.1');
  assert.equal(versions.backend, 'jax');
  assert.match(versions.jax, /^0\.10\.2/);
  assert.match(versions.tensorflow, /^2\.21\./);
  assert.match(versions.torch, /^2\.13\.\d+\+cpu$/);
  assert.match(versions.gymnasium, /^1\.3\./);
});
