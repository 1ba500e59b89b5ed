/**
 * "Try the model" for RL models in the predict worker's code: what the Try tab offers (a greedy episode for a
 * classic-control model, a game for a self-play model, the reason for a model that fits neither), the greedy
 * episode with every state (replaying its actions from its first state gives the same states), the network's
 * MCTS move in a position the view sends, and the bad positions refused with a hint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileWeights } from '../../../src/core/initializers';
import { makeEnvironment, positionOf, ticTacToe, connectFour } from '../../../src/core/rl';
import { getTemplate, TEMPLATE_SEED } from '../../../src/core/templates';
import { trainingConfigOf } from '../../../src/core/training';
import type { ModelFile } from '../../../src/core/types';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { buildTfModel } from '../../../src/engine/tfjs/model';
import { predict, tryInfoOf, type TryContext } from '../../../src/engine/tfjs/predict';
import { isTryInput, isTryOutput } from '../../../src/protocol/training';
import { userError } from '../../helpers/assertions';
import { ticTacToeZeroModel } from '../../helpers/zeroModel';

async function context(file: ModelFile): Promise<TryContext> {
  const { tf } = await loadEngine('cpu');
  return { tf, model: await buildTfModel(tf, file), training: trainingConfigOf(file.userDefinedMetadata) };
}

function template(id: string): ModelFile {
  const file = getTemplate(id)!.build();
  file.weights = reconcileWeights(file.graph, [], TEMPLATE_SEED);
  return file;
}

test('a CartPole model plays a greedy episode: every state, the actions, the return; replaying the actions gives the same states', async () => {
  const ctx = await context(template('cartpole-dqn'));
  assert.deepEqual(tryInfoOf(ctx), { kind: 'episode', scene: 'cartpole', maxSteps: 500 });
  const out = await predict(ctx, { kind: 'episode', seed: 7 });
  assert.ok(isTryOutput(out));
  assert.equal(out.kind, 'episode');
  if (out.kind !== 'episode') return;
  assert.equal(out.states.length, out.actions.length + 1);
  assert.equal(out.return, out.actions.length, 'CartPole pays 1 per step');
  const env = makeEnvironment('cartpole');
  env.resetTo(out.states[0]);
  out.actions.forEach((a, i) => {
    env.step(a);
    assert.deepEqual(env.state(), out.states[i + 1]);
  });
  // The same seed, the same episode; another seed, another start.
  const again = await predict(ctx, { kind: 'episode', seed: 7 });
  assert.deepEqual(again, out);
  const other = await predict(ctx, { kind: 'episode', seed: 8 });
  assert.notDeepEqual(other.kind === 'episode' && other.states[0], out.states[0]);
  ctx.model.dispose();
});

test('a model that does not fit its environment says why instead of offering an episode', async () => {
  const file = template('cartpole-dqn');
  const training = trainingConfigOf(file.userDefinedMetadata)!;
  const ctx = await context(file);
  const info = tryInfoOf({ ...ctx, training: { ...training, rl: { ...training.rl!, environment: 'acrobot' } } });
  assert.equal(info.kind, 'none');
  assert.match(info.kind === 'none' ? info.reason : '', /input shape \(\[4\]\) differs from Acrobot-v1's observation \(\[6\]\).*Make the Input layer's shape \[6\]/);
  const unknown = tryInfoOf({ ...ctx, training: { ...training, rl: { ...training.rl!, environment: 'pong' } } });
  assert.match(unknown.kind === 'none' ? unknown.reason : '', /Unknown environment "pong"/);
  await userError(() => predict({ ...ctx, training: { ...training, rl: { ...training.rl!, environment: 'pong' } } }, { kind: 'episode', seed: 1 }), /Unknown environment/);
  ctx.model.dispose();
});

test('a self-play tic-tac-toe model answers a position with a legal MCTS move; more simulations, the winning move', async () => {
  const ctx = await context(ticTacToeZeroModel());
  assert.deepEqual(tryInfoOf(ctx), { kind: 'game', scene: 'tictactoe', simulations: 200 });
  // X (+1) to move after X X . / O O . / . . . : the cell 2 wins at once; a full search finds it whatever the untrained priors.
  const cells = [1, 1, 0, -1, -1, 0, 0, 0, 0];
  const move = await predict(ctx, { kind: 'move', scene: 'tictactoe', cells, simulations: 400 });
  assert.ok(isTryOutput(move) && move.kind === 'move');
  if (move.kind !== 'move') return;
  assert.equal(move.action, 2);
  assert.ok(move.value >= -1 && move.value <= 1);
  const weak = await predict(ctx, { kind: 'move', scene: 'tictactoe', cells: [1, 0, 0, 0, -1, 0, 0, 0, 0], simulations: 1 });
  assert.ok(weak.kind === 'move' && [1, 2, 3, 5, 6, 7, 8].includes(weak.action), 'one simulation still plays a legal move');
  ctx.model.dispose();
});

test('positions no game reaches, finished games and the wrong game are refused with a hint', async () => {
  const ctx = await context(ticTacToeZeroModel());
  await userError(() => predict(ctx, { kind: 'move', scene: 'tictactoe', cells: [1, 1, 0, 0, 0, 0, 0, 0, 0], simulations: 10 }), /not a position of tictactoe: The first player must have as many stones/);
  await userError(() => predict(ctx, { kind: 'move', scene: 'tictactoe', cells: [1, 1, 1, -1, -1, 0, 0, 0, 0], simulations: 10 }), /The game is over/);
  await userError(() => predict(ctx, { kind: 'move', scene: 'connect4', cells: new Array(42).fill(0), simulations: 10 }), /does not play connect4/);
  ctx.model.dispose();
  // The protocol drops what is not a board or asks for an unbounded search.
  assert.equal(isTryInput({ kind: 'move', scene: 'tictactoe', cells: [2, 0, 0, 0, 0, 0, 0, 0, 0], simulations: 10 }), false);
  assert.equal(isTryInput({ kind: 'move', scene: 'tictactoe', cells: new Array(9).fill(0), simulations: 100000 }), false);
  assert.equal(isTryInput({ kind: 'move', scene: 'chess', cells: new Array(9).fill(0), simulations: 10 }), false);
  assert.equal(isTryInput({ kind: 'episode', seed: 1.5 }), false);
});

test('positionOf: the mover and the result follow from the stones; Connect Four stones must rest on something', () => {
  const p = positionOf(ticTacToe, [1, 0, 0, 0, -1, 0, 0, 0, 1]);
  assert.ok('position' in p && p.position.toMove === -1 && p.position.result === null);
  const draw = positionOf(ticTacToe, [1, -1, 1, 1, -1, -1, -1, 1, 1]);
  assert.ok('position' in draw && draw.position.result === 0);
  const won = positionOf(ticTacToe, [-1, -1, -1, 1, 1, 0, 1, 0, 0]);
  assert.ok('position' in won && won.position.result === -1);
  const floating = new Array(42).fill(0);
  floating[3] = 1;
  assert.match('problem' in positionOf(connectFour, floating) ? (positionOf(connectFour, floating) as { problem: string }).problem : '', /rest on the bottom/);
  const dropped = new Array(42).fill(0);
  dropped[38] = 1;
  const c4 = positionOf(connectFour, dropped);
  assert.ok('position' in c4 && c4.position.toMove === -1);
});
