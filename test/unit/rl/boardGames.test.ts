/** Tic-tac-toe and Connect Four: legal-move masks, wins in every direction, draws, illegal moves refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFour, legalActions, ticTacToe, type BoardGame, type Position } from '../../../src/core/rl';

const playAll = (g: BoardGame, moves: number[]): Position => moves.reduce((p, a) => g.play(p, a), g.initial());

test('tic-tac-toe: every cell is legal at first; a taken cell is not, and playing it throws', () => {
  const p = ticTacToe.play(ticTacToe.initial(), 4);
  assert.deepEqual(legalActions(ticTacToe.legalMask(ticTacToe.initial())), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(legalActions(ticTacToe.legalMask(p)), [0, 1, 2, 3, 5, 6, 7, 8]);
  assert.equal(p.toMove, -1);
  assert.throws(() => ticTacToe.play(p, 4), /cell 4 is not a legal move/);
  assert.throws(() => ticTacToe.play(p, 9), /cell 9/);
});

test('tic-tac-toe: rows, columns and both diagonals win; the mask is empty after the end', () => {
  const cases: [number[], 1 | -1][] = [
    [[0, 3, 1, 4, 2], 1], // top row
    [[1, 0, 2, 3, 4, 6], -1], // left column, second player
    [[0, 1, 4, 2, 8], 1], // main diagonal
    [[2, 0, 4, 1, 6], 1], // anti-diagonal
  ];
  for (const [moves, winner] of cases) {
    const p = playAll(ticTacToe, moves);
    assert.equal(p.result, winner, moves.join(','));
    assert.deepEqual(legalActions(ticTacToe.legalMask(p)), []);
    assert.throws(() => ticTacToe.play(p, moves.length === 5 ? 5 : 8), /game is over/);
  }
});

test('tic-tac-toe: a full board without a line is a draw', () => {
  const p = playAll(ticTacToe, [0, 1, 2, 4, 3, 5, 7, 6, 8]);
  assert.equal(p.result, 0);
  assert.equal(playAll(ticTacToe, [0, 1, 2, 4, 3, 5, 7, 6]).result, null);
});

test('Connect Four: stones fall to the bottom; a full column leaves the mask', () => {
  let p = connectFour.play(connectFour.initial(), 3);
  assert.equal(p.cells[5 * 7 + 3], 1);
  p = connectFour.play(p, 3);
  assert.equal(p.cells[4 * 7 + 3], -1);
  p = playAll(connectFour, [0, 0, 0, 0, 0, 0]);
  assert.equal(p.result, null);
  assert.deepEqual(connectFour.legalMask(p), [false, true, true, true, true, true, true]);
  assert.throws(() => connectFour.play(p, 0), /column 0 is not a legal move/);
  assert.throws(() => connectFour.play(p, 7), /column 7/);
});

/** A Connect Four position from rows top to bottom: `x` the first player, `o` the second, `.` empty. */
function board(rows: string[], toMove: 1 | -1): Position {
  const cells = rows.join('').split('').map((ch) => (ch === 'x' ? 1 : ch === 'o' ? -1 : 0));
  return { cells, toMove, result: null };
}

test('Connect Four: horizontal, vertical and both diagonal fours win', () => {
  assert.equal(playAll(connectFour, [0, 0, 1, 1, 2, 2, 3]).result, 1);
  assert.equal(playAll(connectFour, [0, 1, 0, 1, 0, 1, 0]).result, 1);
  assert.equal(playAll(connectFour, [0, 0, 1, 1, 2, 2]).result, null);
  const empty = ['.......', '.......'];
  // Rising diagonal completed at (2, 3) by a stone falling into column 3.
  const rising = board([...empty, '.......', '..xo...', '.xoo...', 'xoox...'], 1);
  assert.equal(connectFour.play(rising, 3).result, 1);
  // Falling diagonal for the second player, completed in column 0.
  const falling = board([...empty, '.......', 'xo.....', 'xxo....', 'xxxo...'], -1);
  assert.equal(connectFour.play(falling, 0).result, -1);
  // The same stone elsewhere completes nothing.
  assert.equal(connectFour.play(falling, 5).result, null);
});

test('Connect Four: a full board without four is a draw', () => {
  // x where floor(c/2) + r is even: runs of at most two in every direction.
  const rows = Array.from({ length: 6 }, (_, r) => Array.from({ length: 7 }, (_, c) => ((Math.floor(c / 2) + r) % 2 === 0 ? 'x' : 'o')).join(''));
  const last = rows[0][6];
  rows[0] = `${rows[0].slice(0, 6)}.`;
  const p = connectFour.play(board(rows, last === 'x' ? 1 : -1), 6);
  assert.equal(p.result, 0);
  assert.deepEqual(legalActions(connectFour.legalMask(p)), []);
});
