/** The form's steps per epoch and subset of the data: round-trip, empty means none, problems under their field. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../../src/core/templates';
import { trainingConfigOf } from '../../../src/core/training';
import { configFrom, draftFrom } from '../../../webview/editor/trainingDraft';

const cnn = trainingConfigOf(getTemplate('mnist-cnn')!.build().userDefinedMetadata)!;

describe('training form: steps per epoch and subset', () => {
  test('a config with both round-trips; empty fields leave them out', () => {
    const t = { ...cnn, stepsPerEpoch: 50, subset: 0.1, callbacks: cnn.callbacks ?? [] };
    const d = draftFrom(t);
    assert.equal(d.stepsPerEpoch, '50');
    assert.equal(d.subset, '0.1');
    assert.deepEqual(configFrom(d).config, t);
    const none = configFrom({ ...d, stepsPerEpoch: ' ', subset: '' }).config!;
    assert.equal('stepsPerEpoch' in none, false);
    assert.equal('subset' in none, false);
  });

  test('bad values show under their field with what it means, and no config is sent', () => {
    const d = draftFrom(cnn);
    const r = configFrom({ ...d, stepsPerEpoch: '0', subset: '2' });
    assert.equal(r.config, undefined);
    assert.match(r.errors.stepsPerEpoch, /at least 1 \(batches per epoch/);
    assert.match(r.errors.subset, /at most 1 \(a fraction of the training rows/);
    assert.ok(configFrom({ ...d, subset: 'a tenth' }).errors.subset);
  });
});
