/**
 * The editor's Training panel in real headless Chromium (production bundle, CSP, stub acquireVsCodeApi, the
 * real EditableModel as host): fill the form, see problems inline, never send an invalid config, and Apply
 * sends exactly one valid `setTrainingConfig` edit that the host saves and can undo.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { getTemplate } from '../../../src/core/templates';
import { kerasTrainingConfig, parseTrainingConfig, type TrainingConfig } from '../../../src/core/training';
import { trainingFormActions, type TrainingFormActions } from './actions';
import { launch, openEditor, pageErrors, repoRoot, setTheme, until, type TestHost } from './harness';

const artifacts = join(repoRoot, 'test-artifacts');

let browser: Browser;
let page: Page;
let host: TestHost;

const trainingEdits = () => host.edits().filter((e) => e.op === 'setTrainingConfig');
let { panel, field, errorFor, button, type, choose } = {} as TrainingFormActions;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await launch();
  ({ page, host } = await openEditor(browser, getTemplate('xor')!.build(), 'dark'));
  ({ panel, field, errorFor, button, type, choose } = trainingFormActions(page));
  await page.waitForSelector('.react-flow__node');
});

after(async () => {
  await browser?.close();
});

describe('training panel', () => {
  test('the tab is keyboard reachable and "Configure Training" focuses the form', async () => {
    const tab = page.locator('#ms-tab-properties');
    await tab.focus();
    await page.keyboard.press('ArrowRight');
    await until(async () => (await panel().count()) === 1, 'the training panel');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'ms-tab-training');
    await page.keyboard.press('ArrowLeft');
    await until(async () => (await panel().count()) === 0, 'back on properties');
    // The host's showTraining (the command) switches to the tab and focuses the dataset field.
    await host.send({ type: 'showTraining' });
    await until(async () => (await panel().count()) === 1, 'the training panel again');
    await until(
      () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('data-field') === 'dataset.kind'),
      'focus on the dataset field',
    );
    // The form shows the model's saved configuration.
    assert.equal(await panel().locator('vscode-single-select[data-field="dataset.kind"]').evaluate((el) => (el as HTMLElement & { value: string }).value), 'xor');
    assert.equal(await field('batchSize').inputValue(), '4');
    assert.equal(await field('optimizer.learning_rate').inputValue(), '1');
  });

  test('bad values show inline and are never sent', async () => {
    await type('batchSize', '0');
    await type('optimizer.learning_rate', '-1');
    await type('epochs', 'ten');
    await until(async () => (await errorFor('batchSize').count()) === 1, 'the batch size error');
    assert.equal((await errorFor('batchSize').textContent())?.trim(), 'must be at least 1');
    assert.equal((await errorFor('optimizer.learning_rate').textContent())?.trim(), 'must be above 0');
    assert.equal((await errorFor('epochs').textContent())?.trim(), 'must be a number');
    assert.equal(await panel().locator('vscode-textfield[data-field="batchSize"]').evaluate((el) => (el as HTMLElement & { invalid: boolean }).invalid), true);
    await (await button('apply')).click();
    await until(async () => (await page.locator('[data-testid="training-errors"]').count()) === 1, 'the summary of problems');
    assert.match((await page.locator('[data-testid="training-errors"]').textContent()) ?? '', /3 values need correcting; nothing was applied/);
    await page.screenshot({ path: join(artifacts, 'editor-training-errors-dark.png') });
    await page.waitForTimeout(200);
    assert.equal(trainingEdits().length, 0, 'nothing was sent');
    assert.equal(host.model.canUndo, false);
  });

  test('a filled-in form is applied as exactly one valid setTrainingConfig edit', async () => {
    await type('batchSize', '8');
    await type('epochs', '300');
    await choose('optimizer', 'adam');
    // Switching optimizer keeps the learning rate the user typed; fix it.
    await type('optimizer.learning_rate', '0.05');
    await choose('dataset.kind', 'csv');
    await until(async () => (await field('dataset.path').count()) === 1, 'the path field');
    await type('dataset.label', 'y');
    await (await button('browse')).click();
    await until(() => host.received.find((m) => m.type === 'browseDataset'), 'the browse request');
    assert.deepEqual(host.received.filter((m) => m.type === 'browseDataset'), [{ type: 'browseDataset', kind: 'csv' }]);
    await host.send({ type: 'datasetPicked', kind: 'csv', path: 'data/xor.csv' });
    await until(async () => (await field('dataset.path').inputValue()) === 'data/xor.csv', 'the picked path');
    await type('validationSplit', '0.25');
    await panel().locator('vscode-checkbox[data-field="EarlyStopping"]').click();
    await until(async () => (await field('EarlyStopping.patience').count()) === 1, 'early stopping fields');
    await type('EarlyStopping.patience', '-3');
    await until(async () => (await errorFor('EarlyStopping.patience').count()) === 1, 'the patience error');
    await type('EarlyStopping.patience', '5');
    await panel().locator('vscode-checkbox[data-field="EarlyStopping.restore_best_weights"]').click();
    await choose('schedule', 'StepDecay');
    await type('StepDecay.step_size', '50');
    await page.screenshot({ path: join(artifacts, 'editor-training-form-dark.png') });

    assert.equal(await panel().locator('[data-testid="training-error"]').count(), 0, 'no problems left');
    await (await button('apply')).click();
    await until(() => host.model.canUndo, 'the edit to arrive');
    await page.waitForTimeout(200);
    const sent = trainingEdits();
    assert.equal(sent.length, 1, 'exactly one setTrainingConfig');
    const training = (sent[0] as { training: TrainingConfig }).training;
    const expected: TrainingConfig = {
      dataset: 'csv:data/xor.csv?label=y',
      target: 'labels',
      optimizer: { name: 'adam', params: { learning_rate: 0.05, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } },
      loss: 'binary_crossentropy',
      metrics: ['accuracy'],
      epochs: 300,
      batchSize: 8,
      validationSplit: 0.25,
      shuffle: true,
      callbacks: [
        { class_name: 'EarlyStopping', config: { monitor: 'val_loss', min_delta: 0, patience: 5, restore_best_weights: true } },
        { class_name: 'StepDecay', config: { factor: 0.5, step_size: 50 } },
      ],
    };
    assert.deepEqual(training, expected);
    assert.ok(parseTrainingConfig(training).config, 'the host accepts it');
    const file = host.model.toFile();
    assert.deepEqual((file.userDefinedMetadata?.modelStudio as { training: unknown }).training, expected);
    assert.deepEqual(file.trainingConfig, kerasTrainingConfig(expected));
    assert.equal(host.model.isDirty, true);
    // The form now shows the saved state: nothing left to apply.
    await until(async () => (await (await button('apply')).evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled)) === true, 'Apply disabled');
    assert.deepEqual(pageErrors(page), []);
  });

  test('undo on the host puts the previous configuration back into the form', async () => {
    host.model.undo();
    await until(async () => (await field('batchSize').inputValue()) === '4', 'the old batch size');
    assert.equal(await panel().locator('vscode-single-select[data-field="dataset.kind"]').evaluate((el) => (el as HTMLElement & { value: string }).value), 'xor');
    assert.equal(await field('dataset.path').count(), 0);
    host.model.redo();
    await until(async () => (await field('dataset.path').count()) === 1 && (await field('dataset.path').inputValue()) === 'data/xor.csv', 'the redone path');
    await setTheme(page, 'light');
    await page.locator('.ms-side').evaluate((el) => (el.scrollTop = 0));
    await page.screenshot({ path: join(artifacts, 'editor-training-form-light.png') });
    await setTheme(page, 'dark');
  });
});
