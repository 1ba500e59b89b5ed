/** The Get Started walkthrough: four steps (create, edit, train, export), each with a command and an image. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSession, type Session } from '../harness/session';

describe('e2e: walkthrough', { timeout: 180_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('walkthrough');
  });
  after(async () => {
    await s?.close();
  });

  test('Welcome: Open Walkthrough... shows the Model Studio steps', async () => {
    await s.wb.runCommand('Welcome: Open Walkthrough...');
    await s.wb.pick('Get Started with Model Studio');
    const steps = s.page.locator('.getting-started-step .step-title');
    await steps.first().waitFor({ state: 'visible', timeout: 30_000 });
    const titles = (await steps.allTextContents()).map((t) => t.trim());
    assert.deepEqual(titles, ['Create a model from a template', 'Edit the layer graph', 'Train it and watch it learn', 'Export to ONNX, Keras or TF.js']);
    // The first step is expanded: its command button and its themed image (an SVG in a webview).
    await s.page.locator('.getting-started-step.expanded').getByRole('button', { name: 'New Model...' }).waitFor({ state: 'visible', timeout: 10_000 });
    const media = await s.wb.webview('svg', 30_000);
    assert.ok((await media.locator('svg text').count()) > 0, 'the step image is shown');
    await s.page.waitForTimeout(500);
    await s.shot('walkthrough');
  });
});
