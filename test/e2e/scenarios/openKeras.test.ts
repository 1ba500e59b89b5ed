/** A real Keras 3 file opens in the graph editor and its summary shows Keras' parameter total. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../harness/paths';
import { eventually, startSession, type Session } from '../harness/session';

// keras3/mnist_model.keras is Keras' MNIST convnet example: conv 3x3x1x32+32 = 320, conv 3x3x32x64+64 = 18,496,
// dense 1600x10+10 = 16,010 → 34,826 (what Keras' model.summary() prints for it).
const KERAS_TOTAL = '34,826';

describe('e2e: open a Keras 3 .keras file', { timeout: 180_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('open-keras', { files: { 'mnist_model.keras': fixture('keras3', 'mnist_model.keras') } });
  });
  after(async () => {
    await s?.close();
  });

  test('the graph editor shows its layers', async () => {
    await s.wb.openFile('mnist_model.keras');
    const f = await s.wb.webview('.ms-node', 60_000);
    const names = await eventually('the layers on the canvas', async () => {
      const n = await f.locator('.ms-node').evaluateAll((ns) => ns.map((x) => x.getAttribute('data-layer') ?? ''));
      return n.length >= 7 ? n : undefined;
    });
    assert.equal(names.filter((n) => /conv2d/.test(n)).length, 2, `layers: ${names.join(', ')}`);
    assert.ok(names.some((n) => /dense/.test(n)), `layers: ${names.join(', ')}`);
  });

  test('Show Model Summary gives the Keras parameter total', async () => {
    await s.wb.runCommand('Model Studio: Show Model Summary');
    const f = await s.wb.webview('[data-testid="summary-table"]');
    assert.equal((await f.locator('[data-testid="total-params"]').textContent())?.trim(), KERAS_TOTAL);
    const rows = await f.locator('[data-testid="summary-table"] tbody tr').allTextContents();
    assert.ok(rows.some((r) => /\(None, 11, 11, 64\)/.test(r) && /18,496/.test(r)), `summary rows:\n${rows.join('\n')}`);
    await s.page.waitForTimeout(300);
    await s.shot('summary');
  });
});
