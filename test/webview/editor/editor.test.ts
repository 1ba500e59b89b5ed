/**
 * The graph editor in real headless Chromium: the production bundle and HTML shell (with its CSP), a stub
 * acquireVsCodeApi, and a Node-side host running the real EditableModel + analysis. A missing browser or
 * bundle fails these tests; they never skip.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { emptyGraph, findLayer } from '../../../src/core/graph';
import { canvasActions, type CanvasActions } from './actions';
import { launch, openEditor, pageErrors, repoRoot, setTheme, until, type TestHost } from './harness';

const artifacts = join(repoRoot, 'test-artifacts');

let browser: Browser;
let page: Page;
let host: TestHost;

let { node, nodeText, setField, selectNode, paletteShowAll, paletteEnter, connectNodes, chooseOption, settledBoxes } = {} as CanvasActions;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await launch();
  ({ page, host } = await openEditor(browser, { graph: emptyGraph('xor'), weights: [] }, 'dark'));
  ({ node, nodeText, setField, selectNode, paletteShowAll, paletteEnter, connectNodes, chooseOption, settledBoxes } = canvasActions(page));
  await page.waitForSelector('.ms-empty-canvas');
});

after(async () => {
  await browser?.close();
});

describe('graph editor webview', () => {
  test('builds XOR from an empty model through the palette and connections', async () => {
    await paletteEnter('InputLayer');
    await node('input_layer').waitFor();
    await selectNode('input_layer');
    await setField('batch_input_shape', '[null, 2]');
    await until(async () => (await nodeText('input_layer', 'node-shape')) === '(None, 2)', 'input shape (None, 2)');

    // Drag Dense from the palette onto an empty spot of the canvas: added, not connected.
    await paletteShowAll();
    const canvas = await page.locator('.react-flow__pane').boundingBox();
    assert.ok(canvas);
    await page.locator('.ms-palette-item[data-class="Dense"]').dragTo(page.locator('.react-flow__pane'), {
      targetPosition: { x: canvas.width / 2 + 250, y: canvas.height / 2 },
    });
    await node('dense').waitFor();
    assert.deepEqual(findLayer(host.model.graph, 'dense')?.inbound, []);

    await connectNodes('input_layer', 'dense');
    await until(() => findLayer(host.model.graph, 'dense')?.inbound[0] === 'input_layer', 'input_layer -> dense');

    await selectNode('dense');
    await setField('units', '2');
    await chooseOption('activation', 'sigmoid');
    await until(() => findLayer(host.model.graph, 'dense')?.config.activation === 'sigmoid', 'sigmoid on dense');

    // Enter in the palette appends after the selected layer.
    await paletteEnter('Dense');
    await node('dense_1').waitFor();
    await selectNode('dense_1');
    await setField('units', '1');
    await chooseOption('activation', 'sigmoid');
    await until(() => findLayer(host.model.graph, 'dense_1')?.config.activation === 'sigmoid', 'sigmoid on dense_1');

    const g = host.model.graph;
    assert.deepEqual(g.inputs, ['input_layer']);
    assert.deepEqual(g.outputs, ['dense_1']);
    assert.deepEqual(findLayer(g, 'dense_1')?.inbound, ['dense']);
    assert.equal(findLayer(g, 'dense')?.config.units, 2);
    assert.equal(findLayer(g, 'dense_1')?.config.units, 1);
    assert.deepEqual(host.model.analysis().diagnostics.filter((d) => d.severity === 'error'), []);
    // 2-2-1: (2*2+2) + (2*1+1) = 9 parameters, shown on the nodes and in the summary.
    await until(async () => (await nodeText('dense', 'node-params')) === '6' && (await nodeText('dense_1', 'node-params')) === '3', 'param counts 6 and 3');
    await page.locator('button[aria-label="Summary"]').click();
    assert.equal(await page.locator('[data-testid="total-params"]').textContent(), '9');
    assert.equal(await page.locator('[data-testid="error-count"]').textContent().then((t) => t?.trim()), '0');
  });

  test('changing Dense units updates the shape and parameter count; invalid values are never sent', async () => {
    await selectNode('dense');
    await setField('units', '4');
    await until(async () => (await nodeText('dense', 'node-shape')) === '(None, 4)', 'dense shape (None, 4)');
    assert.equal(await nodeText('dense', 'node-params'), '12');
    assert.equal(await nodeText('dense_1', 'node-params'), '5');
    assert.equal(await page.locator('[data-testid="props-params"]').textContent(), '12');
    assert.equal(await page.locator('[data-testid="props-output-shape"]').textContent(), '(None, 4)');
    assert.equal(await page.locator('[data-testid="total-params"]').textContent(), '17');

    const setFields = () => host.edits().filter((e) => e.op === 'setField').length;
    const editsBefore = setFields();
    await setField('units', '-1');
    await page.locator('.ms-props [data-testid="field-error"]').waitFor();
    assert.match((await page.locator('.ms-props [data-testid="field-error"]').textContent()) ?? '', /at least 1/);
    await page.waitForTimeout(200);
    assert.equal(setFields(), editsBefore, 'an invalid value is not posted');
    assert.equal(findLayer(host.model.graph, 'dense')?.config.units, 4);
  });

  test('connecting an incompatible Concatenate shows the diagnostic on the node', async () => {
    await page.locator('button[aria-label="Summary"]').click(); // hide the summary: more room on the canvas
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Escape');
    await paletteEnter('InputLayer');
    await node('input_layer_1').waitFor();
    await selectNode('input_layer_1');
    await setField('batch_input_shape', '[null, 3, 4]');
    await until(async () => (await nodeText('input_layer_1', 'node-shape')) === '(None, 3, 4)', 'second input shape');

    const canvas = await page.locator('.react-flow__pane').boundingBox();
    assert.ok(canvas);
    await paletteShowAll();
    try {
      await page.locator('.ms-palette-item[data-class="Concatenate"]').dragTo(page.locator('.react-flow__pane'), {
        targetPosition: { x: canvas.width - 330, y: canvas.height - 120 },
      });
    } catch (e) {
      await page.screenshot({ path: join(artifacts, 'editor-failure.png') });
      throw e;
    }
    await node('concatenate').waitFor();
    // Re-layout (one undoable edit that saves every position), so no layer hides another's handle.
    // The drop's own layout (an amending relayout, elk runs asynchronously) may still arrive: wait for the
    // button's edit, a relayout that amends nothing.
    const editsBefore = host.edits().length;
    await page.locator('button[aria-label="Re-layout"]').click();
    const relayout = await until(
      () => host.edits().slice(editsBefore).find((e) => e.op === 'relayout' && e.amend === undefined),
      'relayout edit',
    );
    assert.equal(relayout?.op === 'relayout' ? Object.keys(relayout.positions).length : 0, host.model.graph.layers.length, 'the relayout places every layer');
    assert.ok(host.model.graph.layers.every((l) => l.position), 'every layer has a saved position');
    await host.delivered();
    await settledBoxes();
    await connectNodes('dense', 'concatenate');
    await until(() => findLayer(host.model.graph, 'concatenate')?.inbound.length === 1, 'dense -> concatenate');
    await connectNodes('input_layer_1', 'concatenate');
    await until(() => findLayer(host.model.graph, 'concatenate')?.inbound.length === 2, 'input_layer_1 -> concatenate');

    const diag = host.model.analysis().diagnostics.find((d) => d.layer === 'concatenate' && d.severity === 'error');
    assert.ok(diag, 'analysis reports the incompatible Concatenate');
    await node('concatenate').locator('[data-testid="node-badge"]').waitFor();
    // The badge already showed the one-input problem before the second connection: wait for the new state.
    await until(async () => (await nodeText('concatenate', 'node-problem')) === diag.message, 'the node shows the new diagnostic', 5000).catch(() => undefined);
    assert.equal(await nodeText('concatenate', 'node-problem'), diag.message);
    assert.ok(await node('concatenate').locator('.ms-node.has-error').count());
    await selectNode('concatenate');
    assert.match((await page.locator('[data-testid="props-diagnostic"]').first().textContent()) ?? '', new RegExp(escapeRe(diag.message)));
  });

  test('undo and redo (VS Code calls the edit stack) re-render the canvas', async () => {
    assert.equal(findLayer(host.model.graph, 'concatenate')?.inbound.length, 2);
    const incompatible = await nodeText('concatenate', 'node-problem');
    assert.ok(host.model.undo());
    assert.equal(findLayer(host.model.graph, 'concatenate')?.inbound.length, 1);
    await until(async () => (await page.locator('.react-flow__edge').count()) === 3, 'edge gone after undo');
    await until(async () => (await nodeText('concatenate', 'node-problem')) !== incompatible, 'shape diagnostic gone after undo');
    assert.ok(host.model.redo());
    await until(async () => (await page.locator('.react-flow__edge').count()) === 4, 'edge back after redo');
    await until(async () => (await nodeText('concatenate', 'node-problem')) === incompatible, 'diagnostic back after redo');

    // Undo reaches back to the units change: the shape follows.
    while (findLayer(host.model.graph, 'dense')?.config.units === 4) assert.ok(host.model.undo());
    await until(async () => (await nodeText('dense', 'node-shape')) === '(None, 2)', 'units back to 2');
    while (host.model.canRedo) host.model.redo();
    await until(async () => (await nodeText('dense', 'node-shape')) === '(None, 4)', 'units 4 again');
  });

  test('keyboard: Tab walks the layers, F2 renames, Delete removes, copy/paste duplicates', async () => {
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === host.model.analysis().order[0], 'first layer selected');
    await page.keyboard.press('ArrowDown');
    await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === 'dense', 'arrow down follows the connection');
    await page.keyboard.press('F2');
    await page.locator('.ms-rename').fill('hidden');
    await page.locator('.ms-rename').press('Enter');
    await until(() => findLayer(host.model.graph, 'hidden'), 'rename to hidden');
    await node('hidden').waitFor();

    await selectNode('concatenate');
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Control+c');
    await until(() => host.clipboard.includes('concatenate'), 'copy reaches the host clipboard');
    await page.keyboard.press('Control+v');
    await node('concatenate_1').waitFor();
    await page.keyboard.press('Delete');
    await until(() => !findLayer(host.model.graph, 'concatenate_1'), 'pasted layer deleted');
    // The host's new state reaches the page a message later.
    await until(async () => (await node('concatenate_1').count()) === 0, 'pasted layer gone from the canvas');
  });

  test('screenshots of the light and dark themes', async () => {
    await page.locator('button[aria-label="Re-layout"]').click();
    await until(() => host.edits().at(-1)?.op === 'relayout', 'relayout');
    await page.waitForTimeout(200);
    await selectNode('hidden');
    await page.locator('button[aria-label="Summary"]').click();
    await page.locator('button[aria-label="Fit to view"]').click();
    await page.waitForTimeout(300);
    await setTheme(page, 'light');
    await page.screenshot({ path: join(artifacts, 'editor-light.png') });
    const lightBg = await page.evaluate(() => getComputedStyle(document.querySelector('.ms-node') as Element).backgroundColor);
    await setTheme(page, 'dark');
    await page.screenshot({ path: join(artifacts, 'editor-dark.png') });
    const darkBg = await page.evaluate(() => getComputedStyle(document.querySelector('.ms-node') as Element).backgroundColor);
    assert.equal(lightBg, 'rgb(248, 248, 248)');
    assert.equal(darkBg, 'rgb(32, 32, 32)');
    assert.deepEqual(pageErrors(page), [], 'no script errors and no CSP violations');
    assert.equal(await page.locator('[data-testid="notice"]').count(), 0, 'no edit was rejected along the way');
  });

  test('a file that fails to load shows the error view with Open as Text and Retry', async () => {
    await host.send({ type: 'loadError', fileName: 'broken.h5', message: 'broken.h5 is not an HDF5 file', hint: 'check the file' });
    await page.locator('[data-testid="load-error"]').waitFor();
    assert.equal(await page.locator('[data-testid="load-error"]').textContent(), 'broken.h5 is not an HDF5 file');
    await page.locator('vscode-button', { hasText: 'Retry' }).click();
    await until(() => host.received.some((m) => m.type === 'retry'), 'retry posted');
    await page.locator('vscode-button', { hasText: 'Open as Text' }).click();
    await until(() => host.received.some((m) => m.type === 'openAsText'), 'openAsText posted');
    await host.pushState();
    await node('hidden').waitFor();
    assert.deepEqual(host.dropped, [], 'the webview posts only valid messages');
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
