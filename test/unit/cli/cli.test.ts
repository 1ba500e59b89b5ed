import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../helpers/cli';
import { fixture, repoRoot, tempDir } from '../../helpers/paths';

test('new writes a TF.js model from a template; summary and check read it back', async () => {
  const dir = join(tempDir(), 'cnn');
  const created = await runCli(['new', '--template', 'mnist-cnn', '--seed', '1', dir]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /225,034 params/);
  assert.ok(existsSync(join(dir, 'model.json')));
  const summary = await runCli(['summary', join(dir, 'model.json')]);
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /Total params: 225,034/);
  assert.match(summary.stdout, /conv2d \(Conv2D\)/);
  const check = await runCli(['check', join(dir, 'model.json')]);
  assert.equal(check.code, 0, check.stdout);
  assert.match(check.stdout, /0 error\(s\)/);
});

test('new refuses to overwrite an existing model unless --force', async () => {
  const dir = tempDir();
  assert.equal((await runCli(['new', '--template', 'xor', dir])).code, 0);
  const before = readFileSync(join(dir, 'model.json'));
  const again = await runCli(['new', '--template', 'xor', dir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
  assert.match(again.stderr, /--force/);
  assert.deepEqual(readFileSync(join(dir, 'model.json')), before);
  assert.equal((await runCli(['new', '--template', 'xor', '--force', dir])).code, 0);
});

test('new with an unknown template lists the known ones and writes nothing', async () => {
  const dir = join(tempDir(), 'x');
  const r = await runCli(['new', '--template', 'nope', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unknown template "nope"/);
  assert.match(r.stderr, /mnist-cnn/);
  assert.ok(!existsSync(dir));
});

test('summary prints the parameter totals of the real TF.js fixtures', async () => {
  const abalone = await runCli(['summary', fixture('tfjs-abalone', 'model.json')]);
  assert.equal(abalone.code, 0, abalone.stderr);
  assert.match(abalone.stdout, /Total params: 3,051/);
  const cnn = await runCli(['summary', fixture('cnn-explainer', 'model.json')]);
  assert.match(cnn.stdout, /Total params: 19,920/);
});

test('check exits non-zero and names the layer when a model has errors', async () => {
  const dir = tempDir();
  const bad = {
    class_name: 'Sequential',
    config: {
      name: 'bad',
      layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 3, 3, 1], dtype: 'float32' } },
        { class_name: 'Conv2D', config: { name: 'too_big', filters: 4, kernel_size: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu' } },
      ],
    },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
  const r = await runCli(['check', join(dir, 'bad.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /too_big: error:/);
});

test('convert TF.js -> Keras JSON -> TF.js keeps the graph; bad inputs fail with one clear line', async () => {
  const dir = tempDir();
  for (const f of ['model.json', 'weights.bin']) copyFileSync(fixture('tfjs-abalone', f), join(dir, f));
  const out = join(dir, 'out', 'model.json');
  mkdirSync(join(dir, 'out'));
  const r = await runCli(['convert', join(dir, 'model.json'), out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match((await runCli(['summary', out])).stdout, /Total params: 3,051/);

  const missing = await runCli(['summary', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);

  writeFileSync(join(dir, 'broken.json'), '{"modelTopology": ');
  const broken = await runCli(['summary', join(dir, 'broken.json')]);
  assert.equal(broken.code, 1);
  assert.doesNotMatch(broken.stderr, /at .*\.ts:\d+/); // no stack trace
  const listing = readdirSync(dir).sort();
  assert.deepEqual(listing, ['broken.json', 'model.json', 'out', 'weights.bin']);
});

test('unknown commands and flags give usage, not a stack trace', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  const f = await runCli(['summary', '--bogus', 'x']);
  assert.equal(f.code, 1);
  assert.match(f.stderr, /usage: model-studio summary/);
});

test('npx model-studio runs from the checkout', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'model-studio.js'), 'templates'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^xor\s+/m);
});

test('train options: --from-logits sets the loss argument; bad numbers are usage errors', async () => {
  const { trainingFor } = await import('../../../src/cli/training-options');
  const { getTemplate } = await import('../../../src/core/templates');
  const file = getTemplate('mnist-mlp')!.build();
  assert.deepEqual(trainingFor(file, { 'from-logits': true }).lossOptions, { from_logits: true });
  assert.equal(trainingFor(file, {}).lossOptions, undefined);
  assert.throws(() => trainingFor(file, { epochs: '0' }), /--epochs must be a positive integer/);
});
