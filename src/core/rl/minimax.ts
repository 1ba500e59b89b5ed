/**
 * A perfect player for small games (tic-tac-toe): negamax over the whole tree with a memo by position, so a
 * trained network can be judged against play that never errs. Connect Four is far too large for this.
 */
import { legalActions, type BoardGame, type Position } from './boardGame';

const key = (p: Position) => `${p.toMove}:${p.cells.join('')}`;

/** The game-theoretic value of a position for the player to move: +1 win, 0 draw, −1 loss. */
export function solve(game: BoardGame, p: Position, memo = new Map<string, number>()): number {
  if (p.result !== null) return p.result === 0 ? 0 : p.result === p.toMove ? 1 : -1;
  const k = key(p);
  const known = memo.get(k);
  if (known !== undefined) return known;
  let best = -Infinity;
  for (const a of legalActions(game.legalMask(p))) best = Math.max(best, -solve(game, game.play(p, a), memo));
  // + 0: a draw is 0, not the −0 that negating it gives.
  memo.set(k, best + 0);
  return best + 0;
}

/** Every move that keeps the best value (a perfect player picks any of them). */
export function perfectMoves(game: BoardGame, p: Position, memo = new Map<string, number>()): number[] {
  const scored = legalActions(game.legalMask(p)).map((a) => ({ a, v: -solve(game, game.play(p, a), memo) }));
  const best = Math.max(...scored.map((s) => s.v));
  return scored.filter((s) => s.v === best).map((s) => s.a);
}
