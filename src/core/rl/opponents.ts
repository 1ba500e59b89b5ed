/**
 * Fixed opponents for a board-game network, and a game between the network (with MCTS) and one of them: the
 * yardstick of self-play training (win/draw/loss rates) and of `model-studio play`. `random` plays any legal
 * move; `greedy` (one ply) wins if it can, else blocks the opponent's immediate win, else plays at random;
 * `minimax` plays perfectly (tic-tac-toe only: Connect Four's tree is far too large); `self` is the network
 * with MCTS on both sides, its first plies drawn from the visit counts so that games differ.
 */
import { legalActions, type BoardGame, type Player, type Position } from './boardGame';
import type { Random } from './env';
import { mctsSearch, sampleIndex, visitPolicy, type MctsOptions, type Search } from './mcts';
import { perfectMoves } from './minimax';

export const OPPONENTS = ['random', 'greedy', 'minimax', 'self'] as const;
export type OpponentId = (typeof OPPONENTS)[number];

/** The games a perfect player can be computed for (the whole tree fits in a memo). */
export const MINIMAX_GAMES: readonly string[] = ['tictactoe'];

const pick = (xs: readonly number[], random: Random): number => xs[Math.floor(random() * xs.length)];

/** A legal move that ends the game in `who`'s favour if `who` were to move in `p`; undefined when none does. */
function winningMove(game: BoardGame, p: Position, who: Player): number | undefined {
  const as = { ...p, toMove: who };
  return legalActions(game.legalMask(p)).find((a) => game.play(as, a).result === who);
}

/** The move of a fixed (non-network) opponent. */
export function opponentMove(id: Exclude<OpponentId, 'self'>, game: BoardGame, p: Position, random: Random, memo?: Map<string, number>): number {
  if (id === 'minimax') return pick(perfectMoves(game, p, memo), random);
  if (id === 'greedy') {
    const move = winningMove(game, p, p.toMove) ?? winningMove(game, p, -p.toMove as Player);
    if (move !== undefined) return move;
  }
  return pick(legalActions(game.legalMask(p)), random);
}

export interface MatchOptions extends MctsOptions {
  /** The network's side: +1 moves first. */
  side: Player;
  opponent: OpponentId;
  random: Random;
  /** `self`: plies drawn at temperature 1 before the most visited move is taken. */
  temperatureMoves: number;
  memo?: Map<string, number>;
}

/** One game of the network (MCTS, no root noise) against an opponent; the result for the network: 1, 0 or −1. */
export function* matchSearch(game: BoardGame, o: MatchOptions): Search<number> {
  const search: MctsOptions = { simulations: o.simulations, cPuct: o.cPuct, random: o.random };
  let p = game.initial();
  for (let ply = 0; p.result === null; ply++) {
    let a: number;
    if (o.opponent === 'self' || p.toMove === o.side) {
      const visits = yield* mctsSearch(game, p, search);
      a = sampleIndex(visitPolicy(visits, o.opponent === 'self' && ply < o.temperatureMoves ? 1 : 0), o.random);
    } else a = opponentMove(o.opponent, game, p, o.random, o.memo);
    p = game.play(p, a);
  }
  return p.result === 0 ? 0 : p.result === o.side ? 1 : -1;
}

/** Win, draw and loss counts of the network. */
export interface MatchTally {
  wins: number;
  draws: number;
  losses: number;
}

export function tally(results: readonly number[]): MatchTally {
  return { wins: results.filter((r) => r > 0).length, draws: results.filter((r) => r === 0).length, losses: results.filter((r) => r < 0).length };
}
