/** Connect Four on 7 columns x 6 rows: an action is a column (0..6), the stone falls to its lowest empty cell; four in a row wins. */
import { place, type BoardGame, type Position } from './boardGame';

const ROWS = 6;
const COLS = 7;

export const connectFour: BoardGame = {
  id: 'connect4',
  rows: ROWS,
  cols: COLS,
  actionCount: COLS,
  initial: (): Position => ({ cells: new Array(ROWS * COLS).fill(0), toMove: 1, result: null }),
  // A column is open while its top cell (row 0) is empty.
  legalMask: (p) => Array.from({ length: COLS }, (_, c) => p.result === null && p.cells[c] === 0),
  play(p, a) {
    if (p.result !== null) throw new Error('Connect Four: the game is over.');
    if (!Number.isInteger(a) || a < 0 || a >= COLS || p.cells[a] !== 0) throw new Error(`Connect Four: column ${a} is not a legal move.`);
    let r = ROWS - 1;
    while (p.cells[r * COLS + a] !== 0) r--;
    return place(p, r * COLS + a, ROWS, COLS, 4);
  },
};
