/**
 * AlphaZero-style self-play training (Silver et al. 2018) of a two-head network on a board game. Each iteration
 * (one epoch event) plays `gamesPerIteration` games of MCTS against itself with the current network (root
 * Dirichlet noise, temperature 1 for the first plies; the games run side by side so that their positions are
 * evaluated in one model call each round), keeps their positions under every symmetry of the board in a window
 * of the most recent `replayPositions`, fits the two heads on the window (policy: the training configuration's
 * loss of that output, categorical cross-entropy against the search's visit distribution; value: its loss,
 * mean squared error against the game's result; Keras' optimizer of the training configuration), and plays
 * `evaluationGames` against a random player, both colours, for `win_rate`, `draw_rate`, `loss_rate`.
 * Pause and Stop are honoured between games; checkpoints `last` every iteration and `best` when the score
 * against the random player (wins + draws / 2) reaches a new high.
 */
import {
  augmentExample,
  boardSymmetries,
  matchSearch,
  selfPlaySearch,
  tally,
  type BoardGame,
  type Evaluation,
  type OpponentId,
  type Player,
  type Random,
  type RlConfig,
  type SelfPlayExample,
} from '../../core/rl';
import type { OutputHead } from '../../core/training';
import type { TrainingControl } from '../control';
import type { EpochEvent, FitResult, FitStatus, TrainerEvents } from '../trainer';
import type { LayersModel, Tensor, Tf } from '../tfjs/tf';
import { lossFn, lossId } from '../tfjs/training/losses';
import type { TfOptimizer } from '../tfjs/training/optimizers';
import { yieldToEventLoop } from '../tfjs/training/evaluate';
import { rlEpochEvent } from './episodes';
import { runSearches, zeroHeads } from './networkEvaluator';

type Variable = import('@tensorflow/tfjs').Variable;
type Scalar = import('@tensorflow/tfjs').Scalar;

/** Games played side by side between two looks at the control (Pause, Stop). */
const GAMES_PER_ROUND = 64;

export interface ZeroLoop {
  tf: Tf;
  model: LayersModel;
  game: BoardGame;
  rl: RlConfig;
  optimizer: TfOptimizer;
  /** The training configuration's loss of each head, by the output's name. */
  heads: { policy: OutputHead; value: OutputHead };
  /** Self-play's randomness and the evaluation games' (two streams of the run's seed). */
  random: Random;
  evalRandom: Random;
  learningRate: () => number;
  /** Called with a finished self-play game's last board after each round of games (the live animation). */
  onBoard?: (iteration: number, gamesPlayed: number, cells: readonly number[]) => void;
}

export interface ZeroLosses {
  loss: number;
  policy_loss: number;
  value_loss: number;
}

/** `count` games of self-play, GAMES_PER_ROUND at a time; undefined when Stop came between them. */
async function selfPlay(o: ZeroLoop, iteration: number, count: number, control: TrainingControl): Promise<SelfPlayExample[][] | undefined> {
  const { rl } = o;
  const games: SelfPlayExample[][] = [];
  const options = { simulations: rl.simulations, cPuct: rl.cPuct, dirichlet: { alpha: rl.dirichletAlpha, epsilon: rl.dirichletEpsilon }, temperatureMoves: rl.temperatureMoves, random: o.random };
  while (games.length < count) {
    await yieldToEventLoop();
    await control.gate();
    if (control.stopRequested) return undefined;
    const n = Math.min(GAMES_PER_ROUND, count - games.length);
    // Root noise makes every search differ, so only positions are memoised, within the round (fixed weights).
    const played = runSearches(o.tf, o.model, o.game, Array.from({ length: n }, () => selfPlaySearch(o.game, options)), new Map<string, Evaluation>());
    for (const g of played) games.push(g.examples);
    o.onBoard?.(iteration + 1, games.length, played[0].final.cells);
  }
  return games;
}

/**
 * Games of the network (MCTS without noise, the most visited move) against a fixed opponent, alternating
 * colours (the network first in even games); the results for the network.
 */
export function playMatches(tf: Tf, model: LayersModel, game: BoardGame, o: { opponent: OpponentId; games: number; simulations: number; cPuct: number; temperatureMoves: number; random: Random }): number[] {
  const memo = new Map<string, number>();
  const searches = Array.from({ length: o.games }, (_, i) =>
    matchSearch(game, { ...o, side: (i % 2 === 0 ? 1 : -1) as Player, memo }),
  );
  // No root noise and fixed weights: a position's evaluation is the same in every game.
  return runSearches(tf, model, game, searches);
}

