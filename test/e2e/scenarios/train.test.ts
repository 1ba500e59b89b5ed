/**
 * Training in the real VS Code: the XOR template trains to the end with progress and the final loss in the
 * status bar and a falling loss curve in the training view; a longer run (MNIST MLP) stops on Stop.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { eventually, newModelFromTemplate, startSession, type Session } from '../harness/session';

/** The hover readout of a uPlot chart (series 1) with the cursor at a fraction of the plot's width. */
async function readoutAt(s: Session, chart: import('playwright-core').Locator, fraction: number): Promise<number> {
  const over = chart.locator('.u-over');
  const box = await over.boundingBox();
  if (!box) throw new Error('the chart has no plot area');
  await over.hover({ position: { x: Math.max(1, Math.min(box.width - 1, box.width * fraction)), y: box.height / 2 } });
  const text = (await chart.locator('.u-legend .u-series').nth(1).locator('.u-value').textContent()) ?? '';
  const v = Number.parseFloat(text.replace(/[^\d.eE+-]/g, ''));
  if (!Number.isFinite(v)) throw new Error(`no value in the readout "${text}"`);
  return v;
}

describe('e2e: training', { timeout: 420_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('train');
    // The editor and the training view share the window side by side: give them the explorer's width too.
    await s.wb.runCommand('View: Close Primary Side Bar');
  });
  after(async () => {
    await s?.close();
  });

  test('XOR trains: the status bar shows progress, then the final loss', async () => {
    await newModelFromTemplate(s, 'xor');
    await s.wb.runCommand('Model Studio: Train');
    // XOR's 500 epochs take a few seconds: progress shows as "xor · epoch N/500 · loss ... · acc ...".
    const progress = await eventually('training progress in the status bar', async () =>
      (await s.wb.statusBarTexts()).find((t) => /^xor · epoch \d+\/500 · loss \d/.test(t)), 60_000, 100);
    const [, epoch] = /epoch (\d+)\/500/.exec(progress) ?? [];
    assert.ok(Number(epoch) >= 1 && Number(epoch) <= 500, `the epoch shown is within the run: "${progress}"`);
    // The training view opened beside the editor: shoot once it draws its first chart.
    await (await s.wb.webview('.chart-card .u-over', 60_000)).locator('.chart-card .u-over').first().waitFor({ state: 'visible' });
    await s.shot('training-progress');
    const done = await eventually('the final loss in the status bar', async () =>
      (await s.wb.statusBarTexts()).find((t) => /^xor done · loss \d/.test(t)), 180_000);
    const finalLoss = Number(/loss ([\d.e+-]+)/.exec(done)?.[1]);
    assert.ok(finalLoss < 0.1, `XOR converges: final loss ${finalLoss}`);
    console.log(`status bar: "${progress}" then "${done}"`);
    await s.shot('training-done');
  });

  test('the training view shows a falling loss curve', async () => {
    const f = await s.wb.webview('.chart-card');
    const chart = f.locator('.chart-card', { has: f.locator('.chart-title', { hasText: /loss/i }) }).first();
    await chart.locator('.u-over').waitFor({ state: 'visible' });
    const first = await readoutAt(s, chart, 0.01);
    const last = await readoutAt(s, chart, 0.99);
    console.log(`loss curve: ${first} → ${last}`);
    assert.ok(last < first / 10, `the loss falls (${first} → ${last})`);
    // The "training done" toast sits over the charts: clear it for the screenshot.
    await s.wb.runCommand('Notifications: Clear All Notifications');
    await s.page.waitForTimeout(300);
    await s.shot('loss-curve');
  });

  test('the editor beside the training view at 1440x900, in the light and the dark theme', async () => {
    for (const theme of ['Light Modern', 'Dark Modern']) {
      await s.wb.runCommand('Preferences: Color Theme');
      await s.wb.pick(theme, { filter: theme });
      // Both webviews take the theme's colours from VS Code's variables.
      // The workbench's class names the theme's kind: vs (light) or vs-dark.
      const kind = theme.startsWith('Light') ? 'vs' : 'vs-dark';
      await eventually(`the ${theme} theme`, async () => ((await s.page.locator('.monaco-workbench').first().getAttribute('class')) ?? '').split(/\s+/).includes(kind), 15_000);
      await s.page.waitForTimeout(500);
      await s.shot(`beside-training-${theme.startsWith('Light') ? 'light' : 'dark'}`);
    }
  });

  test('Stop on a longer run (MNIST MLP) stops it', async () => {
    await newModelFromTemplate(s, 'mnist-mlp');
    await s.wb.runCommand('Model Studio: Train');
    // The first progress of a 5-epoch run is epoch 1 of 5 (the status bar counts from 1, as Keras prints).
    const first = await eventually('the MNIST run to be training', async () => (await s.wb.statusBarTexts()).find((t) => /^mnist_mlp · epoch \d+\/5/.test(t)), 120_000, 100);
    // Then the batch within the epoch, the metrics, or the elapsed time (the status model's order).
    assert.match(first, /^mnist_mlp · epoch 1\/5( · (batch \d+\/\d+|loss \d|\d+:\d\d elapsed)|$)/);
    const workersBefore = workerPids(s);
    assert.ok(workersBefore.length > 0, 'a training worker process runs');
    await s.shot('long-run');
    // Train again while it runs: a question, not a silent second session; Show Running Session starts nothing.
    await s.wb.runCommand('Model Studio: Train');
    const dialog = s.page.locator('.monaco-dialog-box', { hasText: /mnist_mlp is already training/ });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await s.shot('train-again-asks');
    await dialog.locator('.monaco-button', { hasText: /^Show Running Session$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(workerPids(s), workersBefore, 'no second training worker');
    await s.wb.runCommand('Model Studio: Stop Training');
    const stopped = await eventually('the run to stop', async () => (await s.wb.statusBarTexts()).find((t) => /^mnist_mlp stopped/.test(t)), 30_000);
    await eventually('the worker process to exit', () => workerPids(s).length === 0, 15_000);
    console.log(`status bar after Stop: "${stopped}"`);
    // The end message counts the epochs it finished (never "after ? epochs").
    const ended = await eventually('the end message', async () => (await s.page.locator('.notification-list-item-message').allTextContents()).find((t) => /mnist_mlp: training stopped/.test(t)), 15_000);
    assert.doesNotMatch(ended, /\?/);
    console.log(`end message: "${ended}"`);
    await s.shot('stopped');
  });
});

/** Training worker processes (dist/worker.js) under this server's extension hosts. */
function workerPids(s: Session): number[] {
  const out: number[] = [];
  for (const pid of allPids()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(s.server.extensionsDir) && /worker\.js/.test(cmd)) out.push(pid);
    } catch {
      /* ended */
    }
  }
  return out;
}

function allPids(): number[] {
  return require('node:fs')
    .readdirSync('/proc')
    .filter((n: string) => /^\d+$/.test(n))
    .map(Number);
}
