/**
 * "Try the model" for RL models, in the predict-and-probe worker: what the Try tab offers (a greedy episode of
 * the model's environment, or a game against the network), the episode with every state for the view to
 * animate, and the network's move in a position the view sends, searched with MCTS (core/rl/mcts.ts) over the
 * network's priors and values (./networkEvaluator.ts). Nothing is kept between requests.
 */
import { rng } from '../../core/initializers';
import { boardGameOf, checkRlConfig, defaultRlConfig, environmentId, isBoardGame, makeEnvironment, mctsVisits, positionOf, visitPolicy } from '../../core/rl';
import { UserError } from '../../core/types';
import { TRY_SIMULATIONS, type BoardScene, type TryInfo, type TryInput, type TryOutput } from '../../protocol/training';
import type { TryContext } from '../tfjs/predict';
import { modelIOShapes } from '../tfjs/training/adapter';
import { networkEvaluator, zeroHeads } from './networkEvaluator';
import { greedyAction } from './play';

/** AlphaZero's exploration constant for evaluation play (no root noise: the network plays its best). */
const C_PUCT = 1.5;

/** The Try tab's offer for a model with an RL configuration; undefined for any other model. */
export function rlTryInfo(ctx: TryContext): TryInfo | undefined {
  const rl = ctx.training?.rl;
  if (!rl) return undefined;
  const name = String(rl.environment ?? '');
  const env = environmentId(name);
  if (env && isBoardGame(env)) {
    const game = boardGameOf(env);
    try {
      zeroHeads(ctx.model, game.actionCount);
    } catch (e) {
      return { kind: 'none', reason: `${(e as Error).message} ${(e as UserError).hint ?? ''}`.trim() };
    }
    return { kind: 'game', scene: game.id as BoardScene, simulations: TRY_SIMULATIONS.default };
  }
  if (!env) return { kind: 'none', reason: `Unknown environment "${name}" in the training configuration; set one in the Training panel.` };
  if (ctx.model.inputs.length !== 1 || ctx.model.outputs.length !== 1) return { kind: 'none', reason: `Playing ${env} needs a model with one input and one output.` };
  // Only the shapes matter here (the agent and the loss are training's).
  const problems = checkRlConfig({ ...defaultRlConfig(rl), agent: 'reinforce' }, modelIOShapes(ctx.model), 'mean_squared_error');
  if (problems.length) return { kind: 'none', reason: `${problems[0].message} ${problems[0].hint}` };
  return { kind: 'episode', scene: env, maxSteps: makeEnvironment(env).maxEpisodeSteps };
}

/** One greedy episode from a start drawn with `seed`: every state (after reset, then after each step) and action. */
export function greedyEpisode(ctx: TryContext, seed: number): Extract<TryOutput, { kind: 'episode' }> {
  const info = rlTryInfo(ctx);
  if (info?.kind !== 'episode') throw new UserError(info?.kind === 'none' ? info.reason : 'This model does not play an environment.', 'Set an environment in the Training panel.', 'rl-try');
  const env = makeEnvironment(info.scene);
  let obs = env.reset(rng(seed));
  const states = [env.state()];
  const actions: number[] = [];
  let ret = 0;
  for (;;) {
    const a = greedyAction(ctx.tf, ctx.model, obs);
    const r = env.step(a);
    actions.push(a);
    states.push(env.state());
    ret += r.reward;
    obs = r.observation;
    if (r.terminated || r.truncated) return { kind: 'episode', scene: info.scene, states, actions, return: ret, terminated: r.terminated };
  }
}

/** The network's move in the position: the most visited move of an MCTS with `simulations` simulations. */
export function networkMove(ctx: TryContext, input: Extract<TryInput, { kind: 'move' }>): Extract<TryOutput, { kind: 'move' }> {
  const game = boardGameOf(input.scene);
  const info = rlTryInfo(ctx);
  if (info?.kind !== 'game' || info.scene !== input.scene) {
    throw new UserError(`This model does not play ${input.scene}.`, 'Open a self-play model of this game (e.g. the tictactoe-zero template).', 'rl-try');
  }
  const read = positionOf(game, input.cells);
  if ('problem' in read) throw new UserError(`That is not a position of ${game.id}: ${read.problem}`, 'Press New game.', 'rl-try');
  if (read.position.result !== null) throw new UserError('The game is over.', 'Press New game.', 'rl-try');
  const evaluate = networkEvaluator(ctx.tf, ctx.model, game);
  const visits = mctsVisits(game, read.position, evaluate, { simulations: input.simulations, cPuct: C_PUCT });
  const best = visitPolicy(visits, 0).indexOf(1);
  const { value } = evaluate(read.position);
  return { kind: 'move', action: best, value };
}
