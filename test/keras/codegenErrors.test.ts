/**
 * `model-studio code`: the script on stdout or in --out, an existing --out refused without --force (and left
 * unchanged), a model with diagnostics refused naming the layers that block it, Sequential refused for a
 * graph that is not a chain, an unknown style refused. Only the arguments that differ from Keras' defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reconcileWeights } from '../../src/core/initializers';
import { kerasLayerExpr } from '../../src/core/codegen/kerasLayer';
import { getTemplate } from '../../src/core/templates';
import { writeModel } from '../../src/formats/registry';
import { chain } from '../unit/core/helpers';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';

async function modelOnDisk(template: string): Promise<string> {
  const path = join(tempDir(), template, 'model.json');
  const t = getTemplate(template)!.build();
  await writeModel(path, { ...t, weights: reconcileWeights(t.graph, [], 1) });
  return path;
}

test('only the arguments that differ from Keras 3 defaults, positional where Keras puts them', () => {
  assert.equal(kerasLayerExpr('Dense', { units: 4, activation: 'linear', use_bias: true }, 'd'), 'layers.Dense(4, name="d")');
  assert.equal(kerasLayerExpr('Conv2D', { filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'same' }, undefined), 'layers.Conv2D(8, 3, padding="same")');
  assert.equal(kerasLayerExpr('Conv2D', { filters: 8, kernel_size: [3, 2] }, undefined), 'layers.Conv2D(8, (3, 2))');
  // Keras 3's GRU defaults to reset_after=True; the catalog's Keras-2 default (False) must be written out.
  assert.equal(kerasLayerExpr('GRU', { units: 4, reset_after: false }, undefined), 'layers.GRU(4, reset_after=False)');
  assert.equal(kerasLayerExpr('GRU', { units: 4, reset_after: true }, undefined), 'layers.GRU(4)');
  assert.equal(kerasLayerExpr('LeakyReLU', { alpha: 0.2 }, undefined), 'layers.LeakyReLU(negative_slope=0.2)');
  assert.equal(kerasLayerExpr('Dense', { units: 2, kernel_initializer: { class_name: 'HeNormal', config: { seed: null } } }, undefined), 'layers.Dense(2, kernel_initializer="he_normal")');
  assert.equal(kerasLayerExpr('Dense', { units: 2, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.01, l2: 0 } } }, undefined), 'layers.Dense(2, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.0))');
});

test('code prints the script, or writes --out, and refuses an existing --out without --force', async () => {
  const model = await modelOnDisk('mnist-cnn');
  const printed = await runCli(['code', model, '--style', 'sequential']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /keras\.Sequential\(/);
  assert.match(printed.stdout, /layers\.Conv2D\(32, 3, activation="relu", name="conv2d"\)/);
  assert.match(printed.stdout, /loss="sparse_categorical_crossentropy"/);
  assert.match(printed.stdout, /keras\.datasets\.mnist\.load_data\(\)/);
  // A TF.js model's weights reach Keras through a .keras file beside it: the note says how to write it.
  assert.match(printed.stdout, /WEIGHTS_FILE = ".*model\.keras"/);
  assert.match(printed.stderr, /note: .*model-studio convert .*model\.json .*model\.keras/);
  const target = join(tempDir(), 'model.py');
  writeFileSync(target, 'keep me');
  const refused = await runCli(['code', model, '--style', 'functional', '--out', target]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /already exists/);
  assert.match(refused.stderr, /--force/);
  assert.equal(readFileSync(target, 'utf8'), 'keep me');
  const forced = await runCli(['code', model, '--style', 'functional', '--out', target, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(readFileSync(target, 'utf8'), /keras\.Model\(inputs=image, outputs=digits/);
});

test('code refuses a model with diagnostics, naming the layers that block it, and writes nothing', async () => {
  const broken = chain([null, 4, 4, 3], [['Dense', { units: 3 }], ['Conv2D', { filters: 2, kernel_size: [5, 5] }, 'too_big']]);
  const path = join(tempDir(), 'broken.json');
  await writeModel(path, { graph: broken, weights: [] });
  const target = join(tempDir(), 'out.py');
  const r = await runCli(['code', path, '--style', 'functional', '--out', target]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot export code/);
  assert.match(r.stderr, /"too_big"/);
  assert.match(r.stderr, /model-studio check/);
  assert.equal(existsSync(target), false);
});

test('code refuses Sequential for a graph with a branch, and an unknown style', async () => {
  const model = await modelOnDisk('resnet-block');
  const seq = await runCli(['code', model, '--style', 'sequential']);
  assert.equal(seq.code, 1);
  assert.match(seq.stderr, /cannot be written as keras\.Sequential: layer "\w+" (takes 2 inputs|feeds 2 layers)/);
  assert.match(seq.stderr, /--style functional/);
  const bad = await runCli(['code', model, '--style', 'jax']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unknown style "jax"/);
});

test('code --style pytorch writes an nn.Module and names each layer it cannot translate', async () => {
  const cnn = await modelOnDisk('mnist-cnn');
  const ok = await runCli(['code', cnn, '--style', 'pytorch']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /class MnistCnn\(nn\.Module\):/);
  assert.match(ok.stdout, /weights\["conv2d\/kernel"\]\.transpose\(\(3, 2, 0, 1\)\)/);
  assert.equal(ok.stderr, '');
  // torch.nn.LSTM computes tanh: an LSTM with another activation is named, not approximated.
  const g = chain([null, 5, 3], [['LSTM', { units: 2, activation: 'relu' }, 'rnn']]);
  const path = join(tempDir(), 'rnn', 'model.json');
  await writeModel(path, { graph: g, weights: reconcileWeights(g, [], 1) });
  const r = await runCli(['code', path, '--style', 'pytorch']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: 1 layer has no faithful PyTorch equivalent .*rnn \(LSTM\): .*activation="relu"/);
  assert.match(r.stdout, /# rnn \(LSTM\): no faithful PyTorch equivalent/);
  assert.match(r.stdout, /raise NotImplementedError\("rnn \(LSTM\)/);
});
