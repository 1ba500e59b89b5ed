/**
 * Compare Runs in real headless Chromium, with runs as the run folders name them (`20261130-150135-a1b2-adam`):
 * short names, legends of only the differing settings, batch curves for a run with no finished epoch, a
 * table that fits a narrow view, and "Compare selected" with nothing checked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { finalAndBest, type BatchPoint, type RunInfo } from '../../../src/core/training';
import type { TrainingSnapshot } from '../../../src/protocol/training';
import { artifacts, pageErrors, settle, send, startHarness, type Harness } from './harness';
import { fourRuns } from './stream';

/** The four optimizer runs named as generated run ids, with more metrics (a wide table). */
function namedRuns(): RunInfo[] {
  return fourRuns().map((r, i) => {
    const epochs = r.epochs.map((e) => ({ ...e, metrics: { ...e.metrics, mae: 0.1 * (i + 1), val_mae: 0.11 * (i + 1), top_k_categorical_accuracy: 0.9, val_top_k_categorical_accuracy: 0.89 } }));
    const name = `20261130-15013${i}-a1b${i}-${r.hyper.optimizer}`;
    return { ...r, id: name, name, epochs, ...finalAndBest(epochs) };
  });
}

/** A run stopped in its first epoch: batch points only. */
function unfinished(): RunInfo {
  const batches: BatchPoint[] = Array.from({ length: 40 }, (_, b) => ({ step: b + 1, epoch: 1, batch: b + 1, batches: 469, metrics: { loss: 2.3 - b * 0.02, accuracy: 0.1 + b * 0.01 } }));
  const hyper = { dataset: 'mnist', optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', epochs: 12, batchSize: 128 };
  return { id: '20261130-160000-beef-rmsprop', model: 'mnist-mlp', name: '20261130-160000-beef-rmsprop', state: 'stopped', hyper, final: {}, best: {}, epochs: [], batches };
}

function snapshot(runs: RunInfo[]): TrainingSnapshot {
  return { session: null, sessions: [], batches: [], epochs: [], histograms: [], runs, tryInfo: { kind: 'none', reason: 'x' } };
}

async function compareChecked(page: Page, runs: RunInfo[]): Promise<void> {
  for (const r of runs) await page.locator(`[id="run-${r.id}"]`).check();
  await page.locator('#compare-button').click();
  await settle(page);
}

describe('compare runs (Chromium)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  test('"Compare selected" with nothing checked says so and keeps the page as it was', async () => {
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snapshot(namedRuns()) });
    await page.locator('#tab-compare').click();
    assert.equal(await page.locator('#compare-notice').isVisible(), false);
    await page.locator('#compare-button').click();
    assert.match(await page.locator('#compare-notice').innerText(), /No run is selected: check the runs to compare/);
    assert.equal((await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted)).filter((m) => m.type === 'compare').length, 0);
    // Checking a run clears the notice.
    await page.locator('.run-row input[type=checkbox]').first().check();
    assert.equal(await page.locator('#compare-notice').isVisible(), false);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  test('short names, legends of the differing settings only, batch curves without epochs, a table that fits', async () => {
    const page = await harness.open({ width: 900 });
    const runs = [...namedRuns(), unfinished()];
    await send(page, { type: 'snapshot', snapshot: snapshot(runs) });
    await page.locator('#tab-compare').click();
    await compareChecked(page, runs);
    // Short names in the list, the legend and the table; the full id stays in the tooltip.
    assert.equal(await page.locator('.run-row .run-name').first().innerText(), 'sgd 11-30 15:01');
    assert.equal(await page.locator('.run-row .run-name').first().getAttribute('title'), runs[0].name);
    assert.equal(await page.locator('#compare-table tbody tr td').first().innerText(), 'sgd 11-30 15:01');
    const legend = await page.locator('#compare-legend').innerText();
    assert.doesNotMatch(legend, /20261130/);
    assert.doesNotMatch(legend, /dataset=|batchSize=|loss=/);
    assert.match(legend, /adam 11-30 15:01: optimizer=adam learning_rate=0\.001/);
    // The unfinished run has its batch curve.
    const batchChart = page.locator('[data-chart="compare:batch:loss"]');
    assert.equal(await batchChart.count(), 1);
    assert.match(await batchChart.locator('.u-legend').innerText(), /optimizer=rmsprop · batches/);
    // The table fits: it scrolls in its box, the page does not widen.
    const widths = await page.evaluate(() => {
      const box = document.getElementById('compare-table')!;
      return { page: document.documentElement.scrollWidth, view: window.innerWidth, box: box.getBoundingClientRect().right };
    });
    assert.ok(widths.page <= widths.view, `page ${widths.page} px wide in a ${widths.view} px view`);
    assert.ok(widths.box <= widths.view, `table box ends at ${widths.box} px`);
    await page.screenshot({ path: join(artifacts, 'training-compare-short-names.png'), fullPage: true });
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
