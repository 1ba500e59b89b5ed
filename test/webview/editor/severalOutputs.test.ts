/**
 * A model with two heads, built from the palette in real headless Chromium (production bundle, CSP, the real
 * EditableModel as host): both outputs are marked on the canvas, the training form shows a loss row per
 * output, and Apply sends one `setTrainingConfig` edit whose `outputs` carry each head's loss, weight and
 * metrics; Undo puts the previous form back. A second InputLayer from the palette is a second model input,
 * and an npz dataset then gets a data-map row per input and output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { emptyGraph } from '../../../src/core/graph';
import { parseTrainingConfig, trainingConfigOf, type TrainingConfig } from '../../../src/core/training';
import { canvasActions, trainingFormActions, type CanvasActions, type TrainingFormActions } from './actions';
import { launch, openEditor, pageErrors, repoRoot, setTheme, until, type TestHost } from './harness';

const artifacts = join(repoRoot, 'test-artifacts');

let browser: Browser;
let page: Page;
let host: TestHost;
let canvas: CanvasActions;
let form: TrainingFormActions;

const trainingEdits = () => host.edits().flatMap((e) => (e.op === 'setTrainingConfig' ? [e.training as TrainingConfig] : []));
const outputRow = (name: string) => form.panel().locator(`fieldset[data-output="${name}"]`);
const disabled = async (action: string) => (await form.button(action)).evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled);

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await launch();
  ({ page, host } = await openEditor(browser, { graph: emptyGraph('two_heads'), weights: [] }, 'dark'));
  canvas = canvasActions(page);
  form = trainingFormActions(page);
  await page.waitForSelector('.ms-empty-canvas');
});

after(async () => {
  await browser?.close();
});

describe('a model with two outputs in the editor', () => {
  test('two Dense heads off a shared trunk, from the palette: both are outputs, both marked', async () => {
    await canvas.paletteEnter('InputLayer');
    await canvas.node('input_layer').waitFor();
    await canvas.selectNode('input_layer');
    await canvas.setField('batch_input_shape', '[null, 4]');
    await until(async () => (await canvas.nodeText('input_layer', 'node-shape')) === '(None, 4)', 'input shape (None, 4)');
    await canvas.paletteEnter('Dense'); // the trunk
    await canvas.node('dense').waitFor();
    await canvas.selectNode('dense');
    await canvas.paletteEnter('Dense'); // the first head
    await canvas.node('dense_1').waitFor();
    await canvas.selectNode('dense');
    // The palette says what Shift+Enter does with a layer selected; Enter alone would go into the chain.
    await until(async () => /Shift\+Enter branches from it/.test(await page.locator('.ms-palette-target').innerText()), 'the branch hint');
    await canvas.paletteEnter('Dense', true); // the second head, a branch off the same trunk
    await canvas.node('dense_2').waitFor();

    const g = host.model.graph;
    assert.deepEqual(g.outputs, ['dense_1', 'dense_2']);
    assert.deepEqual(g.layers.find((l) => l.name === 'dense_2')?.inbound, ['dense']);
    assert.deepEqual(host.model.analysis().diagnostics.filter((d) => d.severity === 'error'), []);
    await until(async () => (await canvas.nodeText('dense_2', 'output-mark')) === 'out 2', 'the second head marked');
    assert.equal(await canvas.nodeText('dense_1', 'output-mark'), 'out 1');
    assert.equal(await canvas.node('dense').locator('[data-testid="output-mark"]').count(), 0, 'the trunk is no output');
    assert.equal(await canvas.node('dense_1').locator('.ms-node.is-output').count(), 1);
    await page.locator('button[aria-label="Fit to view"]').click();
    await page.screenshot({ path: join(artifacts, 'editor-two-heads-dark.png') });
  });

  test('the training form has a row per output; two losses and a weight are applied as one edit with outputs', async () => {
    await page.locator('#ms-tab-training').click();
    await until(async () => (await form.panel().count()) === 1, 'the training panel');
    await until(async () => (await outputRow('dense_2').count()) === 1, 'the second output row');
    assert.equal(await outputRow('dense_1').count(), 1);
    assert.equal(await form.panel().locator('vscode-single-select[data-field="loss"]').count(), 0, 'no model-wide loss row');

    await form.choose('dataset.kind', 'xor');
    await form.choose('outputs.dense_1.loss', 'binary_crossentropy');
    await until(async () => (await outputRow('dense_1').locator('vscode-checkbox[data-field="outputs.dense_1.lossOptions.from_logits"]').count()) === 1, 'from_logits');
    await outputRow('dense_1').locator('vscode-checkbox[data-field="outputs.dense_1.metric.accuracy"]').click();
    await form.choose('outputs.dense_2.loss', 'huber');
    await until(async () => (await form.field('outputs.dense_2.lossOptions.delta').count()) === 1, 'the huber delta of the second head');
    await form.type('outputs.dense_2.lossOptions.delta', '2');
    await outputRow('dense_2').locator('vscode-checkbox[data-field="outputs.dense_2.metric.mae"]').click();
    // A bad weight shows under its own output and is never sent.
    await form.type('outputs.dense_2.lossWeight', '-1');
    await until(async () => (await form.errorFor('outputs.dense_2.lossWeight').count()) === 1, 'the weight problem');
    assert.equal((await form.errorFor('outputs.dense_2.lossWeight').textContent())?.trim(), 'must be at least 0');
    await (await form.button('apply')).click();
    await page.waitForTimeout(200);
    assert.equal(trainingEdits().length, 0, 'nothing sent while a weight is wrong');
    await form.type('outputs.dense_2.lossWeight', '0.5');
    await until(async () => (await form.panel().locator('[data-testid="training-error"]').count()) === 0, 'no problems left');
    // The watched metric may be an output's own, by its Keras name.
    await form.panel().locator('vscode-checkbox[data-field="EarlyStopping"]').click();
    await form.choose('EarlyStopping.monitor', 'val_dense_2_mae');
    await page.screenshot({ path: join(artifacts, 'editor-two-heads-form-dark.png') });

    await (await form.button('apply')).click();
    await until(() => trainingEdits().length === 1, 'the setTrainingConfig edit');
    const sent = trainingEdits()[0];
    assert.deepEqual(sent.outputs, {
      dense_1: { loss: 'binary_crossentropy', metrics: ['accuracy'] },
      dense_2: { loss: 'huber', lossOptions: { delta: 2 }, metrics: ['mae'], lossWeight: 0.5 },
    });
    assert.equal(sent.callbacks?.[0]?.config && (sent.callbacks[0].config as { monitor: string }).monitor, 'val_dense_2_mae');
    assert.deepEqual(parseTrainingConfig(sent).config?.outputs, sent.outputs, 'the host keeps the outputs');
    const saved = trainingConfigOf(host.model.toFile().userDefinedMetadata);
    assert.deepEqual(saved?.outputs, sent.outputs);
    await until(async () => (await disabled('apply')) === true, 'the form shows the saved state');
    assert.equal(await disabled('train'), false, 'Train is offered');
    await (await form.button('train')).click();
    await until(() => host.received.some((m) => m.type === 'train'), 'the train request');
  });

  test('undo puts the previous rows back, redo the applied ones', async () => {
    host.model.undo();
    await until(async () => (await form.field('outputs.dense_2.lossOptions.delta').count()) === 0, 'the old loss of the second head');
    assert.equal(await form.field('outputs.dense_2.lossWeight').inputValue(), '1');
    host.model.redo();
    await until(async () => (await form.field('outputs.dense_2.lossWeight').count()) === 1 && (await form.field('outputs.dense_2.lossWeight').inputValue()) === '0.5', 'the redone weight');
    // Keyboard: Tab walks an output's row, from its loss through its options and metrics to its weight.
    await form.panel().locator('vscode-single-select[data-field="outputs.dense_2.loss"]').focus();
    const reached: string[] = [];
    for (let i = 0; i < 10 && !reached.includes('outputs.dense_2.lossWeight'); i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.getAttribute('data-field') ?? ''));
    }
    assert.ok(reached.includes('outputs.dense_2.lossOptions.delta'), reached.join(', '));
    assert.ok(reached.includes('outputs.dense_2.metric.mae'), reached.join(', '));
    assert.ok(reached.includes('outputs.dense_2.lossWeight'), reached.join(', '));
    await setTheme(page, 'light');
    await page.screenshot({ path: join(artifacts, 'editor-two-heads-form-light.png') });
    await setTheme(page, 'dark');
  });

  test('a second InputLayer from the palette is a second model input; npz data then gets a data-map row each', async () => {
    await page.locator('#ms-tab-properties').click();
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Escape');
    await canvas.paletteEnter('InputLayer');
    await canvas.node('input_layer_1').waitFor();
    assert.deepEqual(host.model.graph.inputs, ['input_layer', 'input_layer_1']);
    assert.deepEqual(host.model.graph.outputs, ['dense_1', 'dense_2'], 'a new input does not become an output');
    await until(async () => (await canvas.nodeText('input_layer_1', 'input-mark')) === 'in 2', 'the second input marked');
    assert.equal(await canvas.nodeText('input_layer', 'input-mark'), 'in 1');

    await page.locator('#ms-tab-training').click();
    await until(async () => (await form.panel().count()) === 1, 'the training panel');
    assert.equal(await form.panel().locator('[data-testid="data-map"]').count(), 0, 'no map for a built-in dataset');
    await form.choose('dataset.kind', 'npz');
    await until(async () => (await form.panel().locator('[data-testid="data-map"]').count()) === 1, 'the data map');
    for (const name of ['input_layer', 'input_layer_1', 'dense_1', 'dense_2']) assert.equal(await form.field(`dataMap.${name}`).count(), 1, name);
    await form.type('dataset.path', 'data/two.npz');
    await form.type('dataMap.input_layer_1', 'x_meta');
    await form.type('dataMap.dense_2', 'y_value');
    const before = trainingEdits().length;
    await (await form.button('apply')).click();
    await until(() => trainingEdits().length === before + 1, 'the edit');
    assert.deepEqual(trainingEdits().at(-1)?.dataMap, { input_layer_1: 'x_meta', dense_2: 'y_value' });
    assert.deepEqual(pageErrors(page), []);
  });
});
