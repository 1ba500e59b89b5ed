/**
 * Editing the graph as a Keras user expects, in real headless Chromium (see harness.ts): a layer picked in
 * the palette goes into the chain after the selection, deleting a middle layer reconnects, the layout after
 * each edit never overlaps layers nor puts the output above the input, nodes show their key arguments, the
 * minimap hides no layer and Fit keeps the text readable in a narrow editor. A missing browser or bundle
 * fails these tests; they never skip.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { addLayer, appendLayer, emptyGraph, findLayer } from '../../../src/core/graph';
import type { ModelGraph } from '../../../src/core/types';
import { canvasActions, type Box } from './actions';
import { launch, openEditor, pageErrors, repoRoot, setTheme, until, type TestHost } from './harness';

const artifacts = join(repoRoot, 'test-artifacts');
/** The least zoom Fit may choose (webview/editor/hooks/useFitView.ts MIN_FIT_ZOOM): 11 px text at about 9 px. */
const READABLE_ZOOM = 0.8;
let browser: Browser;
let page: Page;
let host: TestHost;

/** input_layer (784) -> dense (64, relu) -> dense_1 (10, softmax), drawn as a saved file has it: one column. */
function mlp(): ModelGraph {
  const at = (i: number) => ({ position: { x: 0, y: 140 * i } });
  let g = addLayer(emptyGraph('mlp'), 'InputLayer', { config: { batch_input_shape: [null, 784] }, ...at(0) }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 64, activation: 'relu' }, ...at(1) }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 10, activation: 'softmax' }, ...at(2) }).graph;
  return { ...g, kind: 'Sequential' };
}

const node = (name: string) => page.locator(`.react-flow__node[data-id="${name}"]`);
const edgeIds = () => page.locator('.react-flow__edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
const joinedLayouts = () => host.edits().filter((e) => e.op === 'relayout' && e.amend !== undefined).length;

async function fit(): Promise<void> {
  await page.locator('button[aria-label="Fit to view"]').click();
  await page.waitForTimeout(100);
}

async function select(name: string): Promise<void> {
  await fit();
  await node(name).click();
  await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === name, `${name} selected`);
}

/** The node boxes on screen, once two reads agree (the layout joined to the edit has been drawn). */
const settledBoxes = () => canvasActions(page).settledBoxes();

/**
 * Palette search + Enter with the current selection; then the layout that joins the edit, if one comes
 * (the assertions that follow say whether the drawing is right, so a missing layout fails there).
 */
async function insertWithEnter(className: string): Promise<void> {
  const layouts = joinedLayouts();
  const count = host.model.graph.layers.length;
  const search = page.locator('.ms-palette-search input');
  await search.fill(className);
  await search.press('Enter');
  await until(() => host.model.graph.layers.length === count + 1, `${className} added`);
  await until(() => joinedLayouts() > layouts, `layout after adding ${className}`, 3000).catch(() => undefined);
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function assertNoOverlap(boxes: Record<string, Box>): void {
  const names = Object.keys(boxes);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) assert.ok(!overlap(boxes[names[i]], boxes[names[j]]), `${names[i]} and ${names[j]} overlap`);
  }
}

async function zoom(): Promise<number> {
  return page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await launch();
  ({ page, host } = await openEditor(browser, { graph: mlp(), weights: [] }, 'dark'));
  await node('dense_1').waitFor();
});

after(async () => {
  await browser?.close();
});

