/** The Training panel's epoch-time estimate: from the speed the model's newest run measured. */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { epochEstimateText, estimateEpochSeconds, measuredSpeed } from '../../../src/core/training';
import { latestMeasuredSpeed } from '../../../src/extension/training/runStore';
import { parseHostMessage } from '../../../src/protocol/editor';
import { tempDir } from '../../helpers/paths';

const full = { batchSize: 128, validationSplit: 0.1 };

describe('epoch-time estimate', () => {
  it("a run's epoch of 54,000 rows at 900 samples/s: 60 s; a tenth of the data 6 s; 50 steps of 128 rows 7.1 s", () => {
    const speed = measuredSpeed('mnist_cnn/r1', { samplesPerSec: 900, seconds: 60 }, full)!;
    assert.equal(speed.dataRows, 60_000);
    assert.equal(estimateEpochSeconds(speed, full), 60);
    assert.equal(estimateEpochSeconds(speed, { ...full, subset: 0.1 }), 6);
    assert.ok(Math.abs(estimateEpochSeconds(speed, { ...full, stepsPerEpoch: 50 })! - (50 * 128) / 900) < 1e-9);
    assert.equal(epochEstimateText(speed, { ...full, subset: 0.1 }), 'An epoch: about 6 s at 900 samples/s (measured by run mnist_cnn/r1)');
    assert.equal(epochEstimateText(speed, { ...full, validationSplit: 0 }), 'An epoch: about 67 s at 900 samples/s (measured by run mnist_cnn/r1)');
  });

  it('a run on a subset or cut by steps_per_epoch', () => {
    const onSubset = measuredSpeed('m/r', { samplesPerSec: 100, seconds: 27 }, { ...full, subset: 0.05 })!;
    assert.equal(onSubset.dataRows, 60_000);
    const cut = measuredSpeed('m/r', { samplesPerSec: 100, seconds: 10 }, { ...full, stepsPerEpoch: 5 })!;
    assert.equal(cut.dataRows, undefined);
    assert.equal(estimateEpochSeconds(cut, full), undefined, 'the size of the data is unknown');
    assert.equal(estimateEpochSeconds(cut, { ...full, stepsPerEpoch: 10 }), 12.8);
  });

  it('nothing to say without a speed or with values the form will refuse', () => {
    const speed = measuredSpeed('m/r', { samplesPerSec: 100, seconds: 10 }, full)!;
    assert.equal(epochEstimateText(null, full), undefined);
    assert.equal(epochEstimateText(speed, { ...full, batchSize: NaN }), undefined);
    assert.equal(epochEstimateText(speed, { ...full, subset: 0 }), undefined);
    assert.equal(measuredSpeed('m/r', { samplesPerSec: 0, seconds: 1 }, full), undefined);
    assert.equal(measuredSpeed('m/r', {}, full), undefined);
  });

  it("the host reads the newest run's last epoch; the editor's message carries it, a bad one is dropped", () => {
    const ws = tempDir('ms-speed-');
    for (const [id, sps] of [['20261130-100000-aaaa', 100], ['20261130-110000-bbbb', 250]] as const) {
      const dir = join(ws, '.modelstudio', 'runs', 'mnist_cnn', id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ training: { ...full, epochs: 2 } }));
      writeFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ type: 'epoch', epoch: 1, metrics: {}, samplesPerSec: sps / 2, seconds: 10 })}\n${JSON.stringify({ type: 'epoch', epoch: 2, metrics: {}, samplesPerSec: sps, seconds: 10 })}\n`);
    }
    const speed = latestMeasuredSpeed(ws, 'mnist_cnn')!;
    assert.deepEqual(speed, { samplesPerSec: 250, dataRows: Math.round(2500 / 0.9), runId: 'mnist_cnn/20261130-110000-bbbb' });
    assert.equal(latestMeasuredSpeed(ws, 'other'), undefined);
    assert.deepEqual(parseHostMessage({ type: 'trainingSpeed', speed }), { type: 'trainingSpeed', speed });
    assert.deepEqual(parseHostMessage({ type: 'trainingSpeed', speed: null }), { type: 'trainingSpeed', speed: null });
    assert.equal(parseHostMessage({ type: 'trainingSpeed', speed: { samplesPerSec: -1, runId: 'x' } }), undefined);
  });
});
