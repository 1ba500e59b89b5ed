/** The agents' pure parts: the replay memory's ring and sampling, REINFORCE's discounted, standardised returns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../src/core/initializers';
import { normalisedReturns } from '../../../src/engine/rl/reinforce';
import { ReplayMemory } from '../../../src/engine/rl/replay';

const t = (i: number, terminal = false) => ({ state: [i, -i], action: i % 2, reward: i / 10, next: [i + 1, -i - 1], terminal });

test('the replay memory keeps the last `capacity` transitions and samples distinct ones', () => {
  const m = new ReplayMemory(5, 2);
  for (let i = 0; i < 8; i++) m.add(t(i, i === 7));
  assert.equal(m.size, 5);
  const b = m.sample(5, rng(1));
  const firsts = [...Array(5).keys()].map((k) => b.states[2 * k]).sort();
  assert.deepEqual(firsts, [3, 4, 5, 6, 7], 'the oldest three were dropped; no transition twice');
  for (let k = 0; k < 5; k++) {
    const i = b.states[2 * k];
    assert.deepEqual([b.states[2 * k + 1], b.nexts[2 * k], b.nexts[2 * k + 1], b.actions[k]], [-i, i + 1, -i - 1, i % 2]);
    assert.ok(Math.abs(b.rewards[k] - i / 10) < 1e-6);
    assert.equal(b.notDone[k], i === 7 ? 0 : 1);
  }
  assert.equal(m.sample(32, rng(2)).size, 5, 'a batch is at most the memory');
});

test('REINFORCE returns: G_t = r_t + gamma G_{t+1}, then standardised', () => {
  const g = [1 + 0.5 * (1 + 0.5 * 1), 1 + 0.5 * 1, 1]; // 1.75, 1.5, 1
  const mean = (1.75 + 1.5 + 1) / 3;
  const std = Math.sqrt(g.reduce((a, v) => a + (v - mean) ** 2, 0) / 3);
  const got = normalisedReturns([1, 1, 1], 0.5);
  got.forEach((v, i) => assert.ok(Math.abs(v - (g[i] - mean) / (std + 1.1920928955078125e-7)) < 1e-12));
  assert.ok(Math.abs(got.reduce((a, b) => a + b)) < 1e-12);
  // One step: no spread, all zeros (the epsilon keeps it finite).
  assert.deepEqual(normalisedReturns([5], 0.99), [0]);
  // A baseline centres on it instead of the episode's mean; the spread is still the episode's.
  const based = normalisedReturns([1, 1, 1], 0.5, 1);
  based.forEach((v, i) => assert.ok(Math.abs(v - (g[i] - 1) / (std + 1.1920928955078125e-7)) < 1e-12));
  assert.ok(based.every((v) => v >= 0), 'every return at or above the baseline of 1');
});
