/**
 * The training form's dataset list offers only the built-in datasets whose shapes fit the model (issue 13,
 * item 11): the char-rnn template gets its shipped text (`genesis`) and the file datasets, no MNIST or XOR;
 * an MNIST CNN gets MNIST and Fashion-MNIST, no text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate } from '../../../src/core/templates';
import { launch, openEditor, pageErrors } from './harness';

let browser: Browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function offered(templateId: string): Promise<{ options: string[]; value: string }> {
  const file = getTemplate(templateId)!.build();
  file.weights = reconcileWeights(file.graph, [], 1);
  const { page, host } = await openEditor(browser, file);
  await page.locator('.react-flow__node').first().waitFor();
  await host.send({ type: 'showTraining' });
  const select = page.locator('[data-testid="training-panel"] vscode-single-select[data-field="dataset.kind"]');
  await select.waitFor();
  const options = await select.locator('vscode-option').evaluateAll((els) => els.map((e) => (e as HTMLElement & { value: string }).value).filter(Boolean));
  const value = await select.evaluate((el) => (el as HTMLElement & { value: string }).value);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
  return { options, value };
}

test('char-rnn: the shipped text is its dataset, and no image or tabular built-in is offered', async () => {
  const { options, value } = await offered('char-rnn');
  assert.equal(value, 'genesis');
  assert.deepEqual(options, ['genesis', 'csv', 'npz', 'npy', 'images', 'text']);
});

test('mnist-cnn: MNIST and Fashion-MNIST, no XOR, linear or text', async () => {
  const { options, value } = await offered('mnist-cnn');
  assert.equal(value, 'mnist');
  assert.deepEqual(options, ['mnist', 'fashion-mnist', 'csv', 'npz', 'npy', 'images', 'text']);
});
