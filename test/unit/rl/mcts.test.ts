/**
 * MCTS with PUCT on the board games, with a network-free evaluator (uniform priors, value 0): it must still
 * take a win in one, block a loss in one, and with enough simulations play tic-tac-toe as the perfect
 * player does; the perfect player itself, the temperature rule, Dirichlet noise and sampling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../src/core/initializers';
import { connectFour, dirichlet, mctsVisits, perfectMoves, sampleIndex, solve, ticTacToe, visitPolicy, type Evaluator, type Position } from '../../../src/core/rl';

const uniform: Evaluator = () => ({ priors: new Array(9).fill(1), value: 0 });
const uniform7: Evaluator = () => ({ priors: new Array(7).fill(1), value: 0 });
const playAll = (moves: number[], game = ticTacToe): Position => moves.reduce((p, a) => game.play(p, a), game.initial());
const best = (visits: number[]) => visits.indexOf(Math.max(...visits));

test('the perfect player: tic-tac-toe is a draw; it wins when it can and blocks when it must', () => {
  assert.equal(solve(ticTacToe, ticTacToe.initial()), 0);
  // x: 0, 1 ; o: 3, 4 -> x to move wins at 2.
  assert.deepEqual(perfectMoves(ticTacToe, playAll([0, 3, 1, 4])), [2]);
  // x: 0, 8 ; o: 4 -> o to move must not lose: only the edges hold (a corner loses to a fork).
  assert.deepEqual(perfectMoves(ticTacToe, playAll([0, 4, 8])), [1, 3, 5, 7]);
});

test('MCTS takes a win in one and blocks a loss in one, in both games', () => {
  const o = { simulations: 200, cPuct: 1.25 };
  assert.equal(best(mctsVisits(ticTacToe, playAll([0, 3, 1, 4]), uniform, o)), 2);
  // o to move (x threatens 0-1-2 at 2): block.
  assert.equal(best(mctsVisits(ticTacToe, playAll([0, 4, 1]), uniform, o)), 2);
  // Connect Four: x has three in the bottom row (0, 1, 2), o to move must take column 3.
  assert.equal(best(mctsVisits(connectFour, playAll([0, 0, 1, 1, 2], connectFour), uniform7, { simulations: 400, cPuct: 1.25 })), 3);
});

test('MCTS with enough simulations only plays perfect moves from the positions of a game', () => {
  const memo = new Map<string, number>();
  for (const moves of [[], [4], [0], [0, 4], [4, 0], [0, 4, 8]]) {
    const p = playAll(moves);
    const visits = mctsVisits(ticTacToe, p, uniform, { simulations: 3000, cPuct: 1.0 });
    assert.ok(perfectMoves(ticTacToe, p, memo).includes(best(visits)), `after ${moves.join(',') || 'nothing'}: ${visits}`);
  }
});

test('visits are counted for legal moves only and add up to the simulations', () => {
  const p = playAll([4, 0]);
  const v = mctsVisits(ticTacToe, p, uniform, { simulations: 100, cPuct: 1.25, dirichlet: { alpha: 0.3, epsilon: 0.25 }, random: rng(1) });
  assert.equal(v.reduce((a, b) => a + b), 100);
  assert.equal(v[4] + v[0], 0);
  assert.throws(() => mctsVisits(ticTacToe, playAll([0, 3, 1, 4, 2]), uniform, { simulations: 1, cPuct: 1 }), /game is over/);
});

test('temperature: 1 keeps the visit proportions, 0 picks the most visited; sampling follows the distribution', () => {
  assert.deepEqual(visitPolicy([1, 3, 0, 4], 1), [0.125, 0.375, 0, 0.5]);
  assert.deepEqual(visitPolicy([1, 3, 0, 4], 0), [0, 0, 0, 1]);
  const sharp = visitPolicy([1, 3, 0, 4], 0.5);
  assert.ok(Math.abs(sharp[3] - 16 / 26) < 1e-12);
  const r = rng(3);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 8000; i++) counts[sampleIndex([0.125, 0.375, 0, 0.5], r)]++;
  assert.equal(counts[2], 0);
  [0.125, 0.375, 0, 0.5].forEach((p, i) => assert.ok(Math.abs(counts[i] / 8000 - p) < 0.02, `${i}: ${counts[i]}`));
});

test('Dirichlet noise: a distribution with mean 1/k; a small alpha makes it spiky', () => {
  const r = rng(5);
  const k = 7;
  const draws = Array.from({ length: 2000 }, () => dirichlet(0.3, k, r));
  draws.forEach((d) => assert.ok(Math.abs(d.reduce((a, b) => a + b) - 1) < 1e-9 && d.every((v) => v >= 0)));
  const mean0 = draws.reduce((s, d) => s + d[0], 0) / draws.length;
  assert.ok(Math.abs(mean0 - 1 / k) < 0.02, `mean ${mean0}`);
  const maxSmall = draws.reduce((s, d) => s + Math.max(...d), 0) / draws.length;
  const maxLarge = Array.from({ length: 2000 }, () => Math.max(...dirichlet(10, k, r))).reduce((a, b) => a + b) / 2000;
  assert.ok(maxSmall > maxLarge + 0.2, `${maxSmall} vs ${maxLarge}`);
});
