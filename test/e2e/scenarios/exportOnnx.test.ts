/** Export to ONNX from the command palette: the .onnx file appears, and ONNX Runtime runs it. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, startSession, type Session } from '../harness/session';

describe('e2e: export to ONNX', { timeout: 240_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('export-onnx');
  });
  after(async () => {
    await s?.close();
  });

  test('Model Studio: Export Model... writes a verified .onnx', async () => {
    await s.wb.runCommand('Model Studio: New Model...');
    await s.wb.pick('xor');
    const { path } = await s.wb.answerFileDialog();
    await s.wb.webview('.ms-node', 60_000);
    await s.wb.runCommand('Model Studio: Export Model...');
    // The format pick is the first of three steps: it stays open when focus moves (here to the editor's tab). Run
    // from the palette while a webview had focus, VS Code may give the webview its focus back as the pick opens,
    // which closed the pick in a CI run.
    await s.wb.quickInput().locator('.quick-input-title', { hasText: 'Export model as' }).waitFor({ state: 'visible', timeout: 20_000 });
    await s.wb.focusEditorGroup();
    assert.ok(await s.page.evaluate(() => !document.activeElement?.closest('.quick-input-widget')), 'focus left the pick');
    assert.ok(await s.wb.quickInput().isVisible(), 'the format pick is still open after focus moved');
    await s.wb.pick('ONNX');
    const target = join(path, '..', 'xor.onnx');
    await s.wb.answerFileDialog(target);
    await eventually(`${target} on disk`, () => existsSync(target), 60_000);
    // The export's own check: a child process runs the file in ONNX Runtime and compares it with TF.js.
    // (The progress toast says "checking it against ONNX Runtime..." first: wait for the result, not that.)
    const note = await s.wb.waitForNotification(/verified against ONNX Runtime|verification failed/, 90_000);
    console.log(`notification: ${note}`);
    assert.match(note, /^Exported 1 file: .*xor\.onnx — verified against ONNX Runtime\.$/);
    // Let the progress toast go (it fades out over the result) and the explorer list the new file.
    await s.page.locator('.notifications-toasts .notification-list-item-message', { hasText: /checking it against/ }).waitFor({ state: 'hidden', timeout: 10_000 });
    await s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'xor.onnx' }).waitFor({ state: 'visible', timeout: 10_000 });
    await s.shot('exported');

    // Independently of the extension: ONNX Runtime loads the file and computes XOR's output shape.
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(target);
    const input = new ort.Tensor('float32', Float32Array.from([0, 1]), [1, 2]);
    const out = await session.run({ [session.inputNames[0]]: input });
    const y = out[session.outputNames[0]];
    assert.deepEqual(y.dims, [1, 1]);
    assert.ok(readdirSync(join(path, '..')).includes('xor.onnx'));
  });
});
