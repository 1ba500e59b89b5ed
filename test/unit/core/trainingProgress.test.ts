/** core/training/progress.ts: batch x/N, elapsed, ETA and samples/s from a session's batch events. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateEta, formatDuration, formatRate, progressParts, runProgress, stepsLeft, type BatchPoint } from '../../../src/core/training';

const point = (epoch: number, batch: number, batches: number, samplesPerSec = 1000): BatchPoint => ({ step: (epoch - 1) * batches + batch, epoch, batch, batches, metrics: { loss: 1 }, samplesPerSec });

describe('training progress', () => {
  test('steps left count the rest of this epoch and the epochs after it', () => {
    assert.equal(stepsLeft(1, 5, 0, 100), 500);
    assert.equal(stepsLeft(2, 5, 30, 100), 370);
    assert.equal(stepsLeft(5, 5, 100, 100), 0);
    // A late event past the end never gives a negative count.
    assert.equal(stepsLeft(6, 5, 10, 100), 0);
  });

  test('the ETA is the steps left at the rate measured since the first batch (start-up excluded)', () => {
    // 100 steps in 20 s: 0.2 s a step; 300 left → 60 s.
    assert.equal(estimateEta({ step: 10, seconds: 5 }, { step: 110, seconds: 25 }, 300), 60);
    assert.equal(estimateEta({ step: 10, seconds: 5 }, { step: 10, seconds: 5 }, 300), undefined);
    assert.equal(estimateEta({ step: 10, seconds: 5 }, { step: 20, seconds: 5 }, 300), undefined);
  });

  test('a run: 10 s of start-up, then 2 epochs of 100 batches at 10 batches a second', () => {
    const startedAt = 1_000_000;
    const first = { point: point(1, 1, 100), at: startedAt + 10_000 };
    const last = { point: point(1, 51, 100, 2345.6), at: startedAt + 15_000 };
    const p = runProgress({ epochs: 2, startedAt, now: startedAt + 15_000, first, last });
    assert.equal(p.epoch, 1);
    assert.equal(p.batch, 51);
    assert.equal(p.batchesPerEpoch, 100);
    assert.equal(p.elapsedSeconds, 15);
    // 50 steps in 5 s; 149 left → 14.9 s (not inflated by the 10 s of start-up).
    assert.ok(Math.abs(p.etaSeconds! - 14.9) < 1e-9, String(p.etaSeconds));
    assert.deepEqual(progressParts(p), ['batch 51/100', '0:15 elapsed', 'ETA 0:15', '2,346 samples/s']);
    // Two seconds without an event: those seconds are spent, the ETA counts down.
    assert.ok(Math.abs(runProgress({ epochs: 2, startedAt, now: startedAt + 17_000, first, last }).etaSeconds! - 12.9) < 1e-9);
  });

  test('before any batch: only the elapsed time; without N: the batch alone and no ETA', () => {
    assert.deepEqual(progressParts(runProgress({ epochs: 3, startedAt: 0, now: 4200 })), ['0:04 elapsed']);
    const { batches: _n, ...noN } = point(1, 7, 100, 12.34);
    const p = runProgress({ epochs: 3, startedAt: 0, now: 9000, first: { point: noN, at: 1000 }, last: { point: noN, at: 9000 } });
    assert.deepEqual(progressParts(p), ['batch 7', '0:09 elapsed', '12.3 samples/s']);
  });

  test('durations read as clocks; rates are rounded', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(59.6), '1:00');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(-3), '0:00');
    assert.equal(formatRate(99.94), '99.9 samples/s');
    assert.equal(formatRate(123456.4), '123,456 samples/s');
  });
});
