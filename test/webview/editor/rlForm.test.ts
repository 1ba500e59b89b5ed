/**
 * The training form's Reinforcement learning group in real headless Chromium (production bundle, the real
 * EditableModel as host), on the cartpole-dqn template: its settings with their defaults and no dataset
 * section, core's problems inline with their hints and never sent, the agent's own fields, Apply as one
 * undoable edit, and turning RL off by keyboard brings the dataset back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate, TEMPLATE_SEED } from '../../../src/core/templates';
import { parseTrainingConfig, trainingConfigOf, type TrainingConfig } from '../../../src/core/training';
import { trainingFormActions, type TrainingFormActions } from './actions';
import { launch, openEditor, pageErrors, until, type TestHost } from './harness';

let browser: Browser;
let page: Page;
let host: TestHost;
let form: TrainingFormActions;
const trainingEdits = () => host.edits().filter((e) => e.op === 'setTrainingConfig');
const selectValue = (k: string) => form.panel().locator(`vscode-single-select[data-field="${k}"]`).evaluate((el) => (el as HTMLElement & { value: string }).value);

before(async () => {
  browser = await launch();
  const file = getTemplate('cartpole-dqn')!.build();
  file.weights = reconcileWeights(file.graph, [], TEMPLATE_SEED);
  ({ page, host } = await openEditor(browser, file, 'dark'));
  form = trainingFormActions(page);
  await page.waitForSelector('.react-flow__node');
  await page.locator('#ms-tab-training').click();
  await until(async () => (await form.panel().count()) === 1, 'the training panel');
});

after(async () => {
  await browser?.close();
});

describe('training form: reinforcement learning', () => {
  test('the saved RL settings show with their defaults, and the dataset section is hidden', async () => {
    // "Configure Training" focuses the first field: the environment, the dataset group being hidden.
    await host.send({ type: 'showTraining' });
    await until(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('data-field') === 'rl.environment'), 'focus on the environment');
    assert.equal(await selectValue('rl.environment'), 'cartpole');
    assert.equal(await selectValue('rl.agent'), 'dqn');
    assert.equal(await form.field('rl.episodes').inputValue(), '1000');
    assert.equal(await form.field('rl.gamma').inputValue(), '0.99');
    assert.equal(await form.field('rl.epsilonStart').inputValue(), '1');
    assert.equal(await form.field('rl.warmupSteps').inputValue(), '32');
    assert.equal(await form.field('rl.stopAtAverage').inputValue(), '475');
    assert.equal(await form.panel().locator('[data-field="dataset.kind"]').count(), 0);
    assert.equal(await form.field('epochs').count(), 0, 'no fit() settings');
    const train = await form.button('train');
    assert.equal(await train.evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled), false, 'Train needs no dataset');
  });

  test("core's problems show inline with their hints, and nothing is sent", async () => {
    await form.type('rl.gamma', '1.5');
    await form.type('rl.memorySize', 'lots');
    await until(async () => (await form.errorFor('rl.gamma').count()) === 1, 'the gamma problem');
    assert.match((await form.errorFor('rl.gamma').textContent()) ?? '', /gamma is 1\.5; it must be in \[0, 1\]\. Set gamma to in \[0, 1\]/);
    assert.equal((await form.errorFor('rl.memorySize').textContent())?.trim(), 'must be a number');
    await form.choose('rl.environment', 'acrobot');
    await until(async () => (await form.errorFor('rl.environment').count()) === 1, 'the environment problem');
    assert.match((await form.errorFor('rl.environment').textContent()) ?? '', /differs from Acrobot-v1's observation.*Make the Input layer's shape \[6\]/);
    await (await form.button('apply')).click();
    await page.waitForTimeout(200);
    assert.equal(trainingEdits().length, 0);
  });

  test('REINFORCE shows its own settings; Apply is one edit the host accepts, and Undo puts the old one back', async () => {
    await form.choose('rl.environment', 'cartpole');
    await form.type('rl.gamma', '0.98');
    await form.type('rl.memorySize', '50000');
    await form.choose('rl.agent', 'reinforce');
    await until(async () => (await form.field('rl.epsilonStart').count()) === 0, 'no epsilon for REINFORCE');
    await form.type('rl.episodes', '50');
    await form.type('rl.stopAtAverage', '');
    assert.equal(await form.panel().locator('[data-testid="training-error"]').count(), 0);
    await (await form.button('apply')).click();
    await until(() => host.model.canUndo, 'the edit');
    await page.waitForTimeout(200);
    assert.equal(trainingEdits().length, 1);
    const training = (trainingEdits()[0] as { training: TrainingConfig }).training;
    assert.equal(training.dataset, null);
    assert.deepEqual({ ...training.rl }, { ...training.rl!, environment: 'cartpole', agent: 'reinforce', episodes: 50, gamma: 0.98, stopAtAverage: null, memorySize: 50000 });
    assert.ok(parseTrainingConfig(training).config, 'the host accepts it');
    assert.deepEqual(trainingConfigOf(host.model.toFile().userDefinedMetadata)?.rl, training.rl);
    host.model.undo();
    await until(async () => (await form.field('rl.episodes').inputValue()) === '1000', 'the saved episodes again');
    assert.equal(await selectValue('rl.agent'), 'dqn');
  });

  test('RL can be turned off by keyboard: the dataset section comes back', async () => {
    const box = form.panel().locator('vscode-checkbox[data-field="rl.on"]');
    await box.focus();
    await page.keyboard.press('Space');
    await until(async () => (await form.panel().locator('[data-field="dataset.kind"]').count()) === 1, 'the dataset section');
    assert.equal(await form.field('rl.episodes').count(), 0);
    await page.keyboard.press('Space');
    await until(async () => (await form.field('rl.episodes').count()) === 1, 'the RL settings again');
    assert.deepEqual(pageErrors(page), []);
  });
});
