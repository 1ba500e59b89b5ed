/**
 * Two-player board games for self-play (tic-tac-toe, Connect Four): immutable positions, the player to move
 * (+1 moves first, −1 second), a legal-move mask over the action space, and the result. One interface, so a
 * search (MCTS) and a trainer need not know which game they play.
 */

export type Player = 1 | -1;

export interface Position {
  /** Cells row-major, row 0 at the top: 0 empty, +1 or −1 a stone of that player. */
  readonly cells: readonly number[];
  readonly toMove: Player;
  /** The winner, 0 for a draw, null while the game goes on. */
  readonly result: Player | 0 | null;
}

export interface BoardGame {
  readonly id: string;
  readonly rows: number;
  readonly cols: number;
  /** The number of actions (cells for tic-tac-toe, columns for Connect Four). */
  readonly actionCount: number;
  initial(): Position;
  /** mask[a] is true when action a is legal in p (all false once the game is over). */
  legalMask(p: Position): boolean[];
  /** The position after the player to move takes action a; an illegal action throws. */
  play(p: Position, a: number): Position;
}

/** The actions a mask allows. */
export const legalActions = (mask: readonly boolean[]): number[] => mask.flatMap((ok, a) => (ok ? [a] : []));

/** Does the stone just placed at (r, c) complete a line of `need` in any direction? */
export function completesLine(cells: readonly number[], rows: number, cols: number, r: number, c: number, need: number): boolean {
  const who = cells[r * cols + c];
  const at = (rr: number, cc: number) => (rr >= 0 && rr < rows && cc >= 0 && cc < cols ? cells[rr * cols + cc] : 0);
  for (const [dr, dc] of [[0, 1], [1, 0], [1, 1], [1, -1]]) {
    let n = 1;
    for (let k = 1; at(r + k * dr, c + k * dc) === who; k++) n++;
    for (let k = 1; at(r - k * dr, c - k * dc) === who; k++) n++;
    if (n >= need) return true;
  }
  return false;
}

/** The position after placing the mover's stone at cell i, with its result. */
export function place(p: Position, i: number, rows: number, cols: number, need: number): Position {
  const cells = [...p.cells];
  cells[i] = p.toMove;
  const won = completesLine(cells, rows, cols, Math.floor(i / cols), i % cols, need);
  const full = cells.every((v) => v !== 0);
  return { cells, toMove: -p.toMove as Player, result: won ? p.toMove : full ? 0 : null };
}
