/**
 * Inputs as Keras writes them: a batch of scalars (`Input(shape=())`, batch_shape [null]) and an int32 input
 * go through every Keras file format and come back the same, spelled as Keras spells them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/core/analysis';
import { readModel, writeModel } from '../../../src/formats/registry';
import { unzipChecked } from '../../../src/formats/zip';
import { graph } from '../core/helpers';
import { runCli } from '../../helpers/cli';
import { tempDir } from './helpers';

const model = {
  graph: graph(
    [
      ['x', 'InputLayer', { batch_input_shape: [null], dtype: 'float32' }, []],
      ['ids', 'InputLayer', { batch_input_shape: [null, 3], dtype: 'int32' }, []],
      ['a', 'Activation', { activation: 'relu' }, ['x']],
      ['n', 'Negative', {}, ['ids']],
    ],
    ['a', 'n'],
  ),
  weights: [],
};

const inputsOf = (m: { graph: typeof model.graph }) => m.graph.layers.filter((l) => l.className === 'InputLayer').map((l) => [l.name, l.config.batch_input_shape, l.config.dtype]);

test('a batch of scalars and an int32 input survive .keras, .h5 and TF.js files', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'tfjs'));
  for (const f of ['m.keras', 'm.h5', 'tfjs/model.json']) {
    await writeModel(join(dir, f), model);
    assert.deepEqual(inputsOf(await readModel(join(dir, f))), [['x', [null], 'float32'], ['ids', [null, 3], 'int32']], f);
  }
  // Keras 3.15's own spelling (its Input(shape=()) saves this InputLayer config).
  const config = JSON.parse(new TextDecoder().decode(unzipChecked(readFileSync(join(dir, 'm.keras')), 'm.keras').get('config.json')!));
  assert.deepEqual(config.config.layers[0].config, { batch_shape: [null], dtype: 'float32', sparse: false, name: 'x' });
  const tfjs = JSON.parse(readFileSync(join(dir, 'tfjs/model.json'), 'utf8'));
  assert.deepEqual(tfjs.modelTopology.config.layers[0].config.batch_input_shape, [null]);
});

test('shape inference: a batch of scalars flows through element-wise layers; no batch entry at all is an error on the input', () => {
  const a = analyze(model.graph);
  assert.deepEqual(a.layers.get('a')?.outputShape, [null]);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const bad = { ...model.graph, layers: model.graph.layers.map((l) => (l.name === 'x' ? { ...l, config: { ...l.config, batch_input_shape: [] } } : l)) };
  const errors = analyze(bad).diagnostics.filter((d) => d.severity === 'error');
  assert.ok(errors.some((d) => d.layer === 'x' && /batch_input_shape must be a list like \[null, 784\]/.test(d.message)), JSON.stringify(errors));
});

test('model-studio predict on a batch of scalars: [N] in, [N] out, in batches', async (t) => {
  const dir = tempDir(t);
  await writeModel(join(dir, 'm.keras'), { graph: graph([['x', 'InputLayer', { batch_input_shape: [null] }, []], ['a', 'Activation', { activation: 'relu' }, ['x']]], ['a']), weights: [] });
  writeFileSync(join(dir, 'x.json'), '[-1, 2, -3]');
  const r = await runCli(['predict', join(dir, 'm.keras'), '--input', join(dir, 'x.json'), '--output', join(dir, 'y.json'), '--batch-size', '2', '--engine', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'y.json'), 'utf8')), [0, 2, 0]);
});
