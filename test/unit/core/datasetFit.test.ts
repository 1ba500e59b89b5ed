/**
 * The training form's dataset list offers the built-in datasets that fit the model, and the char-rnn template
 * trains on the text shipped with the package (issue 13, item 11).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { analyze } from '../../../src/core/analysis';
import { templates } from '../../../src/core/templates';
import { ASCII_VOCAB, datasetFits, datasetKindsFor, DATASET_PATH_KINDS, modelShapesOf, SHIPPED_TEXT, trainingConfigOf, type ModelShapes, type TrainingConfig } from '../../../src/core/training';
import type { ModelFile } from '../../../src/core/types';
import { loadDataset } from '../../../src/engine/datasets/spec';

const root = join(__dirname, '../../..');

function ioOf(file: ModelFile): ModelShapes | undefined {
  const a = analyze(file.graph);
  return modelShapesOf(file.graph, (n) => a.layers.get(n)?.outputShape);
}
const template = (id: string) => templates.find((t) => t.id === id)!.build();
const trainingOf = (file: ModelFile): TrainingConfig | undefined => trainingConfigOf(file.userDefinedMetadata);

test('every template that trains on a built-in dataset is offered that dataset', () => {
  const checked: string[] = [];
  for (const t of templates) {
    const file = t.build();
    const training = trainingOf(file);
    const kind = training?.dataset;
    if (!kind || training.rl || DATASET_PATH_KINDS.includes(kind as never)) continue;
    assert.ok(datasetKindsFor(ioOf(file), training.target ?? 'labels').includes(kind as never), `${t.id}: ${kind}`);
    checked.push(t.id);
  }
  assert.ok(checked.includes('char-rnn') && checked.includes('xor'), checked.join(', '));
});

test('char-rnn defaults to the shipped text, and is offered no image or tabular built-in', () => {
  const file = template('char-rnn');
  assert.equal(trainingOf(file)?.dataset, SHIPPED_TEXT.kind);
  const kinds = datasetKindsFor(ioOf(file));
  assert.deepEqual(kinds.filter((k) => !DATASET_PATH_KINDS.includes(k)), ['genesis']);
  for (const k of DATASET_PATH_KINDS) assert.ok(kinds.includes(k), `file dataset ${k} is always offered`);
});

test('an MNIST CNN is offered MNIST and Fashion-MNIST (also as an autoencoder target), not XOR or text', () => {
  const io = ioOf(template('mnist-cnn'))!;
  assert.deepEqual(datasetKindsFor(io).filter((k) => !DATASET_PATH_KINDS.includes(k)), ['mnist', 'fashion-mnist']);
  // An autoencoder of 784 values: MNIST as its own target, and not with 10 outputs.
  const ae: ModelShapes = { input: [null, 784], output: [null, 784] };
  assert.equal(datasetFits('mnist', ae, 'input'), true);
  assert.equal(datasetFits('mnist', ae, 'labels'), false);
  assert.equal(datasetFits('mnist', io, 'input'), false);
  assert.equal(datasetFits('xor', { input: [null, 2], output: [null, 1] }), true);
  assert.equal(datasetFits('genesis', { input: [null, 40], output: [null, 96], inputDType: 'float32' }), false, 'text ids need an int input');
  // A model with two inputs: its shapes are not judged here, every dataset is offered.
  assert.equal(modelShapesOf({ ...template('xor').graph, inputs: ['a', 'b'] }, () => [null, 1]), undefined);
  assert.equal(datasetKindsFor(undefined).length, 10);
});

test('the genesis dataset reads the shipped text: windows of the model input length, 96 classes', async () => {
  const d = await loadDataset('genesis', { inputShape: [40] });
  const text = readFileSync(join(root, SHIPPED_TEXT.file), 'utf8');
  assert.ok(text.length > 150_000 && text.length < 600_000, `a few hundred KB (${text.length})`);
  assert.deepEqual(d.train.xShape, [40]);
  assert.equal(d.train.size, text.length - 40);
  assert.equal(d.train.labels.kind === 'class' ? d.train.labels.numClasses : 0, ASCII_VOCAB.length);
  const first = await d.train.read([0]);
  assert.equal([...first.x].map((i) => ASCII_VOCAB[i]).join(''), text.slice(0, 40));
  assert.equal(ASCII_VOCAB[first.y[0]!], text[40]);
  assert.ok([...text].every((c) => ASCII_VOCAB.includes(c)), 'every character is in the vocabulary');
});

test('the package ships the text and its README (source and licence)', () => {
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes(`!${SHIPPED_TEXT.file}`));
  assert.ok(ignore.includes('!data/text/README.md'));
  const readme = readFileSync(join(root, 'data/text/README.md'), 'utf8');
  assert.match(readme, /Public domain/);
  assert.match(readme, /bible-kjv-text/);
  assert.match(readFileSync(join(root, 'scripts/package.mjs'), 'utf8'), new RegExp(`'${SHIPPED_TEXT.file}'`));
});
