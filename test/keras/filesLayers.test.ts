/**
 * Models saved by real Keras 3, one per catalog layer case (layerCases.ts), with random weights: Model Studio
 * reads the `.keras` and the `.h5` Keras wrote and predicts what Keras predicted, within 1e-5, or the tfjs
 * engine refuses the model with its departure diagnostic (the same cases layers.test.ts measures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../src/core/initializers';
import { withDefaults } from '../../src/core/layers';
import { writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { readModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { KERAS_OPERATIONS } from '../../src/core/layers/operations';
import { selectedLayerCases, type LayerCase } from './layerCases';
import { loadNpy, maxDiff, predictFile } from './filesHelpers';
import { runPython } from './python';

const TOLERANCE = 1e-5;

function input(c: LayerCase, seed: number): { shape: number[]; data: Float32Array } {
  const shape = [3, ...c.input.slice(1).map((d) => d ?? 4)];
  const rand = rng(seed);
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (c.intMax ? Math.floor(rand() * c.intMax) : c.positive ? rand() + 0.1 : (rand() - 0.5) * 4));
  return { shape, data };
}

test('models Keras saved, one per layer case, load in Model Studio and predict as in Keras (1e-5)', { timeout: 900_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-keras-saved-');
  const LAYER_CASES = selectedLayerCases();
  const jobs = LAYER_CASES.map((c, i) => {
    const d = join(dir, String(i));
    mkdirSync(d);
    const x = [...Array(c.inputs ?? 1).keys()].map((k) => {
      const p = join(d, `x${k}.npy`);
      const v = input(c, 3000 + i * 10 + k);
      writeFileSync(p, writeNpy({ dtype: c.intMax ? '<i4' : '<f4', shape: v.shape, data: c.intMax ? Int32Array.from(v.data) : v.data }));
      return p;
    });
    // Keras 3's pooling constructors require pool_size, which Keras 2 and the catalog default.
    const poolSize = /^AveragePooling|^MaxPooling/.test(c.className) && c.config.pool_size === undefined ? { pool_size: withDefaults(c.className, {}).pool_size } : {};
    // A Keras operation is built from its module (keras.src.ops.numpy...), not keras.layers.
    const op = KERAS_OPERATIONS[c.className];
    const module = op ? { module: op.module, callArgs: op.callArgs ?? [] } : {};
    return { kind: 'save_layer', case: { ...c, config: { ...poolSize, ...c.config }, ...module }, seed: 100 + i, x, y: join(d, 'y.npy'), keras: join(d, 'm.keras'), h5: join(d, 'm.h5') };
  });
  const { results } = runPython<{ results: { ok: boolean; error?: string; h5Error?: string }[] }>('files.py', { jobs });
  const problems: string[] = [];
  const counts = { equal: 0, refused: 0, kerasCannotBuild: 0, h5NotWritten: 0 };
  let largest = 0;
  for (const [i, c] of LAYER_CASES.entries()) {
    const r = results[i]!;
    const job = jobs[i]!;
    if (!r.ok) {
      counts.kerasCannotBuild += 1;
      problems.push(`${c.id}: Keras cannot build or save it: ${r.error}`);
      continue;
    }
    if (r.h5Error) counts.h5NotWritten += 1;
    const expected = loadNpy(job.y);
    for (const path of r.h5Error ? [job.keras] : [job.keras, job.h5]) {
      const label = `${c.id} (${path.endsWith('.h5') ? '.h5' : '.keras'})`;
      let file;
      try {
        file = await readModel(path);
      } catch (e) {
        problems.push(`${label}: Model Studio cannot read the file Keras saved: ${(e as Error).message}`);
        continue;
      }
      const xs = job.x.map((p) => loadNpy(p));
      let got;
      try {
        got = await predictFile(tf, file, xs);
      } catch (e) {
        const msg = (e as Error).message;
        if (/cannot run this model as Keras does/.test(msg)) counts.refused += 1;
        else problems.push(`${label}: ${msg.slice(0, 300)}`);
        continue;
      }
      const d = maxDiff(got.data, expected.data as Float32Array);
      if (!(d <= TOLERANCE) || JSON.stringify(got.shape) !== JSON.stringify(expected.shape)) problems.push(`${label}: differs from Keras by ${d} (shapes ${JSON.stringify(got.shape)} vs ${JSON.stringify(expected.shape)})`);
      else {
        counts.equal += 1;
        largest = Math.max(largest, d);
      }
    }
  }
  console.log(
    `Keras-saved models: ${LAYER_CASES.length} layer cases; ${counts.equal} files predict as Keras (largest difference ${largest.toExponential(2)}), ` +
      `${counts.refused} refused with a departure diagnostic, ${counts.h5NotWritten} .h5 Keras would not write, ${counts.kerasCannotBuild} cases Keras cannot build`,
  );
  assert.deepEqual(problems, []);
  assert.ok(counts.equal > LAYER_CASES.length, 'most cases compare both files');
});
