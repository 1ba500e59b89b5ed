/**
 * AlphaZero's self-play (Silver et al. 2018), the part without a network: a game played by MCTS against
 * itself, one training example per position — the position from the mover's side, the search's visit
 * distribution as the policy target, the final result from the mover's side as the value target. Moves are
 * drawn at temperature 1 for the first `temperatureMoves` plies, then greedily (temperature 0).
 */
import type { BoardGame, Position } from './boardGame';
import type { Random } from './env';
import { mctsSearch, runSearch, sampleIndex, visitPolicy, type Evaluator, type MctsOptions, type Search } from './mcts';

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

export interface SelfPlayGame {
  examples: SelfPlayExample[];
  result: Position['result'];
  /** The board at the end (the training view shows it). */
  final: Position;
}

export function selfPlayGame(game: BoardGame, evaluate: Evaluator, o: SelfPlayOptions): SelfPlayGame {
  return runSearch(selfPlaySearch(game, o), evaluate);
}

/** selfPlayGame as a generator of the positions to evaluate, so many games can share one network call. */
export function* selfPlaySearch(game: BoardGame, o: SelfPlayOptions): Search<SelfPlayGame> {
  let p = game.initial();
  const seen: { input: number[]; policy: number[]; mover: number }[] = [];
  for (let ply = 0; p.result === null; ply++) {
    const visits = yield* mctsSearch(game, p, o);
    const total = visits.reduce((a, b) => a + b, 0);
    seen.push({ input: encodePosition(game, p), policy: visits.map((n) => n / total), mover: p.toMove });
    const a = sampleIndex(visitPolicy(visits, ply < o.temperatureMoves ? 1 : 0), o.random);
    p = game.play(p, a);
  }
  const result = p.result;
  return { examples: seen.map((s) => ({ input: s.input, policy: s.policy, value: result === 0 ? 0 : result === s.mover ? 1 : -1 })), result, final: p };
}

/**
 * The board's symmetries that map a game onto itself, each as where cell i goes and where action a goes: the 8
 * of the square (rotations, reflections) when an action is a cell of a square board (tic-tac-toe), the mirror
 * left-right when an action is a column (Connect Four). The identity comes first.
 */
export function boardSymmetries(game: BoardGame): { cells: number[]; actions: number[] }[] {
  const { rows, cols } = game;
  const cellMaps: ((r: number, c: number) => [number, number])[] =
    game.actionCount === rows * cols && rows === cols
      ? [
          (r, c) => [r, c],
          (r, c) => [c, rows - 1 - r],
          (r, c) => [rows - 1 - r, cols - 1 - c],
          (r, c) => [cols - 1 - c, r],
          (r, c) => [r, cols - 1 - c],
          (r, c) => [rows - 1 - r, c],
          (r, c) => [c, r],
          (r, c) => [cols - 1 - c, rows - 1 - r],
        ]
      : [(r, c) => [r, c], (r, c) => [r, cols - 1 - c]];
  return cellMaps.map((f) => {
    const cells = Array.from({ length: rows * cols }, (_, i) => {
      const [r, c] = f(Math.floor(i / cols), i % cols);
      return r * cols + c;
    });
    const actions = game.actionCount === rows * cols ? cells : Array.from({ length: cols }, (_, c) => f(0, c)[1]);
    return { cells, actions };
  });
}

/** An example under every symmetry of the board (the first is the example itself). */
export function augmentExample(game: BoardGame, e: SelfPlayExample, symmetries = boardSymmetries(game)): SelfPlayExample[] {
  return symmetries.map(({ cells, actions }) => {
    const input = new Array<number>(e.input.length);
    cells.forEach((to, i) => {
      input[2 * to] = e.input[2 * i];
      input[2 * to + 1] = e.input[2 * i + 1];
    });
    const policy = new Array<number>(e.policy.length);
    actions.forEach((to, a) => (policy[to] = e.policy[a]));
    return { input, policy, value: e.value };
  });
}
