/** steps_per_epoch as Keras' EpochIterator counts it, the training subset, and their checks in the config. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkTrainingConfig } from '../../../src/core/training/validate';
import { defaultTrainingConfig } from '../../../src/core/training';
import { EpochIterator } from '../../../src/engine/datasets/epochIterator';
import { arraySource, trainingSubset, validationSplit } from '../../../src/engine/datasets/source';
import { trainingFor } from '../../../src/cli/training-options';
import type { ModelFile } from '../../../src/core/types';

/** Ten rows whose x is the row number. */
const rows = (n = 10) => arraySource('rows', Float32Array.from([...Array(n).keys()]), [1], new Float32Array(n), { kind: 'values', shape: [1] });

async function epochs(it: EpochIterator, count: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let e = 0; e < count; e++) {
    const seen: number[] = [];
    for await (const b of it.epoch()) seen.push(...b.x);
    out.push(seen);
  }
  return out;
}

describe('steps_per_epoch', () => {
  it('continues the pass across epochs and ends an epoch where the data runs out, as Keras (3, 2, 3, 2 batches)', async () => {
    // Checked with Keras 3.15: fit(10 rows, batch_size=2, steps_per_epoch=3, shuffle=False) runs 3, 2, 3, 2, 3 batches.
    const got = await epochs(new EpochIterator(rows(), 2, { shuffle: false, stepsPerEpoch: 3 }), 4);
    assert.deepEqual(got, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9], [0, 1, 2, 3, 4, 5], [6, 7, 8, 9]]);
  });

  it('without it, every epoch is one whole pass', async () => {
    const got = await epochs(new EpochIterator(rows(5), 2, { shuffle: false }), 2);
    assert.deepEqual(got, [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]);
  });

  it('more steps than a pass has: one pass per epoch', async () => {
    const it = new EpochIterator(rows(5), 2, { shuffle: false, stepsPerEpoch: 100 });
    assert.equal(it.stepsPerEpoch, 3);
    assert.deepEqual(await epochs(it, 2), [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]);
  });

  it('a Stop mid-epoch leaves the pass where it stopped', async () => {
    const it = new EpochIterator(rows(), 2, { shuffle: false, stepsPerEpoch: 4 });
    for await (const b of it.epoch()) {
      assert.deepEqual([...b.x], [0, 1]);
      break;
    }
    assert.deepEqual(await epochs(it, 1), [[2, 3, 4, 5, 6, 7, 8, 9]]);
  });
});

describe('training subset', () => {
  it('keeps the first fraction of the training rows, after the validation split', async () => {
    const { train, validation } = validationSplit(rows(), 0.2);
    const sub = trainingSubset(train, 0.5);
    assert.equal(sub.size, 4);
    assert.equal(validation?.size, 2);
    assert.deepEqual([...(await sub.read([0, 1, 2, 3])).x], [0, 1, 2, 3]);
    assert.match(sub.description, /first 4 of 8/);
  });

  it('keeps at least one row, and all of them at 1', () => {
    assert.equal(trainingSubset(rows(), 0.01).size, 1);
    assert.equal(trainingSubset(rows(), 1).size, 10);
  });

  it('refuses 0 with a hint', () => {
    assert.throws(() => trainingSubset(rows(), 0), /subset must be above 0/);
  });
});

describe('the config checks', () => {
  const base = { ...defaultTrainingConfig(), dataset: 'mnist' };
  it('accepts a positive whole stepsPerEpoch and 0 < subset <= 1', () => {
    assert.deepEqual(checkTrainingConfig({ ...base, stepsPerEpoch: 20, subset: 1 }), {});
    assert.deepEqual(checkTrainingConfig({ ...base, subset: 0.05 }), {});
  });
  it('refuses bad values with what the field means', () => {
    const e = checkTrainingConfig({ ...base, stepsPerEpoch: 2.5, subset: 0 });
    assert.match(e.stepsPerEpoch ?? '', /whole number \(batches per epoch/);
    assert.match(e.subset ?? '', /above 0 \(a fraction of the training rows/);
    assert.match(checkTrainingConfig({ ...base, stepsPerEpoch: 0 }).stepsPerEpoch ?? '', /at least 1/);
    assert.match(checkTrainingConfig({ ...base, subset: 1.5 }).subset ?? '', /at most 1/);
    assert.match(checkTrainingConfig({ ...base, subset: 'half' }).subset ?? '', /must be a number/);
  });
});

describe('the CLI flags --steps-per-epoch and --subset', () => {
  const file = { graph: { name: 'm' } } as unknown as ModelFile;
  it('set the training configuration', () => {
    const t = trainingFor(file, { data: 'mnist', 'steps-per-epoch': '5', subset: '0.25' });
    assert.equal(t.stepsPerEpoch, 5);
    assert.equal(t.subset, 0.25);
  });
  it('refuse bad values with a usage error and a hint', () => {
    assert.throws(() => trainingFor(file, { data: 'mnist', 'steps-per-epoch': '0' }), /--steps-per-epoch must be a positive integer/);
    for (const bad of ['0', '1.5', 'half', '-0.1']) {
      assert.throws(() => trainingFor(file, { data: 'mnist', subset: bad }), (e: Error & { hint?: string }) => /--subset must be a fraction/.test(e.message) && /--subset 0.1/.test(e.hint ?? ''));
    }
  });
});
