/**
 * A two-head network (AlphaZero's: a softmax policy over the moves and a tanh value) as the evaluator MCTS
 * calls (core/rl/mcts.ts `Evaluator`). The heads are told apart by their size: the one with `actionCount`
 * units is the policy, the one with 1 unit the value, so the model's output order does not matter. The input
 * is the position from the mover's side (core/rl/selfPlay.ts `encodePosition`), shaped as the model's input.
 * Shared by self-play training, `model-studio play` and the editor's "Try the model" games. The network runs
 * through `apply`, not `predict` (predict's checks and its batches of 32 cost more than these small networks).
 */
import type { BoardGame, Evaluation, Evaluator, Position, Search } from '../../core/rl';
import { encodePosition } from '../../core/rl';
import { UserError } from '../../core/types';
import type { LayersModel, Tensor, Tf } from '../tfjs/tf';

/** Which output is the policy and which the value; throws with a hint when the model has no such heads. */
export function zeroHeads(model: LayersModel, actionCount: number): { policy: number; value: number } {
  const units = model.outputs.map((o) => (o.shape.length === 2 ? o.shape[1] : -1));
  const policy = units.indexOf(actionCount);
  const value = units.indexOf(1);
  if (model.outputs.length !== 2 || policy < 0 || value < 0 || policy === value) {
    const shapes = model.outputs.map((o) => `[${o.shape.slice(1).join(', ')}]`).join(', ');
    throw new UserError(
      `Self-play needs a model with two outputs, a policy of ${actionCount} units and a value of 1 unit; this one has ${model.outputs.length} output(s): ${shapes}.`,
      `End the model in two Dense heads: ${actionCount} units with softmax (the policy) and 1 unit with tanh (the value).`,
      'rl-output-shape',
    );
  }
  return { policy, value };
}

/** The network's priors and value for a batch of positions, one model call. */
export function evaluatePositions(tf: Tf, model: LayersModel, game: BoardGame, positions: readonly Position[]): { priors: number[]; value: number }[] {
  const { policy, value } = zeroHeads(model, game.actionCount);
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const flat = positions.flatMap((p) => encodePosition(game, p));
  const outs = tf.tidy(() => model.apply(tf.tensor(flat, [positions.length, ...inputShape])) as Tensor[]);
  const pi = outs[policy].dataSync();
  const v = outs[value].dataSync();
  tf.dispose(outs);
  return positions.map((_, i) => ({ priors: Array.from(pi.subarray(i * game.actionCount, (i + 1) * game.actionCount)), value: v[i] }));
}

export function networkEvaluator(tf: Tf, model: LayersModel, game: BoardGame): Evaluator {
  zeroHeads(model, game.actionCount);
  return (p) => evaluatePositions(tf, model, game, [p])[0];
}

const positionKey = (p: Position): string => `${p.toMove}:${p.cells.join('')}`;

/**
 * Runs many searches (games) together: in each round the positions they wait on are evaluated in one model
 * call. A memo by position answers repeats (the weights do not change meanwhile; tic-tac-toe has few positions).
 */
export function runSearches<R>(tf: Tf, model: LayersModel, game: BoardGame, searches: readonly Search<R>[], memo = new Map<string, Evaluation>()): R[] {
  const results = new Array<R>(searches.length);
  let waiting: { i: number; p: Position }[] = [];
  const advance = (i: number, e: Evaluation | undefined): void => {
    for (let step = searches[i].next(e as Evaluation); ; ) {
      if (step.done) {
        results[i] = step.value;
        return;
      }
      const known = memo.get(positionKey(step.value));
      if (!known) {
        waiting.push({ i, p: step.value });
        return;
      }
      step = searches[i].next(known);
    }
  };
  searches.forEach((_, i) => advance(i, undefined));
  while (waiting.length) {
    const round = waiting;
    waiting = [];
    const evals = evaluatePositions(tf, model, game, round.map((w) => w.p));
    round.forEach((w, k) => memo.set(positionKey(w.p), evals[k]));
    round.forEach((w, k) => advance(w.i, evals[k]));
  }
  return results;
}
