/**
 * The pure parts of self-play training: the board symmetries that augment its examples, the fixed opponents
 * (greedy wins, else blocks; minimax never loses), and the searches as generators — run one by one with an
 * evaluator or many at once with batched network calls, the same games either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../src/core/initializers';
import {
  augmentExample,
  boardSymmetries,
  connectFour,
  encodePosition,
  legalActions,
  matchSearch,
  opponentMove,
  runSearch,
  selfPlayGame,
  selfPlaySearch,
  tally,
  ticTacToe,
  type BoardGame,
  type Evaluator,
  type Position,
} from '../../../src/core/rl';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { networkEvaluator, runSearches } from '../../../src/engine/rl/networkEvaluator';
import { twoHeadModel } from './twoHeads';

const uniform: Evaluator = () => ({ priors: new Array(9).fill(1 / 9), value: 0 });

const isPermutation = (xs: number[], n: number) => xs.length === n && new Set(xs).size === n && xs.every((x) => x >= 0 && x < n);

test('symmetries: the 8 of tic-tac-toe\'s square, the mirror of Connect Four, each a permutation, the identity first', () => {
  const t = boardSymmetries(ticTacToe);
  assert.equal(t.length, 8);
  assert.equal(new Set(t.map((s) => s.cells.join())).size, 8, 'eight different maps');
  t.forEach((s) => assert.ok(isPermutation(s.cells, 9) && s.actions === s.cells));
  assert.deepEqual(t[0].cells, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  // A quarter turn takes the top-left corner to the top-right.
  assert.equal(t[1].cells[0], 2);
  const c = boardSymmetries(connectFour);
  assert.deepEqual(c.map((s) => s.actions), [[0, 1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1, 0]]);
  assert.ok(isPermutation(c[1].cells, 42));
});

function position(game: BoardGame, moves: number[]): Position {
  return moves.reduce((p, a) => game.play(p, a), game.initial());
}

test('an augmented example is the example of the transformed position: its moves land on the empty cells there', () => {
  for (const [game, moves] of [[ticTacToe, [0, 4, 5]], [connectFour, [0, 0, 1, 6, 2]]] as const) {
    const p = position(game, [...moves]);
    const legal = game.legalMask(p);
    const policy = legal.map((ok, a) => (ok ? a + 1 : 0));
    const examples = augmentExample(game, { input: encodePosition(game, p), policy, value: -1 });
    assert.deepEqual(examples[0], { input: encodePosition(game, p), policy, value: -1 });
    for (const [k, e] of examples.entries()) {
      assert.equal(e.value, -1);
      assert.equal(e.input.reduce((a, b) => a + b, 0), moves.length, 'as many stones');
      assert.deepEqual([...e.policy].sort(), [...policy].sort(), 'the same probabilities, moved');
      if (game === ticTacToe) e.policy.forEach((w, a) => w > 0 && assert.equal(e.input[2 * a] + e.input[2 * a + 1], 0, `symmetry ${k}: move ${a} on a stone`));
    }
  }
});

test('greedy takes a win, else blocks the opponent\'s, else plays a legal move; minimax never loses to it', () => {
  const random = rng(3);
  // X (to move) has 0, 1: 2 wins. O to move with X on 0, 1 must block at 2.
  assert.equal(opponentMove('greedy', ticTacToe, position(ticTacToe, [0, 3, 1, 4]), random), 2);
  assert.equal(opponentMove('greedy', ticTacToe, position(ticTacToe, [0, 4, 1]), random), 2);
  // Connect Four: three in column 0 for the mover wins there; the opponent's three are blocked.
  assert.equal(opponentMove('greedy', connectFour, position(connectFour, [0, 1, 0, 1, 0, 6]), random), 0);
  assert.equal(opponentMove('greedy', connectFour, position(connectFour, [0, 1, 0, 1, 0]), random), 0);
  const p = position(connectFour, [3]);
  for (let i = 0; i < 20; i++) assert.ok(legalActions(connectFour.legalMask(p)).includes(opponentMove('random', connectFour, p, random)));
  const memo = new Map<string, number>();
  const results: number[] = [];
  for (let g = 0; g < 20; g++) {
    let q = ticTacToe.initial();
    const perfect = g % 2 === 0 ? 1 : -1;
    while (q.result === null) q = ticTacToe.play(q, opponentMove(q.toMove === perfect ? 'minimax' : 'greedy', ticTacToe, q, random, memo));
    results.push(q.result === 0 ? 0 : q.result === perfect ? 1 : -1);
  }
  assert.equal(tally(results).losses, 0);
});

test('a match: the network side searches, the other is the opponent; legal games, results from the network\'s side', () => {
  const random = rng(5);
  for (const side of [1, -1] as const) {
    const r = runSearch(matchSearch(ticTacToe, { opponent: 'minimax', side, simulations: 200, cPuct: 1.5, temperatureMoves: 0, random }), uniform);
    // Pure MCTS with 200 simulations on tic-tac-toe finds the draws against perfect play; it can never win.
    assert.ok(r === 0 || r === -1);
    assert.notEqual(r, 1, 'nobody beats minimax');
  }
});

test('many searches with batched network calls play the same games as one by one', async () => {
  const { tf } = await loadEngine('cpu');
  const model = twoHeadModel(tf);
  const options = (i: number) => ({ simulations: 12, cPuct: 1.5, dirichlet: { alpha: 1, epsilon: 0.25 }, temperatureMoves: 3, random: rng(i) });
  const batched = runSearches(tf, model, ticTacToe, [0, 1, 2, 3].map((i) => selfPlaySearch(ticTacToe, options(i))));
  const single = [0, 1, 2, 3].map((i) => selfPlayGame(ticTacToe, networkEvaluator(tf, model, ticTacToe), options(i)));
  assert.equal(batched.length, 4);
  batched.forEach((g, i) => {
    assert.equal(g.result, single[i].result);
    assert.equal(g.examples.length, single[i].examples.length);
    g.examples.forEach((e, k) => {
      assert.deepEqual(e.input, single[i].examples[k].input);
      assert.equal(e.value, single[i].examples[k].value);
      e.policy.forEach((v, a) => assert.ok(Math.abs(v - single[i].examples[k].policy[a]) < 1e-9));
    });
  });
  model.dispose();
});