/** The model's loss terms on a batch: each head's loss (the mean over the batch) and their weighted sum. */
function batchLosses(o: ZeroLoop, x: Tensor, pi: Tensor, z: Tensor): { total: Scalar; policy: Scalar; value: Scalar } {
  const { tf } = o;
  const heads = zeroHeads(o.model, o.game.actionCount);
  const outs = o.model.apply(x, { training: true }) as Tensor[];
  const policy = tf.mean(lossFn(tf, lossId(o.heads.policy.loss), o.heads.policy.lossOptions)(pi, outs[heads.policy])) as Scalar;
  const value = tf.mean(lossFn(tf, lossId(o.heads.value.loss), o.heads.value.lossOptions)(z, outs[heads.value])) as Scalar;
  const total = tf.add(tf.mul(policy, o.heads.policy.weight), tf.mul(value, o.heads.value.weight)) as Scalar;
  return { total, policy, value };
}

/** `trainingEpochs` passes over the window in shuffled batches; the mean losses of the last pass. */
export async function fitWindow(o: ZeroLoop, window: readonly SelfPlayExample[]): Promise<ZeroLosses> {
  const { tf, model, game, rl } = o;
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const shape = [game.rows, game.cols, 2];
  let sums = [0, 0, 0];
  let batches = 0;
  for (let epoch = 0; epoch < rl.trainingEpochs; epoch++) {
    const order = shuffled(window.length, o.random);
    const acc: Tensor[] = [];
    for (let b = 0; b < order.length; b += rl.batchSize) {
      const picked = order.slice(b, b + rl.batchSize).map((i) => window[i]);
      const x = tf.tensor(picked.flatMap((e) => e.input), [picked.length, ...shape]);
      const pi = tf.tensor2d(picked.map((e) => e.policy));
      const z = tf.tensor2d(picked.map((e) => [e.value]));
      let parts: Tensor | undefined;
      const cost = o.optimizer.minimize(
        () => {
          const l = batchLosses(o, x, pi, z);
          parts = tf.keep(tf.stack([l.total, l.policy, l.value]));
          return l.total;
        },
        true,
        vars,
      );
      acc.push(parts!);
      tf.dispose([x, pi, z, cost]);
    }
    // Read once per pass: one device round trip, not one per batch.
    const summed = tf.tidy(() => tf.sum(tf.stack(acc), 0));
    const values = await summed.data();
    tf.dispose([summed, ...acc]);
    sums = Array.from(values);
    batches = acc.length;
    await yieldToEventLoop();
  }
  return { loss: sums[0] / batches, policy_loss: sums[1] / batches, value_loss: sums[2] / batches };
}

function shuffled(n: number, random: Random): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The loop of iterations: self-play, fit, evaluate, one event and the checkpoints per iteration. */
export async function playSelfPlay(o: ZeroLoop, control: TrainingControl, events: TrainerEvents): Promise<FitResult> {
  const { rl } = o;
  const symmetries = boardSymmetries(o.game);
  const history: EpochEvent[] = [];
  let window: SelfPlayExample[] = [];
  let positions = 0;
  let status: FitStatus = 'done';
  let message: string | undefined;
  let bestScore = -Infinity;
  for (let iteration = 0; iteration < rl.episodes; iteration++) {
    const t0 = Date.now();
    const games = await selfPlay(o, iteration, rl.gamesPerIteration, control);
    if (!games) {
      status = 'stopped';
      if (iteration > 0) events.onLog?.(`Stopped in iteration ${iteration + 1}, between self-play games.`);
      break;
    }
    const fresh = games.flat();
    positions += fresh.length;
    window = [...window, ...fresh.flatMap((e) => augmentExample(o.game, e, symmetries))].slice(-rl.replayPositions);
    const losses = await fitWindow(o, window);
    if (!Number.isFinite(losses.loss)) {
      status = 'nan';
      message = `The loss became NaN in iteration ${iteration + 1}. Try a lower learning rate.`;
      break;
    }
    const results = rl.evaluationGames > 0 ? playMatches(o.tf, o.model, o.game, { opponent: 'random', games: rl.evaluationGames, simulations: rl.simulations, cPuct: rl.cPuct, temperatureMoves: 0, random: o.evalRandom }) : [];
    const t = tally(results);
    const n = Math.max(results.length, 1);
    const metrics = { ...losses, win_rate: t.wins / n, draw_rate: t.draws / n, loss_rate: t.losses / n, games: games.length, positions: fresh.length };
    const point = rlEpochEvent(o.tf, { epoch: iteration + 1, step: positions, metrics, lr: o.learningRate(), samples: fresh.length, seconds: (Date.now() - t0) / 1000, remaining: rl.episodes - iteration - 1 });
    history.push(point);
    await events.onEpoch?.(point);
    const score = metrics.win_rate + metrics.draw_rate / 2;
    const improved = score > bestScore;
    if (improved) bestScore = score;
    await events.onCheckpoint?.(improved ? ['last', 'best'] : ['last'], iteration + 1, metrics);
  }
  // Stop comes between games: the weights are those of the last whole iteration.
  return { status, epochs: history.length, history, message, weights: 'final' };
}
