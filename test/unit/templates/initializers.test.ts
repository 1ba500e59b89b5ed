import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFans, initialize, parseInitializer, reconcileWeights, rng } from '../../../src/core/initializers';
import { getTemplate } from '../../../src/core/templates';
import { expectedWeights } from '../../../src/core/analysis';

const stats = (a: Float32Array) => {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let v2 = 0;
  for (const v of a) v2 += (v - m) ** 2;
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: m, std: Math.sqrt(v2 / a.length), min, max };
};

test('fans follow Keras: dense (in, out), conv (*receptive, in, out)', () => {
  assert.deepEqual(computeFans([784, 512]), { fanIn: 784, fanOut: 512 });
  assert.deepEqual(computeFans([3, 3, 32, 64]), { fanIn: 288, fanOut: 576 });
});

test('glorot_uniform stays within sqrt(6 / (fan_in + fan_out)) and fills the range', () => {
  const w = initialize(parseInitializer('glorot_uniform', 'zeros'), [784, 512], rng(1));
  const limit = Math.sqrt(6 / (784 + 512));
  const s = stats(w);
  assert.ok(s.max <= limit && s.min >= -limit);
  assert.ok(s.max > 0.95 * limit && s.min < -0.95 * limit);
  assert.ok(Math.abs(s.mean) < 0.001);
});

test('he_normal has std sqrt(2 / fan_in) and no value beyond two (corrected) deviations', () => {
  const w = initialize(parseInitializer({ class_name: 'HeNormal', config: { seed: null } }, 'zeros'), [400, 300], rng(2));
  const target = Math.sqrt(2 / 400);
  const s = stats(w);
  assert.ok(Math.abs(s.std - target) / target < 0.03, `std ${s.std} vs ${target}`);
  assert.ok(s.max <= (2 * target) / 0.87962566103423978 + 1e-6);
});

test('orthogonal gives orthonormal columns (and rows when wide)', () => {
  for (const shape of [[64, 16], [16, 64], [32, 32]]) {
    const [r, c] = shape;
    const w = initialize(parseInitializer('orthogonal', 'zeros'), shape, rng(3));
    const k = Math.min(r, c);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let d = 0;
        for (let t = 0; t < Math.max(r, c); t++) {
          d += r >= c ? w[t * c + i] * w[t * c + j] : w[i * c + t] * w[j * c + t];
        }
        assert.ok(Math.abs(d - (i === j ? 1 : 0)) < 1e-4, `${shape}: <${i},${j}> = ${d}`);
      }
    }
  }
});

test('constant, ones, zeros, identity and random_uniform configs are honoured', () => {
  assert.ok(initialize(parseInitializer({ class_name: 'Constant', config: { value: 0.5 } }, 'zeros'), [3], rng(1)).every((v) => v === 0.5));
  assert.ok(initialize(parseInitializer('ones', 'zeros'), [3], rng(1)).every((v) => v === 1));
  assert.deepEqual([...initialize(parseInitializer('identity', 'zeros'), [2, 2], rng(1))], [1, 0, 0, 1]);
  const u = initialize(parseInitializer({ class_name: 'RandomUniform', config: { minval: 2, maxval: 3 } }, 'zeros'), [1000], rng(1));
  assert.ok(u.every((v) => v >= 2 && v <= 3));
});

test('reconcileWeights initialises every weight the graph needs, with LSTM forget bias 1', () => {
  const g = getTemplate('char-rnn')!.build().graph;
  const w = reconcileWeights(g, [], 42);
  assert.deepEqual(w.map((t) => [t.name, t.shape]), expectedWeights(g).map((e) => [e.name, e.shape]));
  const bias = w.find((t) => t.name === 'lstm/bias')!;
  const units = 128;
  assert.ok(bias.data.subarray(units, 2 * units).every((v) => v === 1));
  assert.ok(bias.data.subarray(0, units).every((v) => v === 0));
});

test('reconcileWeights keeps tensors that still fit and re-initialises the ones that changed shape', () => {
  const file = getTemplate('xor')!.build();
  const first = reconcileWeights(file.graph, [], 1);
  file.graph.layers[2].config.units = 3; // output Dense 1 -> 3
  const second = reconcileWeights(file.graph, first, 2);
  assert.equal(second.find((t) => t.name === 'hidden/kernel'), first.find((t) => t.name === 'hidden/kernel'));
  assert.deepEqual(second.find((t) => t.name === 'output/kernel')!.shape, [2, 3]);
  // Same seed, same weights: new files are reproducible.
  assert.deepEqual(reconcileWeights(file.graph, [], 7)[0].data, reconcileWeights(file.graph, [], 7)[0].data);
});
