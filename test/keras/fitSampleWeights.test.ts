/**
 * Sample weights from the data (an npz's `sample_weight`, Keras' fit(..., sample_weight=w) semantics): both our
 * engines, tfjs and the keras engine's Python runner, against plain Keras `fit` with the same weights; per-epoch
 * loss, metrics and validation figures (the validation split carries its weights) within 1e-4 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SessionManager } from '../../src/engine/sessions';
import { writeModel } from '../../src/formats/registry';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { compareHistory, kerasCase, ourHistory, prepare } from './fitCases';
import { pythonPath, runPython } from './python';

type KerasResults = { results: Record<string, { history?: Record<string, number[]>; error?: string }> };
/** A classifier (sparse crossentropy + accuracy) and a regression (MSE): weights enter the loss and the metrics. */
const TEMPLATES = ['mnist-mlp', 'linear-regression'];

test('fit with sample weights from the data equals Keras fit(sample_weight=...) on the tfjs and keras engines (1e-4 relative)', { timeout: 900_000 }, async () => {
  const manager = new SessionManager({ env: { MODEL_STUDIO_PYTHON: pythonPath(), KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' } });
  const problems: string[] = [];
  let largest = 0;
  for (const id of TEMPLATES) {
    const root = tempDir('ms-keras-sw-');
    const { file, training } = prepare(id, root, { sampleWeights: true });
    await writeModel(join(root, 'model.json'), file);
    await writeModel(join(root, 'model.keras'), file);
    const tfjs = join(root, 'tfjs');
    mkdirSync(tfjs);
    const r = await runCli(['train', join(root, 'model.json'), '--engine', 'cpu', '--workspace', tfjs, '--no-save']);
    assert.equal(r.code, 0, r.stderr);
    const keras = join(root, 'keras');
    const s = manager.start({ model: file, training, engine: 'keras', baseDir: root, workspaceDir: keras, seed: 1 });
    const done = await s.result;
    assert.equal(done.status, 'done', `${done.message} ${done.hint ?? ''}`);
    // Weighted and unweighted Keras, so the comparison shows the weights were applied, not just present.
    const plain = runPython<KerasResults>('fit.py', { cases: [kerasCase(id, root, training)] }).results[id];
    assert.ok(plain.history, plain.error);
    const unweighted = runPython<KerasResults>('fit.py', { cases: [{ ...kerasCase(id, root, training), unweighted: true }] }).results[id];
    assert.ok(unweighted.history, unweighted.error);
    const effect = Math.abs(unweighted.history.loss[0] - plain.history.loss[0]) / plain.history.loss[0];
    assert.ok(effect > 1e-2, `${id}: the weights change Keras' first-epoch loss by only ${effect}`);
    for (const [engine, ours] of [['tfjs', ourHistory(tfjs)], ['keras engine', ourHistory(keras)]] as const) {
      const c = compareHistory(`${id} (${engine})`, ours, plain.history);
      problems.push(...c.problems);
      largest = Math.max(largest, c.largest);
    }
  }
  console.log(`sample-weight fit parity: ${TEMPLATES.length} templates x 2 engines, largest relative difference where equal ${largest.toExponential(2)}`);
  assert.deepEqual(problems, []);
});
