/**
 * The Training panel's steps per epoch and subset of the data in real headless Chromium, and the epoch time it
 * estimates from the speed the host sends (the model's newest run): issue 13 item 10.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { getTemplate } from '../../../src/core/templates';
import { launch, openEditor, pageErrors, until, type TestHost } from './harness';

let browser: Browser;
let page: Page;
let host: TestHost;

const panel = () => page.locator('[data-testid="training-panel"]');
const field = (k: string) => panel().locator(`vscode-textfield[data-field="${k}"] input`);
const estimate = () => panel().locator('[data-testid="epoch-estimate"]');
const text = async () => ((await estimate().count()) ? ((await estimate().textContent()) ?? '').trim() : '');

before(async () => {
  browser = await launch();
  ({ page, host } = await openEditor(browser, getTemplate('mnist-cnn')!.build(), 'dark'));
  await page.waitForSelector('.react-flow__node');
});

after(async () => {
  await browser?.close();
});

describe('training panel: steps per epoch, subset, epoch time', () => {
  test('the estimate follows the measured speed and the draft; Apply saves both fields', async () => {
    await host.send({ type: 'showTraining' });
    await until(async () => (await panel().count()) === 1, 'the training panel');
    assert.equal(await text(), '', 'no estimate before any run');
    // A run measured 900 samples/s over 60,000 rows (54,000 after mnist-cnn's validation split of 0.1).
    await host.send({ type: 'trainingSpeed', speed: { samplesPerSec: 900, dataRows: 60_000, runId: 'mnist_cnn/r1' } });
    await until(async () => (await text()) === 'An epoch: about 60 s at 900 samples/s (measured by run mnist_cnn/r1)', 'the full-epoch estimate');
    await field('subset').fill('0.1');
    await until(async () => (await text()).startsWith('An epoch: about 6 s'), 'the estimate for a tenth of the data');
    await field('stepsPerEpoch').fill('0');
    await until(async () => (await panel().locator('[data-error-for="stepsPerEpoch"]').count()) === 1, 'the steps error');
    assert.match((await panel().locator('[data-error-for="stepsPerEpoch"]').textContent()) ?? '', /at least 1 \(batches per epoch/);
    assert.equal(await text(), '', 'no estimate for a value the form refuses');
    await field('stepsPerEpoch').fill('20');
    await until(async () => (await text()).startsWith('An epoch: about 3 s'), 'the estimate for 20 steps of 128');
    await panel().locator('vscode-button[data-action="apply"]').click();
    const edit = await until(() => host.edits().find((e) => e.op === 'setTrainingConfig'), 'the setTrainingConfig edit');
    const t = (edit as { training: { stepsPerEpoch?: number; subset?: number } }).training;
    assert.equal(t.stepsPerEpoch, 20);
    assert.equal(t.subset, 0.1);
    assert.deepEqual(pageErrors(page), []);
  });
});
