/**
 * The training form for models with several inputs and outputs: a row per output of the model writes
 * `outputs` (defaults: the model-wide loss, weight 1), the npz data map writes only what differs from the
 * layer names, problems land under the output's fields, and a single-output model's config is as before.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTrainingConfig, type TrainingConfig } from '../../../src/core/training';
import { configFrom, draftFrom } from '../../../webview/editor/trainingDraft';

const twoHeads = { inputs: ['image', 'meta'], outputs: ['cls', 'reg'] };
const base: TrainingConfig = defaultTrainingConfig({ dataset: 'npz:data/two.npz', loss: 'mean_squared_error', metrics: ['mae'], callbacks: [] });

describe('training form: several outputs', () => {
  test('a model with two outputs gets one entry per output, from the model-wide loss, and round-trips', () => {
    const r = configFrom(draftFrom(base), twoHeads);
    assert.deepEqual(r.errors, {});
    assert.deepEqual(r.config?.outputs, { cls: { loss: 'mean_squared_error', metrics: ['mae'] }, reg: { loss: 'mean_squared_error', metrics: ['mae'] } });
    assert.equal(r.config?.dataMap, undefined, 'every array named like its layer: nothing to write');
    assert.deepEqual(configFrom(draftFrom(r.config!), twoHeads).config, r.config);
  });

  test("edited rows write each output's loss, options, weight and metrics; the data map writes what differs", () => {
    const d = draftFrom(base);
    d.outputs = {
      cls: { loss: 'sparse_categorical_crossentropy', fromLogits: true, huberDelta: '1', metrics: ['accuracy'], weight: '1' },
      reg: { loss: 'huber', fromLogits: false, huberDelta: '2', metrics: [], weight: '0.5' },
      gone: { loss: 'hinge', fromLogits: false, huberDelta: '1', metrics: [], weight: '1' },
    };
    d.dataMap = { image: 'x_img', meta: '', cls: 'cls', reg: ' y_reg ' };
    const r = configFrom(d, twoHeads);
    assert.deepEqual(r.errors, {});
    assert.deepEqual(r.config?.outputs, {
      cls: { loss: 'sparse_categorical_crossentropy', lossOptions: { from_logits: true }, metrics: ['accuracy'] },
      reg: { loss: 'huber', lossOptions: { delta: 2 }, metrics: [], lossWeight: 0.5 },
    });
    assert.deepEqual(r.config?.dataMap, { image: 'x_img', reg: 'y_reg' });
    // Back into the form and out again: the same config.
    assert.deepEqual(configFrom(draftFrom(r.config!), twoHeads).config, r.config);
  });

  test("bad per-output values show under that output's fields and nothing is produced", () => {
    const d = draftFrom(base);
    d.outputs = {
      cls: { loss: 'huber', fromLogits: false, huberDelta: '0', metrics: [], weight: 'heavy' },
      reg: { loss: 'mean_squared_error', fromLogits: false, huberDelta: '1', metrics: [], weight: '-2' },
    };
    d.dataMap = { meta: 'a=b' };
    const r = configFrom(d, twoHeads);
    assert.equal(r.config, undefined);
    assert.deepEqual(r.errors, {
      'outputs.cls.lossWeight': 'must be a number',
      'outputs.cls.lossOptions.delta': 'must be above 0',
      'outputs.reg.lossWeight': 'must be at least 0',
      'dataMap.meta': 'an array name may not contain ? & or =',
    });
  });

  test('a model with one output, or data that is not npz, writes neither', () => {
    const saved: TrainingConfig = { ...base, outputs: { cls: { loss: 'hinge', metrics: [] } }, dataMap: { image: 'x' } };
    const one = configFrom(draftFrom(saved), { inputs: ['image'], outputs: ['cls'] });
    assert.equal(one.config?.outputs, undefined);
    assert.deepEqual(one.config?.dataMap, { image: 'x' }, 'no rows shown: the map is kept as read');
    const csv = configFrom(draftFrom({ ...base, dataset: 'csv:t.csv' }), twoHeads);
    assert.equal(csv.config?.dataMap, undefined);
    assert.deepEqual(Object.keys(csv.config?.outputs ?? {}), ['cls', 'reg']);
  });
});
