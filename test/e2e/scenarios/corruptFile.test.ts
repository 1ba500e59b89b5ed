/**
 * Files that are not models open to an error view that says why, never to a blank editor; an ONNX graph
 * Model Studio cannot make editable opens read-only, its unsupported nodes listed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gluOnBatchAxis } from '../../unit/onnx/nodeGraphs';
import { startSession, type Session } from '../harness/session';

describe('e2e: a corrupt model file opens to a clear error view', { timeout: 180_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('corrupt-file');
    // A .keras that is not a zip, and a model.json cut off in the middle.
    writeFileSync(join(s.workspace, 'broken.keras'), Buffer.from('this is not a zip archive, just text\n'.repeat(20)));
    writeFileSync(join(s.workspace, 'truncated.model.json'), '{"format": "layers-model", "modelTopology": {"class_name": "Sequ');
    // torch's GLU with its Split on the batch axis (no Keras layer splits there), a Sigmoid and a Mul after it.
    writeFileSync(join(s.workspace, 'glu.onnx'), gluOnBatchAxis());
  });
  after(async () => {
    await s?.close();
  });

  for (const [file, label] of [
    ['broken.keras', 'not-a-zip'],
    ['truncated.model.json', 'truncated-json'],
  ] as const) {
    test(`${file}: an error view with the reason`, async () => {
      await s.wb.openFile(file);
      const f = await s.wb.webview('.ms-error-view', 60_000);
      const heading = (await f.locator('.ms-error-view h2').textContent()) ?? '';
      assert.match(heading, new RegExp(`Cannot open ${file.replace('.', '\\.')}`));
      const message = ((await f.locator('[data-testid="load-error"]').textContent()) ?? '').trim();
      assert.ok(message.length > 10, `a reason is shown: "${message}"`);
      assert.doesNotMatch(message, /\n\s+at |Error: |undefined|\[object/, 'plain words, no stack trace');
      assert.equal(await f.locator('.ms-node').count(), 0, 'no canvas');
      await s.shot(`error-view-${label}`);
      await s.wb.runCommand('View: Close Editor');
    });
  }

  test('glu.onnx: read-only, the unsupported node marked and listed, no error view', async () => {
    await s.wb.openFile('glu.onnx');
    const f = await s.wb.webview('[data-testid="viewer"]', 60_000);
    await f.locator('.ms-onnx-node').nth(3).waitFor();
    assert.equal(await f.locator('.ms-onnx-node[data-state="unsupported"]').count(), 1);
    assert.match((await f.locator('[data-testid="readonly-notice"]').textContent()) ?? '', /Read-only\. Split 1: along the batch axis \(each sample keeps all its values\) \(and 2 more\)/);
    const items = f.locator('[data-testid="unsupported-list"] button');
    assert.equal(await items.count(), 3);
    assert.match((await items.first().textContent()) ?? '', /Split.*along the batch axis/);
    await items.first().focus();
    await items.first().press('Enter');
    await f.locator('.react-flow__node.selected[data-id="Split_0"]').waitFor();
    assert.equal(await f.locator('.ms-error-view').count(), 0);
    await s.shot('read-only-onnx');
    await s.wb.runCommand('View: Close Editor');
  });
});
