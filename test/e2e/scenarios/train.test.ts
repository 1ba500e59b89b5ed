/**
 * Training in the real VS Code: the XOR template trains to the end with progress and the final loss in the
 * status bar and a falling loss curve in the training view; a longer run (MNIST MLP) stops on Stop.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { eventually, startSession, type Session } from '../harness/session';

async function newModelFromTemplate(s: Session, templateId: string): Promise<string> {
  await s.wb.runCommand('Model Studio: New Model...');
  await s.wb.pick(templateId);
  const { path } = await s.wb.answerFileDialog();
  await s.wb.webview('.ms-node', 60_000);
  return path;
}

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
  });
  after(async () => {
    await s?.close();
  });

  test('XOR trains: the status bar shows progress, then the final loss', async () => {
    await newModelFromTemplate(s, 'xor');
    await s.wb.runCommand('Model Studio: Train');
    const progress = await eventually('training progress in the status bar', async () =>
      (await s.wb.statusBarTexts()).find((t) => /epoch \d+\/\d+/.test(t) || /starting/.test(t)), 60_000);
    await s.shot('training-progress');
    const done = await eventually('the final loss in the status bar', async () =>
      (await s.wb.statusBarTexts()).find((t) => /done · loss \d/.test(t)), 180_000);
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
    assert.ok(last < first, `the loss falls (${first} → ${last})`);
    await s.shot('loss-curve');
  });

  test('Stop on a longer run (MNIST MLP) stops it', async () => {
    await newModelFromTemplate(s, 'mnist-mlp');
    await s.wb.runCommand('Model Studio: Train');
    await eventually('the MNIST run to be training', async () => (await s.wb.statusBarTexts()).find((t) => /epoch \d+\/\d+/.test(t)), 120_000);
    const workersBefore = workerPids(s);
    assert.ok(workersBefore.length > 0, 'a training worker process runs');
    await s.shot('long-run');
    await s.wb.runCommand('Model Studio: Stop Training');
    const stopped = await eventually('the run to stop', async () => (await s.wb.statusBarTexts()).find((t) => /stopped/.test(t)), 30_000);
    await eventually('the worker process to exit', () => workerPids(s).length === 0, 15_000);
    console.log(`status bar after Stop: "${stopped}"`);
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
