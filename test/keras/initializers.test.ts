/**
 * Initial weights against real Keras 3: the statistics (mean, standard deviation, largest magnitude) of large
 * tensors from each initializer, ours (core/initializers.ts) and Keras', and LSTM's unit_forget_bias, both in
 * our initializers and in the tfjs engine's build of an architecture-only model (which must use ours, not
 * tfjs' own initializers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialize, parseInitializer, reconcileWeights, rng } from '../../src/core/initializers';
import type { Json } from '../../src/core/types';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { buildTfModel, readTfWeights } from '../../src/engine/tfjs/model';
import { chain } from '../unit/core/helpers';
import { runPython } from './python';

interface Stats {
  mean: number;
  std: number;
  maxAbs: number;
}

const SHAPE = [400, 300]; // fan_in 400, fan_out 300: 120,000 values
const CASES: { id: string; initializer: Json; shape: number[] }[] = [
  ...['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'lecun_uniform', 'lecun_normal', 'random_normal', 'random_uniform', 'truncated_normal', 'orthogonal'].map((n) => ({
    id: n,
    initializer: n,
    shape: SHAPE,
  })),
  { id: 'he_normal[conv 3x3x16x32]', initializer: 'he_normal', shape: [3, 3, 16, 32] },
  { id: 'VarianceScaling[fan_out,normal,2]', initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_out', distribution: 'untruncated_normal' } }, shape: SHAPE },
  { id: 'VarianceScaling[fan_avg,truncated,3]', initializer: { class_name: 'VarianceScaling', config: { scale: 3, mode: 'fan_avg', distribution: 'truncated_normal' } }, shape: SHAPE },
  { id: 'RandomNormal[mean=1,std=2]', initializer: { class_name: 'RandomNormal', config: { mean: 1, stddev: 2 } }, shape: SHAPE },
  { id: 'TruncatedNormal[std=0.5]', initializer: { class_name: 'TruncatedNormal', config: { mean: 0, stddev: 0.5 } }, shape: SHAPE },
];

function ours(initializer: Json, shape: number[], seed: number): Stats {
  const x = initialize(parseInitializer(initializer, 'glorot_uniform'), shape, rng(seed));
  let sum = 0;
  let max = 0;
  for (const v of x) {
    sum += v;
    max = Math.max(max, Math.abs(v));
  }
  const mean = sum / x.length;
  let sq = 0;
  for (const v of x) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / x.length), maxAbs: max };
}

const LSTM_CASES = [
  { id: 'zeros', units: 5, features: 3, bias_initializer: 'zeros' },
  { id: 'random_normal', units: 5, features: 3, bias_initializer: 'random_normal' },
  { id: 'ones', units: 5, features: 3, bias_initializer: 'ones' },
];

test('initializers: mean, std and largest magnitude of 120,000 values match Keras 3; LSTM forget bias is ones', { timeout: 300_000 }, async () => {
  const keras = runPython<{ stats: Record<string, Stats>; lstm: Record<string, number[]> }>('initializers.py', { cases: CASES, lstm: LSTM_CASES });
  const problems: string[] = [];
  let worstStd = 0;
  for (const c of CASES) {
    const k = keras.stats[c.id];
    const o = ours(c.initializer, c.shape, 7);
    const n = c.shape.reduce((a, b) => a * b, 1);
    // Sampling error: the mean within 5 standard errors; the std within 2 %; the range within 3 % (uniform and
    // truncated distributions have a hard bound, the normal ones a maximum that grows slowly with n).
    const se = k.std / Math.sqrt(n);
    const stdRel = Math.abs(o.std - k.std) / k.std;
    worstStd = Math.max(worstStd, stdRel);
    if (Math.abs(o.mean - k.mean) > 5 * se + Math.abs(k.mean) * 1e-3) problems.push(`${c.id}: mean ${o.mean} vs Keras ${k.mean}`);
    if (stdRel > 0.02) problems.push(`${c.id}: std ${o.std} vs Keras ${k.std}`);
    const bounded = /uniform|truncated|_normal/i.test(c.id) && !/random_normal|untruncated|fan_out,normal/i.test(c.id);
    if (Math.abs(o.maxAbs - k.maxAbs) / k.maxAbs > (bounded ? 0.03 : 0.15)) {
      problems.push(`${c.id}: largest |x| ${o.maxAbs} vs Keras ${k.maxAbs}`);
    }
  }
  console.log(`initializers: ${CASES.length} against Keras, worst relative std difference ${(worstStd * 100).toFixed(2)} %`);
  assert.deepEqual(problems, []);

  // LSTM: the forget gate (the second quarter of the bias) is ones whatever bias_initializer says.
  for (const c of LSTM_CASES) {
    const k = keras.lstm[c.id];
    const g = chain([null, 3, c.features], [['LSTM', { units: c.units, bias_initializer: c.bias_initializer }]]);
    const bias = reconcileWeights(g, [], 3).find((w) => w.name.endsWith('/bias'))!;
    const forget = (b: ArrayLike<number>) => Array.from(b).slice(c.units, 2 * c.units);
    assert.deepEqual(forget(k), Array(c.units).fill(1), `Keras ${c.id}`);
    assert.deepEqual(forget(bias.data), Array(c.units).fill(1), `ours ${c.id}`);
    if (c.bias_initializer !== 'random_normal') assert.deepEqual(Array.from(bias.data), k, `whole bias, ${c.id}`);
  }
});

test('the tfjs engine starts an architecture-only model with Keras\' initial values, not tfjs\'', { timeout: 300_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const g = chain([null, 6, 400], [
    ['LSTM', { units: 8, return_sequences: true }],
    ['Bidirectional', { layer: { class_name: 'LSTM', config: { name: 'inner', units: 4 } } }],
    ['Dense', { units: 300, kernel_initializer: 'he_normal' }],
  ]);
  const model = await buildTfModel(tf, { graph: g, weights: [] }, { seed: 11 });
  try {
    const ws = readTfWeights(model);
    const biases = ws.filter((w) => /lstm.*\/bias$|bidirectional.*\/bias$/.test(w.name));
    assert.equal(biases.length, 3, biases.map((b) => b.name).join(', '));
    for (const b of biases) {
      const units = b.shape[0] / 4;
      assert.deepEqual(Array.from(b.data).slice(units, 2 * units), Array(units).fill(1), b.name);
      assert.deepEqual(Array.from(b.data).slice(0, units), Array(units).fill(0), b.name);
    }
    // he_normal is truncated at two standard deviations, and rescaled, as in Keras: |x| <= 2 * sqrt(2 / 8) / 0.8796.
    const kernel = ws.find((w) => w.name === `${g.layers[3].name}/kernel`)!;
    const bound = (2 * Math.sqrt(2 / 8)) / 0.87962566103423978;
    const max = Math.max(...Array.from(kernel.data, Math.abs));
    assert.ok(max <= bound + 1e-6 && max > bound * 0.95, `largest |kernel| ${max}, bound ${bound}`);
  } finally {
    model.dispose();
  }
});