describe('editing the graph like Keras', () => {
  test('nodes show their key arguments under the type', async () => {
    assert.equal((await node('dense').locator('[data-testid="node-args"]').textContent())?.trim(), 'units 64 · relu');
    assert.equal((await node('dense_1').locator('[data-testid="node-args"]').textContent())?.trim(), 'units 10 · softmax');
  });

  test('a layer picked with a layer selected goes into the chain after it (Enter and double-click)', async () => {
    await select('dense');
    assert.equal(await page.locator('.ms-palette-target').textContent(), 'Enter inserts after dense · Shift+Enter branches from it');
    await insertWithEnter('Dropout');
    assert.deepEqual(findLayer(host.model.graph, 'dropout')?.inbound, ['dense']);
    assert.deepEqual(findLayer(host.model.graph, 'dense_1')?.inbound, ['dropout']);
    assert.deepEqual(host.model.graph.outputs, ['dense_1']);
    await until(async () => JSON.stringify(await edgeIds()) === JSON.stringify(['dense\u2192dropout', 'dropout\u2192dense_1', 'input_layer\u2192dense']), 'edges re-wired');

    // The new layer is selected: a double-click in the palette goes after it.
    await until(async () => (await page.locator('.react-flow__node.selected').getAttribute('data-id')) === 'dropout', 'dropout selected');
    const layouts = joinedLayouts();
    await page.locator('.ms-palette-search input').fill('');
    await page.locator('.ms-palette-item[data-class="BatchNormalization"]').dblclick();
    await until(() => findLayer(host.model.graph, 'dense_1')?.inbound[0] === 'batch_normalization', 'batch_normalization before dense_1');
    assert.deepEqual(findLayer(host.model.graph, 'batch_normalization')?.inbound, ['dropout']);
    await until(() => joinedLayouts() > layouts, 'layout after the double-click', 3000).catch(() => undefined);
  });

  test('after a series of inserts no two layers overlap and the output is below the input; one Undo per insert', async () => {
    await select('dense');
    const layouts = joinedLayouts();
    for (const cls of ['Dense', 'ReLU', 'Dropout']) await insertWithEnter(cls);
    const boxes = await settledBoxes();
    assert.equal(Object.keys(boxes).length, host.model.graph.layers.length);
    assertNoOverlap(boxes);
    assert.ok(boxes.dense_1.y >= boxes.input_layer.y + boxes.input_layer.height, 'the output is below the input');
    await page.screenshot({ path: join(artifacts, 'graph-editing-inserts.png') });

    // The layout joined each insert: one Undo takes back both (the layer and the others' new places).
    assert.equal(joinedLayouts(), layouts + 3, 'one layout joined to each insert');
    const names = host.model.graph.layers.map((l) => l.name);
    assert.ok(host.model.undo());
    assert.equal(host.model.graph.layers.length, names.length - 1);
    assert.ok(host.model.redo());
    assert.deepEqual(host.model.graph.layers.map((l) => l.name), names);
  });

  test('deleting a middle layer reconnects its neighbours', async () => {
    const middle = findLayer(host.model.graph, 'dense_1')?.inbound[0] as string;
    const feeding = findLayer(host.model.graph, middle)?.inbound[0] as string;
    await select(middle);
    await page.locator('button[aria-label="Delete"]').click();
    await until(() => !findLayer(host.model.graph, middle), `${middle} deleted`);
    assert.deepEqual(findLayer(host.model.graph, 'dense_1')?.inbound, [feeding]);
    await until(async () => (await edgeIds()).includes(`${feeding}\u2192dense_1`), 'the reconnecting edge is drawn');
    assertNoOverlap(await settledBoxes());
  });

  test('the minimap is hidden while the graph fits, and never covers a layer', async () => {
    await fit();
    await settledBoxes();
    assert.equal(await page.locator('.react-flow__minimap').count(), 0, 'the whole graph is on screen: no minimap');
    // Zoomed in, the graph no longer fits: the minimap is shown, in a corner free of layers.
    for (let i = 0; i < 3; i++) await page.locator('.react-flow__controls-zoomin').click();
    const boxes = await settledBoxes();
    const map = await page.locator('.react-flow__minimap').boundingBox();
    assert.ok(map, 'the minimap is shown when the graph does not fit');
    for (const [name, b] of Object.entries(boxes)) assert.ok(!overlap(map, b), `the minimap covers ${name}`);
  });

  test('Fit keeps a readable zoom in a narrow editor with the Summary open', async () => {
    await page.setViewportSize({ width: 900, height: 480 });
    await page.locator('button[aria-label="Summary"]').click();
    await fit();
    await settledBoxes();
    const z = await zoom();
    assert.ok(z >= READABLE_ZOOM - 1e-6, `zoom after Fit is ${z}, under ${READABLE_ZOOM}`);
    const px = await node('dense').locator('[data-testid="node-args"]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(px * z >= 8, `node text is drawn at ${(px * z).toFixed(1)} px`);
    // The graph's start is on screen: the input layer is visible.
    const canvas = await page.locator('.react-flow').boundingBox();
    const input = await node('input_layer').boundingBox();
    assert.ok(canvas && input && input.y >= canvas.y && input.y + input.height <= canvas.y + canvas.height, 'the input layer is in view');
    await page.screenshot({ path: join(artifacts, 'graph-editing-narrow.png') });
    await page.locator('button[aria-label="Summary"]').click();

    // Beside the Training view: half of a 1440x900 window, in both themes.
    await page.setViewportSize({ width: 720, height: 860 });
    await fit();
    await settledBoxes();
    assert.ok((await zoom()) >= READABLE_ZOOM - 1e-6, 'readable beside the Training view');
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await page.screenshot({ path: join(artifacts, `graph-editing-beside-training-${theme}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('left to right: the toolbar lays the graph out across, and later inserts keep that direction', async () => {
    const toggle = page.locator('button[aria-label="Left to right"]');
    await toggle.click();
    await until(async () => (await toggle.getAttribute('aria-pressed')) === 'true', 'left to right pressed');
    let boxes = await settledBoxes();
    assert.ok(boxes.dense_1.x >= boxes.input_layer.x + boxes.input_layer.width, 'the output is right of the input');
    assert.ok(await node('dense').locator('.react-flow__handle-left').count(), 'inputs on the left side');
    await select('dense');
    await insertWithEnter('Dropout');
    boxes = await settledBoxes();
    assertNoOverlap(boxes);
    assert.ok(boxes.dense_1.x >= boxes.input_layer.x + boxes.input_layer.width, 'still left to right');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await page.screenshot({ path: join(artifacts, 'graph-editing-left-to-right.png') });
    assert.deepEqual(pageErrors(page), [], 'no script errors');
    assert.equal(await page.locator('[data-testid="notice"]').count(), 0, 'no edit was rejected');
  });
});
