/**
 * The keras engine reads the runner's weights from the .npz the runner writes beside each .keras file (no HDF5
 * parse for a Stop to wait on): for the templates' layers they must be exactly the weights the .keras file holds,
 * and anything incomplete must fall back to the .keras file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reconcileWeights } from '../../src/core/initializers';
import { getTemplate } from '../../src/core/templates';
import type { ModelFile } from '../../src/core/types';
import { writeNpz } from '../../src/engine/datasets/npy';
import { readRunnerWeights } from '../../src/engine/keras/jobFiles';
import { readModel, writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { runPython } from './python';

const TEMPLATES = ['mnist-mlp', 'mnist-cnn', 'char-rnn', 'autoencoder', 'tictactoe-zero', 'resnet-block'];

test('the runner\'s weights .npz holds exactly the .keras file\'s weights (templates with Dense, Conv, BatchNormalization, LSTM, Dropout, two heads)', async () => {
  const dir = tempDir('ms-runner-w-');
  const files: { id: string; file: ModelFile; path: string }[] = [];
  for (const id of TEMPLATES) {
    const built = getTemplate(id)!.build();
    const file = { ...built, weights: reconcileWeights(built.graph, [], 1) };
    const path = join(dir, `${id}.keras`);
    await writeModel(path, file);
    files.push({ id, file, path });
  }
  const saved = runPython<string[]>('runner_weights.py', { models: files.map((f) => f.path) });
  for (const [i, { id, file }] of files.entries()) {
    const fromNpz = readRunnerWeights(saved[i]!, file);
    assert.ok(fromNpz, `${id}: the .npz is complete`);
    const fromKeras = (await readModel(saved[i]!)).weights;
    assert.deepEqual(fromNpz.map((w) => w.name).sort(), fromKeras.map((w) => w.name).sort(), id);
    for (const w of fromNpz) {
      const k = fromKeras.find((x) => x.name === w.name)!;
      assert.deepEqual(w.shape, k.shape, `${id} ${w.name}`);
      assert.deepEqual([...w.data], [...k.data], `${id} ${w.name}: the same values`);
    }
  }
});

test('an .npz that misses a weight, has another shape or another type is not used (the .keras file is read instead)', () => {
  const dir = tempDir('ms-runner-w-');
  const built = getTemplate('mnist-mlp')!.build();
  const file = { ...built, weights: reconcileWeights(built.graph, [], 1) };
  const path = join(dir, 'final.keras');
  const arrays = Object.fromEntries(file.weights.map((w) => [w.name, { dtype: '<f4' as const, shape: w.shape, data: w.data as Float32Array }]));
  assert.equal(readRunnerWeights(path, file), undefined, 'no .npz');
  writeFileSync(join(dir, 'final.weights.npz'), writeNpz(arrays));
  assert.equal(readRunnerWeights(path, file)?.length, file.weights.length, 'complete');
  const [first, ...rest] = file.weights;
  writeFileSync(join(dir, 'final.weights.npz'), writeNpz(Object.fromEntries(rest.map((w) => [w.name, arrays[w.name]!]))));
  assert.equal(readRunnerWeights(path, file), undefined, 'a weight missing');
  writeFileSync(join(dir, 'final.weights.npz'), writeNpz({ ...arrays, [first!.name]: { dtype: '<f4', shape: [first!.data.length], data: first!.data as Float32Array } }));
  assert.equal(readRunnerWeights(path, file), undefined, 'another shape');
  writeFileSync(join(dir, 'final.weights.npz'), writeNpz({ ...arrays, [first!.name]: { dtype: '<f8', shape: first!.shape, data: Float64Array.from(first!.data) } }));
  assert.equal(readRunnerWeights(path, file), undefined, 'float64');
  writeFileSync(join(dir, 'final.weights.npz'), new Uint8Array([80, 75, 3, 4, 0, 0]));
  assert.equal(readRunnerWeights(path, file), undefined, 'a damaged .npz');
});
