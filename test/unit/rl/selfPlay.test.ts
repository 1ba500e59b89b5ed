/** Self-play without a network (uniform priors): the examples' encoding, policy targets and value targets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../src/core/initializers';
import { connectFour, encodePosition, selfPlayGame, ticTacToe, type Evaluator } from '../../../src/core/rl';

const uniform = (n: number): Evaluator => () => ({ priors: new Array(n).fill(1), value: 0 });

test('a position is encoded from the mover\'s side: its stones in plane 0, the opponent\'s in plane 1', () => {
  const p = ticTacToe.play(ticTacToe.play(ticTacToe.initial(), 4), 0); // x at 4, o at 0; x to move
  const e = encodePosition(ticTacToe, p);
  assert.equal(e.length, 18);
  assert.deepEqual([e[8], e[9], e[0], e[1]], [1, 0, 0, 1]);
  assert.equal(e.reduce((a, b) => a + b), 2);
  const q = ticTacToe.play(p, 8); // o to move: the planes swap
  const f = encodePosition(ticTacToe, q);
  assert.deepEqual([f[0], f[1], f[8], f[9], f[16], f[17]], [1, 0, 0, 1, 0, 1]);
});

test('self-play: one example per ply, policies are distributions over legal moves, values follow the result', () => {
  for (const [game, n] of [[ticTacToe, 9], [connectFour, 7]] as const) {
    const { examples, result } = selfPlayGame(game, uniform(n), { simulations: 30, cPuct: 1.25, temperatureMoves: 4, random: rng(2), dirichlet: { alpha: 0.5, epsilon: 0.25 } });
    assert.ok(result !== null);
    assert.ok(examples.length >= (game === ticTacToe ? 5 : 7));
    for (const [i, ex] of examples.entries()) {
      assert.ok(Math.abs(ex.policy.reduce((a, b) => a + b) - 1) < 1e-9, `${game.id} ply ${i}`);
      const mover = i % 2 === 0 ? 1 : -1;
      assert.equal(ex.value, result === 0 ? 0 : result === mover ? 1 : -1);
    }
    // The first position is empty and the policy never puts weight on an occupied cell.
    assert.ok(examples[0].input.every((v) => v === 0));
    if (game === ticTacToe) examples.forEach((ex) => ex.policy.forEach((p, a) => assert.ok(p === 0 || (ex.input[2 * a] === 0 && ex.input[2 * a + 1] === 0))));
  }
});

test('self-play is reproducible under a seed', () => {
  const play = (seed: number) => selfPlayGame(ticTacToe, uniform(9), { simulations: 20, cPuct: 1.25, temperatureMoves: 9, random: rng(seed) }).examples.map((e) => e.policy.join());
  assert.deepEqual(play(4), play(4));
  assert.notDeepEqual(play(4), play(5));
});
