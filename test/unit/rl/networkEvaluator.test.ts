/**
 * A two-head network as MCTS' evaluator: the heads are found by size whatever their order, one call evaluates
 * a batch of positions as the single-position evaluator does, and a model without the two heads is refused with
 * a hint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ticTacToe } from '../../../src/core/rl';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { evaluatePositions, networkEvaluator, zeroHeads } from '../../../src/engine/rl/networkEvaluator';
import { userError } from '../../helpers/assertions';
import { twoHeadModel } from './twoHeads';

test('networkEvaluator: priors over the moves and a value in [-1, 1], heads found by size in either order', async () => {
  const { tf } = await loadEngine('cpu');
  const model = twoHeadModel(tf, true);
  assert.deepEqual(zeroHeads(model, 9), { policy: 1, value: 0 });
  const start = ticTacToe.initial();
  const next = ticTacToe.play(start, 4);
  const one = networkEvaluator(tf, model, ticTacToe)(next);
  assert.equal(one.priors.length, 9);
  assert.ok(Math.abs(one.priors.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.ok(one.value >= -1 && one.value <= 1);
  const batch = evaluatePositions(tf, model, ticTacToe, [start, next]);
  assert.ok(batch[1].priors.every((p, i) => Math.abs(p - one.priors[i]) < 1e-6));
  assert.ok(Math.abs(batch[1].value - one.value) < 1e-6);
  // The two positions differ, so does the network's view of them (the encoding is from the mover's side).
  assert.ok(batch[0].priors.some((p, i) => Math.abs(p - batch[1].priors[i]) > 1e-7));
  model.dispose();
});

test('networkEvaluator: a model without a policy and a value head is refused with a hint', async () => {
  const { tf } = await loadEngine('cpu');
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [3, 3, 2] }), tf.layers.dense({ units: 9, activation: 'softmax' })] });
  await userError(() => networkEvaluator(tf, model, ticTacToe), /two outputs, a policy of 9 units and a value of 1 unit; this one has 1 output\(s\): \[9\].*softmax .* tanh/);
  model.dispose();
});
