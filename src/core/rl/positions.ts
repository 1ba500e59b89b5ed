/**
 * A board position from its cells alone, as "Try the model" sends it (the view keeps the game; the worker that
 * answers with the network's move keeps nothing): who is to move and whether the game is over follow from the
 * stones, and cells no game of these rules can reach are refused.
 */
import { completesLine, type BoardGame, type Player, type Position } from './boardGame';
import { connectFour } from './connectFour';
import type { BoardGameId } from './environments';

/** The stones in a row that win each board game. */
const IN_ROW: Record<BoardGameId, number> = { tictactoe: 3, connect4: 4 };

/** The position these cells show, or why none can: the first player has as many stones or one more, stones rest on stones (Connect Four), at most one winner. */
export function positionOf(game: BoardGame, cells: readonly number[]): { position: Position } | { problem: string } {
  const { rows, cols } = game;
  if (cells.length !== rows * cols || cells.some((v) => v !== 0 && v !== 1 && v !== -1)) return { problem: `A ${game.id} board has ${rows * cols} cells of 0, 1 or -1.` };
  const first = cells.filter((v) => v === 1).length;
  const second = cells.filter((v) => v === -1).length;
  if (first - second !== 0 && first - second !== 1) return { problem: 'The first player must have as many stones as the second, or one more.' };
  if (game.id === connectFour.id && cells.some((v, i) => v !== 0 && i + cols < cells.length && cells[i + cols] === 0)) return { problem: 'A Connect Four stone must rest on the bottom or on another stone.' };
  const winners = new Set<number>();
  cells.forEach((v, i) => {
    if (v !== 0 && completesLine(cells, rows, cols, Math.floor(i / cols), i % cols, IN_ROW[game.id as BoardGameId])) winners.add(v);
  });
  if (winners.size > 1) return { problem: 'Both players cannot have won.' };
  const toMove: Player = first === second ? 1 : -1;
  const result = winners.size ? ([...winners][0] as Player) : cells.every((v) => v !== 0) ? 0 : null;
  return { position: { cells: [...cells], toMove, result } };
}
