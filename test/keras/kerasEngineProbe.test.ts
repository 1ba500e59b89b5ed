// The keras engine's interpreter discovery and probe (src/engine/keras/python.ts, python/runner/probe.py) against
// the real .venv, and each way a Python can be unusable: missing, without keras, Keras 2, broken.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeProbe, findKeras, interpreterCandidates, probePython } from '../../src/engine/keras/python';
import { PredictClient } from '../../src/extension/training/predictClient';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { pythonPath } from './python';

const env = { ...process.env, KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu' };

/** A shell script standing in for an interpreter. */
function fakePython(body: string): string {
  const p = join(tempDir('ms-keras-py-'), 'python');
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('keras engine: interpreter and probe', () => {
  test('the .venv Python: Keras 3.15, JAX (from KERAS_BACKEND), its CPU device', async () => {
    const p = await probePython(pythonPath(), env);
    assert.ok(p.ok, p.ok ? '' : `${p.reason} ${p.hint}`);
    assert.equal(p.keras, '3.15.1');
    assert.equal(p.backend, 'jax');
    assert.equal(p.backendSource, 'KERAS_BACKEND');
    assert.ok(p.devices.length >= 1 && p.devices.every((d) => d.kind === 'cpu'), JSON.stringify(p.devices));
    assert.match(describeProbe(p), /^Keras 3\.15 · JAX · cpu x\d+$/);
  });

  test('the backend comes from ~/.keras/keras.json when KERAS_BACKEND is unset', async () => {
    const home = tempDir('ms-keras-home-');
    mkdirSync(join(home, '.keras'));
    writeFileSync(join(home, '.keras', 'keras.json'), JSON.stringify({ backend: 'torch' }));
    const { KERAS_BACKEND: _k, ...rest } = env;
    const p = await probePython(pythonPath(), { ...rest, HOME: home, KERAS_HOME: join(home, '.keras') });
    assert.ok(p.ok, p.ok ? '' : p.reason);
    assert.equal(p.backend, 'torch');
    assert.match(describeProbe(p), /· PyTorch ·/);
  });

  test('candidates: the setting, MODEL_STUDIO_PYTHON, then python3 and python on PATH', () => {
    assert.deepEqual(interpreterCandidates('/opt/py/bin/python', { MODEL_STUDIO_PYTHON: '/x/python' }), ['/opt/py/bin/python', '/x/python', 'python3', 'python']);
    assert.deepEqual(interpreterCandidates(undefined, {}), ['python3', 'python']);
  });

  test('a missing interpreter is a reason that says what to install', async () => {
    const p = await findKeras(join(tempDir(), 'no', 'python'), env);
    assert.ok(!p.ok);
    assert.equal(p.code, 'no-python');
    assert.match(p.reason, /No Python interpreter at/);
    assert.match(p.hint, /pip install keras jax/);
    const onPath = await probePython('python-that-does-not-exist-anywhere', env);
    assert.ok(!onPath.ok && onPath.code === 'no-python', JSON.stringify(onPath));
  });

  test('a Python without keras is a reason naming the package to install', async () => {
    // -S: no site-packages, so this is the .venv's Python without keras or any backend.
    const p = await probePython(fakePython(`exec "${pythonPath()}" -S "$@"`), env);
    assert.ok(!p.ok);
    assert.equal(p.code, 'no-keras');
    assert.match(p.hint, /pip install keras/);
  });

  test('a Keras 2 install is a reason, not a crash', async () => {
    const fake = tempDir('ms-keras2-');
    mkdirSync(join(fake, 'keras'));
    writeFileSync(join(fake, 'keras', '__init__.py'), "__version__ = '2.15.0'\n");
    mkdirSync(join(fake, 'jax'));
    writeFileSync(join(fake, 'jax', '__init__.py'), '');
    const p = await probePython(fakePython(`PYTHONPATH="${fake}" exec "${pythonPath()}" -S "$@"`), env);
    assert.ok(!p.ok);
    assert.equal(p.code, 'keras2');
    assert.match(p.reason, /Keras 2\.15\.0.*needs Keras 3/);
  });

  test('a broken interpreter is a reason, not a crash', async () => {
    const p = await probePython(fakePython('echo "Fatal Python error: init_fs_encoding" >&2; exit 1'), env);
    assert.ok(!p.ok);
    assert.equal(p.code, 'python-broken');
    assert.match(p.reason, /not a working Python 3 \(exit 1: Fatal Python error/);
  });

  test('model-studio train --probe shows the keras engine, or its reason', async () => {
    const dir = tempDir();
    const made = await runCli(['new', '--template', 'mnist-mlp', dir]);
    assert.equal(made.code, 0, made.stderr);
    const saved = process.env.KERAS_BACKEND;
    process.env.KERAS_BACKEND = 'jax';
    try {
      const ok = await runCli(['train', join(dir, 'model.json'), '--probe', '--engine', 'keras', '--python', pythonPath()]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^keras · Keras 3\.15 · JAX · cpu x\d+ \(.*python, Python 3\.\d+\.\d+\)$/m);
      const missing = await runCli(['train', join(dir, 'model.json'), '--probe', '--engine', 'keras', '--python', join(dir, 'nope', 'python')]);
      assert.equal(missing.code, 0);
      assert.match(missing.stdout, /keras not available: No Python interpreter at .*\(pip install keras jax\)/);
    } finally {
      if (saved === undefined) delete process.env.KERAS_BACKEND;
      else process.env.KERAS_BACKEND = saved;
    }
  });

  test('the engine picker\'s probe (the predict worker) reports keras with the setting\'s Python, or its reason', async () => {
    const client = new PredictClient();
    try {
      const saved = process.env.KERAS_BACKEND;
      process.env.KERAS_BACKEND = 'jax';
      try {
        const r = await client.probe('keras', [], pythonPath());
        assert.equal(r.engine, 'keras');
        assert.match(r.device, /^keras · Keras 3\.15 · JAX · cpu x\d+$/);
      } finally {
        if (saved === undefined) delete process.env.KERAS_BACKEND;
        else process.env.KERAS_BACKEND = saved;
      }
      await assert.rejects(client.probe('keras', [], join(tempDir(), 'no', 'python')), /keras engine is not available: No Python interpreter at/);
    } finally {
      client.dispose();
    }
  });
});
