/**
 * An ONNX file Model Studio cannot make editable opens read-only (issue 14, item 4): the production bundle
 * and CSP in headless Chromium, given the viewer graph the real importer builds for a refused file shaped as
 * torch.onnx writes them (unnamed nodes, numbered tensors). The nodes are drawn, the unsupported ones marked (error colour and icon) and listed;
 * the list works by keyboard; Train and Save As are off with the reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { emptyGraph } from '../../../src/core/graph';
import { RefusedGraphError } from '../../../src/core/viewerGraph';
import { importOnnx } from '../../../src/formats/onnx/import';
import { onnx } from '../../../src/formats/onnx/proto';
import { launch, openEditor, pageErrors, setTheme, until, type TestHost } from './harness';

let browser: Browser;
let page: Page;
let host: TestHost;

/** Acos and Asin refused (no Keras layer computes them), Mul, Tanh and Sigmoid between them waiting. */
function refused(): RefusedGraphError {
  const io = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 2 }] } } } });
  const node = [
    { opType: 'Acos', input: ['0'], output: ['2'] },
    { opType: 'Mul', input: ['2', '2'], output: ['3'] },
    { opType: 'Tanh', input: ['3'], output: ['4'] },
    { opType: 'Sigmoid', input: ['4'], output: ['5'] },
    { opType: 'Asin', input: ['5'], output: ['6'] },
  ];
  const bytes = onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 17 }], graph: { name: 'params', node, input: [io('0')], output: [io('6')] } }).finish();
  try {
    importOnnx(bytes, 'params.onnx');
  } catch (e) {
    if (e instanceof RefusedGraphError) return e;
    throw e;
  }
  throw new Error('params.onnx was imported');
}

before(async () => {
  browser = await launch();
  ({ page, host } = await openEditor(browser, { graph: emptyGraph('m'), weights: [] }, 'dark'));
  await page.waitForSelector('.ms-empty-canvas');
  const e = refused();
  await host.send({ type: 'viewer', fileName: 'params.onnx', message: e.message, hint: e.hint, viewer: e.viewer });
  await page.locator('[data-testid="viewer"] .react-flow__node').nth(5).waitFor();
});

after(async () => {
  await browser?.close();
});

test('the graph is drawn read-only: every node and the input, the refused ones marked with colour and icon', async () => {
  assert.equal(await page.locator('.react-flow__node').count(), 6, 'one input and five nodes');
  const unsupported = page.locator('.ms-onnx-node[data-state="unsupported"]');
  assert.equal(await unsupported.count(), 2);
  assert.equal(await page.locator('.ms-onnx-node[data-state="depends"]').count(), 3);
  assert.equal(await page.locator('.ms-onnx-node[data-state="ok"]').count(), 0);
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    const border = await unsupported.first().evaluate((el) => getComputedStyle(el).borderTopColor);
    assert.equal(border, theme === 'dark' ? 'rgb(241, 76, 76)' : 'rgb(229, 20, 0)', `the theme's error colour (${theme})`);
  }
  await setTheme(page, 'dark');
  // Not colour alone: an error icon and the reason on the card.
  assert.equal(await unsupported.locator('.codicon-error').count(), 2);
  assert.match((await unsupported.first().locator('[data-testid="node-problem"]').textContent()) ?? '', /no Keras layer computes this ONNX operator/);
  // Nothing to drag or connect, no palette.
  assert.equal(await page.locator('.ms-palette').count(), 0);
  assert.equal(await page.locator('.react-flow__node.draggable').count(), 0);
});

test('a notice says why it is read-only: the root causes, then a count', async () => {
  const notice = (await page.locator('[data-testid="readonly-notice"]').textContent()) ?? '';
  assert.match(notice, /^Read-only\. Acos: no Keras layer computes this ONNX operator; Asin: no Keras layer computes this ONNX operator \(and 3 more\)/);
  assert.doesNotMatch(notice, /not a tensor/);
});

test('the side panel lists the refused nodes (op, name, reason); Enter on one selects it on the canvas', async () => {
  const items = page.locator('[data-testid="unsupported-list"] button');
  assert.equal(await items.count(), 5);
  const rows = await items.evaluateAll((els) => els.map((el) => [...el.querySelectorAll('span:not(.codicon)')].map((s) => s.textContent)));
  assert.deepEqual(rows[0], ['Acos', '(unnamed)', 'no Keras layer computes this ONNX operator']);
  assert.deepEqual(rows[1], ['Asin', '(unnamed)', 'no Keras layer computes this ONNX operator']);
  assert.deepEqual(rows[2], ['Mul', '(unnamed)', 'depends on Acos']);
  // Keyboard only: focus the first entry, Tab to the second, Enter.
  await items.first().focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === 'Asin_4', 'Asin selected on the canvas');
  assert.equal(await items.nth(1).getAttribute('aria-current'), 'true');
  assert.match((await page.locator('[data-testid="node-details"]').textContent()) ?? '', /Asin.*Inputs5.*Outputs6 \(2, 2\)/);
  // A click on the canvas selects too.
  await page.locator('.react-flow__node[data-id="Sigmoid_3"]').click();
  await until(async () => /^Sigmoid/.test((await page.locator('[data-testid="node-details"]').textContent()) ?? ''), 'Sigmoid in the details');
  assert.match((await page.locator('[data-testid="node-reason"]').textContent()) ?? '', /depends on Acos/);
  assert.equal(await items.nth(4).getAttribute('aria-current'), 'true');
});

test("a Problems entry's link (revealLayer) selects its node", async () => {
  await host.send({ type: 'revealLayer', name: 'Acos_0' });
  await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === 'Acos_0', 'Acos selected');
  assert.equal(await page.locator('[data-testid="unsupported-list"] button').first().getAttribute('aria-current'), 'true');
});

test('Train and Save As are off and say why; editing never reaches the host', async () => {
  const train = page.locator('.ms-tool[aria-label="Train"]');
  assert.equal(await train.getAttribute('aria-disabled'), 'true');
  assert.match((await train.getAttribute('title')) ?? '', /params\.onnx is open read-only.*editing, training and Save As are off/);
  assert.equal(await train.getAttribute('aria-describedby'), 'ms-readonly-why');
  // Forced: an aria-disabled button is one Playwright will not click, and a user's click must do nothing.
  await train.click({ force: true });
  await page.locator('.ms-tool[aria-label="Save As"]').click({ force: true });
  await page.locator('.ms-tool[aria-label="Reload"]').click();
  await until(() => host.received.some((m) => m.type === 'retry'), 'Reload posts retry');
  assert.deepEqual(host.received.filter((m) => m.type === 'train' || m.type === 'edit').length, 0);
  assert.deepEqual(host.dropped, []);
  assert.deepEqual(pageErrors(page), [], 'no page errors (CSP violations included)');
});

test('a state after Reload (the file now imports) replaces the read-only view with the editor', async () => {
  await host.pushState();
  await page.locator('.ms-empty-canvas').waitFor();
  assert.equal(await page.locator('[data-testid="viewer"]').count(), 0);
});
