/** The tfjs-departure diagnostics: on the layer, naming the option, and the Keras 2 reading of hard_sigmoid. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import { TFJS_DEPARTURE_CODE } from '../../../src/core/layers/tfjsSupport';
import { chain } from './helpers';

const departures = (g: ReturnType<typeof chain>, kerasVersion?: string) =>
  analyze(g, { kerasVersion }).diagnostics.filter((d) => d.code === TFJS_DEPARTURE_CODE);

test('a departure is a warning on the layer that names the option and offers the keras engine', () => {
  const [d, ...rest] = departures(chain([null, 8], [['ReLU', { negative_slope: 0.1 }, 'leaky']]));
  assert.equal(rest.length, 0);
  assert.equal(d.severity, 'warning');
  assert.equal(d.layer, 'leaky');
  assert.equal(d.field, 'negative_slope');
  assert.match(d.hint ?? '', /keras engine/);
});

test('defaults and matching options give no departure', () => {
  assert.deepEqual(departures(chain([null, 9, 3], [['Conv1D', { filters: 2, kernel_size: [3] }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 2, activation: 'sigmoid' }]])), []);
});

test('hard_sigmoid means Keras 3 in our models, Keras 2 in a Keras 2 file', () => {
  const g = chain([null, 4], [['Dense', { units: 2, activation: 'hard_sigmoid' }]]);
  assert.equal(departures(g).length, 1);
  assert.equal(departures(g, '3.15.1').length, 1);
  assert.equal(departures(g, '2.3.1').length, 0);
});

test('wrapped layers are checked too', () => {
  const g = chain([null, 5, 3], [['Bidirectional', { layer: { class_name: 'LSTM', config: { units: 2, activation: 'silu' } } }]]);
  assert.match(departures(g)[0]?.message ?? '', /LSTM: .*silu/);
});

test('GRU reset_after=True runs on tfjs (our cell, engine/tfjs/gruResetAfter.ts), wrapped or not', () => {
  for (const layer of [['GRU', { units: 2, reset_after: true }], ['Bidirectional', { layer: { class_name: 'GRU', config: { units: 2, reset_after: true } } }]] as const) {
    assert.deepEqual(departures(chain([null, 5, 3], [[layer[0], layer[1]]])), []);
  }
});

test('BatchNormalization departs on rank-5 inputs (tfjs has no 5-D batchNorm), not on rank 4', () => {
  assert.match(departures(chain([null, 2, 3, 4, 5], [['BatchNormalization', {}]]))[0]?.message ?? '', /rank above 4/);
  assert.deepEqual(departures(chain([null, 3, 4, 5], [['BatchNormalization', {}]])), []);
});
