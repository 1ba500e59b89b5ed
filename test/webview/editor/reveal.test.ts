/**
 * A Problems entry's link (issue 13, item 7): the host sends `revealLayer` and the editor selects that layer
 * and shows its properties, also when the Training panel was open.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { LayerNode } from '../../../src/core/types';
import { launch, openEditor, pageErrors, until } from './harness';

let browser: Browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('revealLayer from the host selects the layer and shows its properties', async () => {
  const layers: LayerNode[] = [
    { name: 'x', className: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32' }, inbound: [] },
    { name: 'dense', className: 'Dense', config: { units: 8, activation: 'relu' }, inbound: ['x'] },
    { name: 'dense_1', className: 'Dense', config: { units: 2, activation: 'softmax' }, inbound: ['dense'] },
  ];
  const { page, host } = await openEditor(browser, { graph: { name: 'm', kind: 'Functional', layers, inputs: ['x'], outputs: ['dense_1'] }, weights: [] });
  await page.locator('.react-flow__node[data-id="dense_1"]').waitFor();
  await host.send({ type: 'showTraining' });
  await page.locator('[data-testid="training-panel"]').waitFor();
  await host.send({ type: 'revealLayer', name: 'dense' });
  await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === 'dense', 'dense selected');
  assert.equal(await page.locator('.react-flow__node.selected').count(), 1);
  const nameField = page.locator('.ms-props vscode-textfield[data-field="name"]');
  await until(async () => (await nameField.count()) === 1 && (await nameField.evaluate((el) => (el as HTMLElement & { value: string }).value)) === 'dense', 'properties of dense');
  assert.deepEqual(pageErrors(page), []);
});
