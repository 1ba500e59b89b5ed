/**
 * AlphaZero's self-play (Silver et al. 2018), the part without a network: a game played by MCTS against
 * itself, one training example per position — the position from the mover's side, the search's visit
 * distribution as the policy target, the final result from the mover's side as the value target. Moves are
 * drawn at temperature 1 for the first `temperatureMoves` plies, then greedily (temperature 0).
 */
import type { BoardGame, Position } from './boardGame';
import type { Random } from './env';
import { mctsVisits, sampleIndex, visitPolicy, type Evaluator, type MctsOptions } from './mcts';

/** The network's input for a position: two planes (the mover's stones, the opponent's), rows x cols x 2. */
export function encodePosition(game: BoardGame, p: Position): number[] {
  const out = new Array<number>(game.rows * game.cols * 2).fill(0);
  p.cells.forEach((v, i) => {
    if (v === p.toMove) out[2 * i] = 1;
    else if (v !== 0) out[2 * i + 1] = 1;
  });
  return out;
}

export interface SelfPlayExample {
  input: number[];
  /** The visit distribution over all actions (0 for illegal ones). */
  policy: number[];
  /** +1 the mover went on to win, −1 to lose, 0 a draw. */
  value: number;
}

export interface SelfPlayOptions extends MctsOptions {
  /** Plies played at temperature 1 before the search's best move is always taken. */
  temperatureMoves: number;
  random: Random;
}

export function selfPlayGame(game: BoardGame, evaluate: Evaluator, o: SelfPlayOptions): { examples: SelfPlayExample[]; result: Position['result'] } {
  let p = game.initial();
  const seen: { input: number[]; policy: number[]; mover: number }[] = [];
  for (let ply = 0; p.result === null; ply++) {
    const visits = mctsVisits(game, p, evaluate, o);
    const total = visits.reduce((a, b) => a + b, 0);
    seen.push({ input: encodePosition(game, p), policy: visits.map((n) => n / total), mover: p.toMove });
    const a = sampleIndex(visitPolicy(visits, ply < o.temperatureMoves ? 1 : 0), o.random);
    p = game.play(p, a);
  }
  const result = p.result;
  return { examples: seen.map((s) => ({ input: s.input, policy: s.policy, value: result === 0 ? 0 : result === s.mover ? 1 : -1 })), result };
}
