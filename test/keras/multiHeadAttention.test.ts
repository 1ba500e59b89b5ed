/**
 * MultiHeadAttention both ways with real Keras 3, beyond the one-layer cases of layers.test.ts: the `.h5` we
 * write (Keras 3's config, since the layer takes separate tensors) loads in Keras and predicts what we predict;
 * a model Keras saved with `key=` as a keyword (as Keras records a three-input call) loads as three inputs in
 * our order and predicts as Keras; a causal call (use_causal_mask=True, a call argument the graph cannot hold)
 * is refused by name, not computed without its mask.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/core/initializers';
import { isUserError } from '../../src/core/types';
import { writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { readModel, writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { caseGraph, caseInput, predictOurs, randomModel } from './forwardRun';
import { loadNpy, maxDiff, predictFile } from './filesHelpers';
import { LAYER_CASES } from './layerCases';
import { runPython } from './python';

const TOLERANCE = 1e-5;

function npy(path: string, shape: number[], seed: number): string {
  const rand = rng(seed);
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rand() - 0.5) * 4);
  writeFileSync(path, writeNpy({ dtype: '<f4', shape, data }));
  return path;
}

test('the .h5 we write of each MultiHeadAttention case loads in Keras 3 and predicts as we do (1e-5)', { timeout: 300_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-keras-mha-h5-');
  const cases = LAYER_CASES.filter((c) => c.className === 'MultiHeadAttention');
  const ours = new Map<string, Float32Array>();
  const pyCases = [];
  for (const [i, c] of cases.entries()) {
    const file = randomModel(caseGraph(c), 700 + i);
    const xs = [...Array(c.inputs ?? 1).keys()].map((k) => caseInput(c, 800 + i * 10 + k));
    const model = join(dir, `${i}.h5`);
    await writeModel(model, file);
    const x = xs.map((v, k) => {
      const p = join(dir, `${i}-x${k}.npy`);
      writeFileSync(p, writeNpy({ dtype: '<f4', shape: v.shape, data: v.data }));
      return p;
    });
    pyCases.push({ id: c.id, model, x, y: join(dir, `${i}-y.npy`) });
    ours.set(c.id, (await predictOurs(tf, file, xs, false, false)).data);
  }
  const { results } = runPython<{ results: Record<string, { ok: boolean; error?: string }> }>('forward.py', { cases: pyCases });
  const problems: string[] = [];
  for (const p of pyCases) {
    const r = results[p.id]!;
    if (!r.ok) problems.push(`${p.id}: Keras cannot load our .h5: ${r.error}`);
    else {
      const d = maxDiff(ours.get(p.id)!, loadNpy(p.y).data as Float32Array);
      if (!(d <= TOLERANCE)) problems.push(`${p.id}: our .h5 in Keras differs by ${d}`);
    }
  }
  assert.ok(pyCases.length >= 5);
  assert.deepEqual(problems, []);
});

test('Keras-saved MultiHeadAttention called with key= loads as (query, value, key); use_causal_mask=True is refused by name', { timeout: 300_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-keras-mha-calls-');
  const x = [npy(join(dir, 'q.npy'), [3, 4, 3], 1), npy(join(dir, 'v.npy'), [3, 5, 3], 2), npy(join(dir, 'k.npy'), [3, 5, 2], 3)];
  const job = { kind: 'save_mha_calls', seed: 5, x, y: join(dir, 'y.npy'), keras: join(dir, 'm.keras'), h5: join(dir, 'm.h5'), causal: join(dir, 'causal.keras') };
  const { results } = runPython<{ results: { ok: boolean; error?: string }[] }>('files.py', { jobs: [job] });
  assert.ok(results[0]!.ok, results[0]!.error);
  const expected = loadNpy(job.y);
  for (const path of [job.keras, job.h5]) {
    const file = await readModel(path);
    const mha = file.graph.layers.find((l) => l.className === 'MultiHeadAttention')!;
    assert.equal(mha.inbound.length, 3, `${path}: query, value and key`);
    const got = await predictFile(tf, file, x.map(loadNpy));
    assert.deepEqual(got.shape, expected.shape);
    const d = maxDiff(got.data, expected.data as Float32Array);
    assert.ok(d <= TOLERANCE, `${path}: differs from Keras by ${d}`);
  }
  await assert.rejects(
    readModel(job.causal),
    (e: unknown) => isUserError(e) && /Layer 'causal' \(MultiHeadAttention\) is called with use_causal_mask=true, which Model Studio does not support yet/.test((e as Error).message) && /use_causal_mask/.test((e as { hint?: string }).hint ?? ''),
  );
});
