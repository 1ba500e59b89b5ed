/**
 * The editor harness plays the extension's part: like VS Code posting to a disposed webview, a state it pushes
 * while the page closes is dropped. (An edit's push still in flight when the next test closed the page was an
 * unhandled rejection that failed a CI run after every test had passed.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { LayerNode, ModelFile } from '../../../src/core/types';
import { launch, openEditor, pageErrors } from './harness';

let browser: Browser;

function model(): ModelFile {
  const layers: LayerNode[] = [
    { name: 'x', className: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32' }, inbound: [] },
    { name: 'dense', className: 'Dense', config: { units: 2, activation: 'linear' }, inbound: ['x'] },
  ];
  return { graph: { name: 'm', kind: 'Functional', layers, inputs: ['x'], outputs: ['dense'] }, weights: [] };
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('a state pushed while the page closes is dropped: no unhandled rejection, no page error', async () => {
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    const { page, host } = await openEditor(browser, model());
    await page.locator('.react-flow__node[data-id="dense"]').waitFor();
    const pushedBefore = host.sent.length;
    // Edits push their new state without waiting; close the page while those posts are in flight.
    host.model.apply({ op: 'setField', layer: 'dense', field: 'units', value: 3 });
    const closing = page.close();
    host.model.apply({ op: 'setField', layer: 'dense', field: 'units', value: 5 });
    await closing;
    await host.send({ type: 'state', state: host.model.state('model.json') });
    // Every post has settled; a rejection nobody handled is reported once the microtasks have run.
    await host.delivered();
    await new Promise((r) => setImmediate(r));
    assert.ok(host.sent.length >= pushedBefore + 3, 'the host did push');
    assert.deepEqual(rejections, []);
    assert.deepEqual(pageErrors(page), []);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});
