/**
 * The editor from the keyboard alone (issue 13, item 8): F2 then typing renames, Delete removes a selected
 * connection, the palette is one Tab stop with arrows inside, "/" focuses the layer search, and Shift+Tab
 * back to the palette keeps the selection that search + Enter appends after.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { findLayer } from '../../../src/core/graph';
import type { LayerNode, ModelFile } from '../../../src/core/types';
import { launch, openEditor, pageErrors, until, type TestHost } from './harness';

let browser: Browser;
let page: Page;
let host: TestHost;

function stack(): ModelFile {
  const layers: LayerNode[] = [
    { name: 'x', className: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32' }, inbound: [] },
    { name: 'dense', className: 'Dense', config: { units: 8, activation: 'relu' }, inbound: ['x'] },
    { name: 'dense_1', className: 'Dense', config: { units: 2, activation: 'softmax' }, inbound: ['dense'] },
  ];
  return { graph: { name: 'stack', kind: 'Functional', layers, inputs: ['x'], outputs: ['dense_1'] }, weights: [] };
}

const selected = () => page.locator('.react-flow__node.selected').getAttribute('data-id');
const focused = () => page.evaluate(() => {
  const a = document.activeElement as HTMLElement | null;
  return a ? `${a.tagName.toLowerCase()}.${a.className}|${a.getAttribute('data-class') ?? ''}` : '';
});

async function selectWithKeys(name: string): Promise<void> {
  await page.locator('[data-testid="canvas"]').focus();
  await page.keyboard.press('Escape');
  for (let i = 0; i < 5 && (await page.locator('.react-flow__node.selected').count()) === 0 || (await selected()) !== name; i++) {
    await page.keyboard.press('Tab');
  }
  await until(async () => (await selected()) === name, `${name} selected`);
}

/** Each test starts on its own page, so that one failure cannot leave the next one a rename box or a selection. */
async function fresh(): Promise<void> {
  await page?.close();
  ({ page, host } = await openEditor(browser, stack()));
  await page.locator('.react-flow__node[data-id="dense_1"]').waitFor();
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe('editor keyboard', () => {
  test('F2 puts the focus in the rename box: typed text renames the layer', async () => {
    await fresh();
    await selectWithKeys('dense');
    await page.keyboard.press('F2');
    await page.locator('.ms-rename').waitFor();
    await until(async () => (await focused()).startsWith('input.ms-rename'), 'rename box focused');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('hidden');
    await page.keyboard.press('Enter');
    await until(() => findLayer(host.model.graph, 'hidden'), 'dense renamed to hidden by typing');
    await page.locator('.react-flow__node[data-id="hidden"]').waitFor();
  });

  test('Delete and Backspace remove a selected connection (not the layer selected before it)', async () => {
    await fresh();
    await page.locator('.react-flow__edge').first().waitFor({ state: 'attached' });
    const edgesBefore = await page.locator('.react-flow__edge').count();
    await page.locator('.react-flow__node[data-id="dense_1"]').click();
    await until(async () => (await selected()) === 'dense_1', 'a layer selected first');
    // The x -> dense connection is a vertical line: click half-way between the two boxes.
    const a = await page.locator('.react-flow__node[data-id="x"]').boundingBox();
    const b = await page.locator('.react-flow__node[data-id="dense"]').boundingBox();
    assert.ok(a && b, 'both layers are on screen');
    await page.mouse.click(b.x + b.width / 2, (a.y + a.height + b.y) / 2);
    await until(async () => (await page.locator('.react-flow__edge.selected').count()) === 1, 'edge selected');
    assert.equal(await page.locator('.react-flow__node.selected').count(), 0, 'the layer is no longer selected');
    await page.keyboard.press('Backspace');
    await until(() => host.edits().some((e) => e.op === 'disconnect'), 'disconnect sent');
    assert.ok(findLayer(host.model.graph, 'dense_1'), 'the layer selected before stays');
    await until(async () => (await page.locator('.react-flow__edge').count()) === edgesBefore - 1, 'edge gone');
    host.model.undo();
    await until(async () => (await page.locator('.react-flow__edge').count()) === edgesBefore, 'edge back after undo');
  });

  test('the palette is a single Tab stop with arrow keys inside', async () => {
    await fresh();
    const search = page.locator('.ms-palette-search input');
    await search.fill('');
    await search.focus();
    await page.keyboard.press('Tab');
    const first = await focused();
    assert.match(first, /ms-palette-item/, 'Tab from the search enters the list');
    await page.keyboard.press('ArrowDown');
    const second = await focused();
    assert.match(second, /ms-palette-item/);
    assert.notEqual(second, first, 'ArrowDown moves inside the list');
    await page.keyboard.press('Tab');
    assert.doesNotMatch(await focused(), /ms-palette-item/, 'one Tab leaves the list');
    // Coming back with Shift+Tab lands on the item last used, not the first one.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), second);
    const tabStops = await page.locator('.ms-palette-item[tabindex="0"]').count();
    assert.equal(tabStops, 1, 'exactly one palette item is in the Tab order');
  });

  test('"/" focuses the layer search, and its tooltip says so', async () => {
    await fresh();
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('/');
    await until(async () => (await focused()).startsWith('vscode-textfield.ms-palette-search'), 'search focused');
    // Typing goes into the search: the shortcut's own "/" does not.
    await page.keyboard.type('dens');
    assert.equal(await page.locator('.ms-palette-search input').inputValue(), 'dens');
    const tip = await page.locator('.ms-palette-search').getAttribute('title');
    assert.match(tip ?? '', /\//);
  });

  test('Shift+Tab from the canvas back to the palette keeps the selection that search + Enter appends after', async () => {
    await fresh();
    await selectWithKeys('dense_1');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await selected(), 'dense_1', 'Shift+Tab leaves the selection where it was');
    const search = page.locator('.ms-palette-search input');
    await search.focus();
    await search.fill('Dropout');
    await search.press('Enter');
    // The append's joined layout (a relayout edit) may follow it: look for the append itself.
    const appended = await until(() => host.edits().find((e) => e.op === 'append'), 'append sent');
    assert.equal(appended?.op === 'append' ? appended.after : undefined, 'dense_1');
    assert.deepEqual(pageErrors(page), []);
  });

  test('palette names are not clipped, also in a narrow editor (150px palette)', async () => {
    await fresh();
    await page.locator('.ms-palette-search input').fill('');
    for (const width of [1280, 900]) {
      await page.setViewportSize({ width, height: 800 });
      const clipped = await page.locator('.ms-palette-name').evaluateAll((els) => {
        const list = document.querySelector('.ms-palette-list')!.getBoundingClientRect();
        return els
          .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > list.right + 0.5)
          .map((el) => el.textContent);
      });
      assert.deepEqual(clipped, [], `clipped at ${width}px`);
    }
    assert.ok(await page.locator('.ms-palette-name', { hasText: 'GlobalAveragePooling2D' }).count(), 'the long names are listed');
  });
});

