/**
 * A full `fit` of every template, our tfjs engine against plain Keras 3 `fit`: the same initial weights (the
 * .keras file we write), the same fixed data in the same order (no shuffling), 2 epochs with a validation
 * split; per-epoch loss, metrics and validation figures must agree within 1e-4 relative. Dropout rates are set
 * to 0 in these copies: the two frameworks draw different random masks, so only a deterministic network can
 * be compared step by step (Dropout's inference pass is covered by the forward suite). Why the templates' own
 * initial weights: fitCases.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { templates } from '../../src/core/templates';
import { trainingConfigOf } from '../../src/core/training';
import { writeModel } from '../../src/formats/registry';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { compareHistory, kerasCase, ourHistory, prepare } from './fitCases';
import { runPython } from './python';

// The self-play templates (agent alphazero) are left out by design: their two heads learn from MCTS visit
// distributions and game results that self-play makes, not from a dataset, so there is no Keras fit to compare
// (their networks' export and forward pass are in the codegen, ONNX and Keras-file suites like every template's).
const FITTED = templates.filter((t) => trainingConfigOf(t.build().userDefinedMetadata)?.rl?.agent !== 'alphazero');

test('fit of every template for 2 epochs equals plain Keras fit (per-epoch loss, metrics, validation; 1e-4 relative)', { timeout: 1_200_000 }, async () => {
  const root = tempDir('ms-keras-fit-');
  const cases: Record<string, unknown>[] = [];
  const ours = new Map<string, Record<string, number>[]>();
  const problems: string[] = [];
  for (const t of FITTED) {
    const dir = join(root, t.id);
    mkdirSync(dir);
    const { file, training } = prepare(t.id, dir);
    await writeModel(join(dir, 'model.json'), file);
    await writeModel(join(dir, 'model.keras'), file);
    const r = await runCli(['train', join(dir, 'model.json'), '--engine', 'cpu', '--workspace', dir, '--no-save']);
    if (r.code !== 0) {
      problems.push(`${t.id}: our engine failed: ${r.stderr.trim().split('\n')[0]}`);
      continue;
    }
    ours.set(t.id, ourHistory(dir));
    cases.push(kerasCase(t.id, dir, training));
  }
  // One Python process per template: Keras' fit of one model must not see what an earlier one left behind.
  const keras = { results: {} as Record<string, { history?: Record<string, number[]>; error?: string }> };
  for (const c of cases) Object.assign(keras.results, runPython<typeof keras>('fit.py', { cases: [c] }).results);
  let largest = 0;
  for (const [id, epochs] of ours) {
    const k = keras.results[id];
    if (!k?.history) {
      problems.push(`${id}: Keras failed: ${k?.error}`);
      continue;
    }
    const c = compareHistory(id, epochs, k.history);
    problems.push(...c.problems);
    largest = Math.max(largest, c.largest);
  }
  console.log(`keras fit parity: ${ours.size} templates, largest relative difference where equal ${largest.toExponential(2)}`);
  assert.equal(ours.size, FITTED.length);
  assert.ok(FITTED.length >= templates.length - 2, 'only the two self-play templates are left out');
  assert.deepEqual(problems, []);
});
