/**
 * Monte Carlo tree search with PUCT, as AlphaZero uses it (Silver et al. 2018): each simulation descends by
 * argmax_a Q(s,a) + c_puct · P(s,a) · √N(s) / (1 + N(s,a)), evaluates the leaf with the network (priors over
 * the legal moves, a value in [−1, 1] for the player to move; a finished game is its result), and backs the
 * value up with the sign flipping at every ply. Dirichlet noise mixes into the root's priors for exploration
 * in self-play; the move is then drawn from the visit counts at a temperature. Pure: the network is a function,
 * or — for batched evaluation across many games — the search is a generator that yields each position it needs
 * evaluated and resumes with the evaluation (`Search`), which `runSearch` drives with an Evaluator.
 */
import { legalActions, type BoardGame, type Position } from './boardGame';
import type { Random } from './env';

export interface Evaluation {
  /** Prior probabilities over all actions (illegal ones are ignored and the rest renormalised). */
  priors: readonly number[];
  /** The expected result for the player to move, in [−1, 1]. */
  value: number;
}

export type Evaluator = (p: Position) => Evaluation;

/** A search (or a whole game of them) paused at each position it needs the network's evaluation of. */
export type Search<R> = Generator<Position, R, Evaluation>;

/** Runs a search to its end, evaluating each position it asks for with `evaluate`. */
export function runSearch<R>(search: Search<R>, evaluate: Evaluator): R {
  let step = search.next(undefined as unknown as Evaluation);
  while (!step.done) step = search.next(evaluate(step.value));
  return step.value;
}

export interface MctsOptions {
  simulations: number;
  /** The exploration constant (AlphaZero's c_puct; 1.0–1.5 is usual for small boards). */
  cPuct: number;
  /** Root noise: P = (1 − epsilon)·P + epsilon·Dir(alpha); omitted, no noise (evaluation play). */
  dirichlet?: { alpha: number; epsilon: number };
  random?: Random;
}

interface Node {
  position: Position;
  priors: number[];
  visits: number[];
  values: number[];
  children: (Node | undefined)[];
  legal: number[];
}

/** The value of a finished game for the player to move (the last mover won, or a draw). */
const terminalValue = (p: Position): number => (p.result === 0 ? 0 : p.result === p.toMove ? 1 : -1);

function expand(game: BoardGame, position: Position, e: Evaluation): { node: Node; value: number } {
  const legal = legalActions(game.legalMask(position));
  const priors = new Array<number>(game.actionCount).fill(0);
  const mass = legal.reduce((s, a) => s + Math.max(0, e.priors[a]), 0);
  for (const a of legal) priors[a] = mass > 0 ? Math.max(0, e.priors[a]) / mass : 1 / legal.length;
  const n = game.actionCount;
  const node = { position, priors, visits: new Array<number>(n).fill(0), values: new Array<number>(n).fill(0), children: new Array<Node | undefined>(n), legal };
  return { node, value: e.value };
}

function select(node: Node, cPuct: number): number {
  const total = node.legal.reduce((s, a) => s + node.visits[a], 0);
  const scale = cPuct * Math.sqrt(total);
  let best = node.legal[0];
  let bestScore = -Infinity;
  for (const a of node.legal) {
    const n = node.visits[a];
    const q = n > 0 ? node.values[a] / n : 0;
    const score = q + (scale * node.priors[a]) / (1 + n);
    if (score > bestScore) {
      bestScore = score;
      best = a;
    }
  }
  return best;
}

/** One simulation from `node`; returns the value for the player to move at `node`. */
function* simulate(game: BoardGame, node: Node, cPuct: number): Search<number> {
  const a = select(node, cPuct);
  const next = game.play(node.position, a);
  let childValue: number;
  const child = node.children[a];
  if (next.result !== null) childValue = terminalValue(next);
  else if (!child) {
    const e = expand(game, next, yield next);
    node.children[a] = e.node;
    childValue = e.value;
  } else childValue = yield* simulate(game, child, cPuct);
  // The child's value is its mover's, the opponent of this node's.
  node.visits[a] += 1;
  node.values[a] -= childValue;
  return -childValue;
}

/** Runs the search from `root`; returns the visit counts per action (zero for illegal ones). */
export function mctsVisits(game: BoardGame, root: Position, evaluate: Evaluator, o: MctsOptions): number[] {
  return runSearch(mctsSearch(game, root, o), evaluate);
}

/** The search of mctsVisits as a generator: it yields every position to evaluate (the root first). */
export function* mctsSearch(game: BoardGame, root: Position, o: MctsOptions): Search<number[]> {
  if (root.result !== null) throw new Error('MCTS: the game is over.');
  const { node } = expand(game, root, yield root);
  if (o.dirichlet && node.legal.length > 1) {
    const random = o.random ?? Math.random;
    const noise = dirichlet(o.dirichlet.alpha, node.legal.length, random);
    node.legal.forEach((a, i) => (node.priors[a] = (1 - o.dirichlet!.epsilon) * node.priors[a] + o.dirichlet!.epsilon * noise[i]));
  }
  for (let i = 0; i < o.simulations; i++) yield* simulate(game, node, o.cPuct);
  return node.visits;
}

/**
 * The move distribution from visit counts at a temperature: N^(1/T) normalised; T = 0 puts all the weight on
 * the most visited move (the first of equals).
 */
export function visitPolicy(visits: readonly number[], temperature: number): number[] {
  if (temperature === 0) {
    const best = visits.indexOf(Math.max(...visits));
    return visits.map((_, a) => (a === best ? 1 : 0));
  }
  const powered = visits.map((n) => n ** (1 / temperature));
  const sum = powered.reduce((a, b) => a + b, 0);
  return powered.map((v) => v / sum);
}

/** An index drawn from a distribution. */
export function sampleIndex(p: readonly number[], random: Random): number {
  let u = random();
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  // Rounding left u above zero: the last action with any weight.
  for (let i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;
  return p.length - 1;
}

/** Dir(alpha, ..., alpha) of dimension k, from Gamma(alpha) draws (Marsaglia–Tsang, boosted below 1). */
export function dirichlet(alpha: number, k: number, random: Random): number[] {
  const g = Array.from({ length: k }, () => gamma(alpha, random));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}

function gamma(alpha: number, random: Random): number {
  if (alpha < 1) return gamma(alpha + 1, random) * Math.pow(1 - random(), 1 / alpha);
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      // Box–Muller; 1 − u keeps log away from 0.
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
