/**
 * "Export as Python Code..." from the command palette: the script opens in a Python editor tab, Save... writes
 * it, and saving over an existing file asks first (Cancel keeps the file, Overwrite replaces it).
 * "Export as Notebook...": the .ipynb is written and opens in VS Code's notebook editor.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, startSession, type Session } from '../harness/session';

describe('e2e: export as Python code and as a notebook', { timeout: 400_000 }, () => {
  let s: Session;
  /** The model the first test creates (the second exports it too). */
  let modelPath = '';
  before(async () => {
    s = await startSession('export-code');
  });
  after(async () => {
    await s?.close();
  });

  /** Exports the open model in `style`, clicks Save... on the message and answers the file dialog with `target`. */
  async function exportAndSave(style: string, target: string): Promise<void> {
    await s.wb.webview('.ms-node', 60_000);
    await s.wb.runCommand('Model Studio: Export as Python Code...');
    await s.wb.pick(style);
    const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: /Python code \(Keras: / }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: /^Save\.\.\.$/ }).click();
    await s.wb.answerFileDialog(target);
  }

  /** code-server's save dialog confirms an existing file itself first (its title asks; OK goes on). */
  async function confirmSaveDialog(): Promise<void> {
    const widget = s.page.locator('.quick-input-widget', { hasText: /already exists\. Are you sure you want to overwrite it\?/ });
    await widget.waitFor({ state: 'visible', timeout: 20_000 });
    await widget.locator('.monaco-button', { hasText: /^OK$/ }).click();
  }

  const overwriteDialog = () => s.page.locator('.monaco-dialog-box', { hasText: /already exists\. Overwrite it\?/ }).first();

  test('the script opens in an editor, Save... writes it, and an existing file is overwritten only when the user says so', async () => {
    await s.wb.runCommand('Model Studio: New Model...');
    await s.wb.pick('xor');
    const { path } = await s.wb.answerFileDialog();
    modelPath = path;
    const target = join(path, '..', 'xor_model.py');

    await exportAndSave('Keras: functional API', target);
    // The preview: an untitled Python editor holding the script.
    await s.page.locator('.monaco-editor .view-lines', { hasText: 'def build_model():' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await eventually(`${target} on disk`, () => existsSync(target), 30_000);
    const functional = readFileSync(target, 'utf8');
    assert.match(functional, /keras\.Model\(inputs=/);
    assert.match(functional, /def load_weights\(model, path=None\):/);
    await s.shot('saved-functional');

    // Again in the subclassing style, to the same file: the command asks; Cancel keeps the file as it was.
    const modelTab = s.wb.tab(basename(path));
    await modelTab.click();
    await exportAndSave('Keras: subclassing', target);
    await confirmSaveDialog();
    // Then the command's own question.
    await overwriteDialog().waitFor({ state: 'visible', timeout: 20_000 });
    await s.shot('asks-before-overwriting');
    await overwriteDialog().locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await overwriteDialog().waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal(readFileSync(target, 'utf8'), functional);

    // And Overwrite replaces it.
    await modelTab.click();
    await exportAndSave('Keras: subclassing', target);
    await confirmSaveDialog();
    await overwriteDialog().locator('.monaco-button', { hasText: /^Overwrite$/ }).click();
    await eventually(`${target} rewritten`, () => /class Xor\(keras\.Model\):/.test(readFileSync(target, 'utf8')), 30_000);
  });

  test('Export as Notebook... writes the .ipynb and opens it in the notebook editor', async () => {
    assert.ok(modelPath, 'the first test created the model');
    await s.wb.tab(basename(modelPath)).click();
    await s.wb.webview('.ms-node', 60_000);
    await s.wb.runCommand('Model Studio: Export as Notebook...');
    await s.wb.pick('Keras: Sequential');
    const target = join(modelPath, '..', 'xor.ipynb');
    await s.wb.answerFileDialog(target);
    await eventually(`${target} on disk`, () => existsSync(target), 30_000);
    const nb = JSON.parse(readFileSync(target, 'utf8')) as { nbformat: number; cells: { source: string[] }[] };
    assert.equal(nb.nbformat, 4);
    assert.ok(nb.cells.some((c) => c.source.join('').includes('keras.Sequential(')));
    // VS Code's notebook editor shows it (the markdown renders in its own frame; the parameters cell is code).
    await s.wb.tab('xor.ipynb').waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.locator('.notebook-editor .cell-list-container', { hasText: 'SAMPLE_LIMIT = None' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await s.wb.waitForNotification(/Notebook \(Keras: Sequential\) for xor/, 20_000);
    await s.shot('notebook');
  });
});
