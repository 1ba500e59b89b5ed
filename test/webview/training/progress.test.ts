/**
 * The training view's progress in real headless Chromium: the header's batch x/N, elapsed, ETA and
 * samples/s, and the charts' empty state while the worker starts and after it fails.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchPoint } from '../../../src/core/training';
import type { SessionInfo, TrainingSnapshot } from '../../../src/protocol/training';
import { pageErrors, send, settle, startHarness, type Harness } from './harness';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const base: SessionInfo = { id: 's1', model: 'mnist-cnn', runId: 'r1', state: 'starting', epochs: 3, engine: 'cpu', startedAt: T0 };

function snapshot(session: SessionInfo): TrainingSnapshot {
  return { session, sessions: [session], batches: [], epochs: [], histograms: [], runs: [], tryInfo: { kind: 'none', reason: 'not trained' } };
}

const batch = (b: number): BatchPoint => ({ step: b, epoch: 1, batch: b, batches: 100, metrics: { loss: 0.5 }, samplesPerSec: 640 });

describe('training view progress (Chromium)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  test('the empty charts say "Starting…" while the worker loads, and show the failure when it fails', async () => {
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snapshot(base) });
    await settle(page);
    const empty = page.locator('#charts-empty');
    assert.match(await empty.innerText(), /^Starting…/);
    assert.doesNotMatch(await empty.innerText(), /No training yet/);
    await send(page, { type: 'session', session: { ...base, state: 'failed', error: 'The loss became NaN at epoch 1. Lower the learning rate.' } });
    await settle(page);
    assert.match(await empty.innerText(), /^Training failed: The loss became NaN at epoch 1\. Lower the learning rate\./);
    assert.equal(await empty.evaluate((e) => e.classList.contains('error')), true);
    // With no session at all, the invitation to train.
    await send(page, { type: 'snapshot', snapshot: { ...snapshot(base), session: null, sessions: [] } });
    await settle(page);
    assert.match(await empty.innerText(), /^No training yet/);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  test('the header shows batch x/N, elapsed time, ETA and samples/s as the batches arrive', async () => {
    const page = await harness.open();
    await page.clock.setFixedTime(T0 + 8000);
    await send(page, { type: 'snapshot', snapshot: snapshot({ ...base, state: 'running' }) }, { type: 'batches', sessionId: 's1', points: [batch(1)] });
    await page.clock.setFixedTime(T0 + 12_000);
    await send(page, { type: 'batches', sessionId: 's1', points: [batch(41)] });
    await settle(page);
    // 40 batches in 4 s; 259 left at 10 a second → 26 s.
    assert.equal(await page.locator('#session-progress').innerText(), 'batch 41/100 · 0:12 elapsed · ETA 0:26 · 640 samples/s');
    // An epoch ends: no batch count until the next epoch's first batch; the clock keeps counting.
    await send(page, { type: 'epoch', sessionId: 's1', point: { epoch: 1, step: 100, metrics: { loss: 0.4 } } });
    await page.clock.setFixedTime(T0 + 30_000);
    await page.waitForFunction(() => /0:30 elapsed/.test(document.getElementById('session-progress')?.textContent ?? ''));
    assert.equal(await page.locator('#session-progress').innerText(), '0:30 elapsed · ETA 0:08 · 640 samples/s');
    // When the session ends, the running numbers go.
    await send(page, { type: 'session', session: { ...base, state: 'done' } });
    await settle(page);
    assert.equal(await page.locator('#session-progress').count(), 0);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
