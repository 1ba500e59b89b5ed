/** Tic-tac-toe on a 3x3 board: an action is a cell (0..8, row-major); three in a row wins. */
import { place, type BoardGame, type Position } from './boardGame';

export const ticTacToe: BoardGame = {
  id: 'tictactoe',
  rows: 3,
  cols: 3,
  actionCount: 9,
  initial: (): Position => ({ cells: new Array(9).fill(0), toMove: 1, result: null }),
  legalMask: (p) => p.cells.map((v) => p.result === null && v === 0),
  play(p, a) {
    if (p.result !== null) throw new Error('tic-tac-toe: the game is over.');
    if (!Number.isInteger(a) || a < 0 || a >= 9 || p.cells[a] !== 0) throw new Error(`tic-tac-toe: cell ${a} is not a legal move.`);
    return place(p, a, 3, 3, 3);
  },
};
