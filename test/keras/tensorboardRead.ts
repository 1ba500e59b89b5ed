/** A run's TensorBoard events as TensorBoard's own EventAccumulator reads them (tensorboard_read.py), and the
 * check that its histograms are exactly the items a run sent. */
import assert from 'node:assert/strict';
import type { HistogramItem } from '../../src/core/training/events';
import { runPython } from './python';

export interface Read {
  scalars: Record<string, [number, number][]>;
  histograms: Record<string, [number, number[], number[], number, number][]>;
  hparams: Record<string, string | number | boolean> | null;
}

export const read = (dirs: string[]) => runPython<Record<string, Read>>('tensorboard_read.py', { dirs });

export function checkHistograms(got: Read['histograms'], items: HistogramItem[]): void {
  const tags = [...new Set(items.map((h) => `${h.layer}/${h.kind}/histogram`))].sort();
  assert.deepEqual(Object.keys(got).sort(), tags);
  for (const h of items) {
    const row = got[`${h.layer}/${h.kind}/histogram`].find((r) => r[0] === h.epoch - 1);
    assert.ok(row, `${h.layer} epoch ${h.epoch}`);
    assert.deepEqual(row[2], h.counts);
    assert.equal(row[1].length, h.counts.length);
    assert.equal(row[3], h.min);
    assert.equal(row[4], h.max);
  }
}
