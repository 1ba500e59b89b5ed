/**
 * New Model from the mnist-mlp template through the command palette, then edit, save, undo, save:
 * the graph editor shows the template's layers, a Dropout added from the palette reaches the file on disk,
 * and Undo takes it out again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { eventually, startSession, type Session } from '../harness/session';

const layersOnDisk = (path: string): string[] => {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { model_config?: { config: { layers: { config: { name: string } }[] } }; config?: { layers: { config: { name: string } }[] } } };
  const cfg = json.modelTopology.model_config ?? json.modelTopology;
  return (cfg.config?.layers ?? []).map((l) => l.config.name);
};

describe('e2e: new model from a template, edit, save, undo', { timeout: 240_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('new-model');
  });
  after(async () => {
    await s?.close();
  });

  let modelPath = '';
  const nodeNames = async () => {
    const f = await s.wb.webview('.ms-node');
    return f.locator('.ms-node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-layer') ?? ''));
  };

  test('Model Studio: New Model... offers the templates and a save dialog', async () => {
    await s.wb.runCommand('Model Studio: New Model...');
    await s.wb.quickPickRows().filter({ hasText: 'mnist-mlp' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    const rows = await s.wb.quickPickRows().allTextContents();
    assert.ok(rows.some((r) => r.includes('mnist-mlp')), `templates offered: ${rows.join(' | ')}`);
    await s.shot('template-pick');
    await s.wb.pick('mnist-mlp');
    const dialog = await s.wb.answerFileDialog();
    assert.match(dialog.title, /MNIST MLP/);
    modelPath = dialog.path;
    assert.ok(modelPath.startsWith(s.workspace), `suggested ${modelPath} is inside the workspace ${s.workspace}`);
  });

  test('the graph editor opens with the template layers', async () => {
    const names = await eventually('the template layers on the canvas', async () => {
      const n = await nodeNames();
      return n.length >= 7 ? n : undefined;
    });
    assert.deepEqual(names, ['image', 'flatten', 'dense', 'dropout', 'dense_1', 'dropout_1', 'digits']);
    const f = await s.wb.webview('.ms-node');
    assert.match((await f.locator('[data-testid="status"]').textContent()) ?? '', /535,818 params/);
    assert.deepEqual(layersOnDisk(modelPath), names, 'the new file holds the same layers');
    await s.page.waitForTimeout(500); // let the fit-to-view animation settle for the screenshot
    await s.shot('editor-opened');
  });

  test('a Dropout added from the palette is saved to disk', async () => {
    const f = await s.wb.webview('.ms-node');
    await f.locator('.ms-node[data-layer="dense_1"]').click();
    await f.locator('.ms-palette-item[data-class="Dropout"]').dblclick();
    await eventually('dropout_2 on the canvas', async () => (await nodeNames()).includes('dropout_2'));
    assert.match((await f.locator('[data-testid="status"]').textContent()) ?? '', /unsaved/);
    await s.shot('dropout-added');
    await s.wb.runCommand('File: Save');
    await eventually('dropout_2 in the file on disk', () => layersOnDisk(modelPath).includes('dropout_2'));
    await eventually('the editor to show it saved', async () => !/unsaved/.test((await f.locator('[data-testid="status"]').textContent()) ?? ''));
  });

  test('Undo takes it out, and saving writes the file without it', async () => {
    await s.wb.focusEditorGroup();
    await s.page.keyboard.press('Control+Z');
    await eventually('dropout_2 gone from the canvas', async () => !(await nodeNames()).includes('dropout_2'));
    await s.shot('undone');
    await s.wb.runCommand('File: Save');
    await eventually('dropout_2 gone from the file on disk', () => !layersOnDisk(modelPath).includes('dropout_2'));
    assert.deepEqual(layersOnDisk(modelPath), ['image', 'flatten', 'dense', 'dropout', 'dense_1', 'dropout_1', 'digits']);
  });
});
