/**
 * `model-studio play MODEL [--env E] [--episodes N] [--seed S] [--engine E] [--json]`: plays episodes with the
 * trained network's greedy policy and prints each return and their mean. The environment is --env, else the
 * one in the model's saved RL configuration; the model must fit it (the same checks as training).
 * On a board game (tictactoe, connect4) the network plays with MCTS against `--opponent` for `--games`, the
 * colours alternating, and the wins, draws and losses are printed.
 */
import { resolve } from 'node:path';
import { rng } from '../core/initializers';
import { boardGameOf, checkRlConfig, defaultRlConfig, environmentId, isBoardGame, makeEnvironment, MINIMAX_GAMES, OPPONENTS, rlConfigOf, tally, type BoardGameId, type OpponentId, type RlConfig } from '../core/rl';
import { defaultTrainingConfig, trainingConfigOf } from '../core/training';
import { UserError } from '../core/types';
import { readModel } from '../formats/registry';
import { loadEngine } from '../engine/tfjs/engines';
import { buildTfModel } from '../engine/tfjs/model';
import type { LayersModel, Tf } from '../engine/tfjs/tf';
import { modelIOShapes } from '../engine/tfjs/training/adapter';
import { playGreedy } from '../engine/rl/play';
import { zeroHeads } from '../engine/rl/networkEvaluator';
import { playMatches } from '../engine/rl/zero';
import { engineOption } from './training-options';
import { applyRlFlags } from './rl-options';
import { parse, out } from './io';

const USAGE =
  'play MODEL [--env cartpole|mountaincar|acrobot] [--episodes N] [--seed S] [--engine E] [--json]\n' +
  '       model-studio play MODEL [--env tictactoe|connect4] [--opponent random|greedy|minimax|self] [--games N] [--simulations S] [--seed S] [--engine E] [--json]\n' +
  '       board games: the network with MCTS (--simulations, default the saved configuration\'s) against the opponent,\n' +
  '       colours alternating; greedy wins if it can, else blocks, else plays at random; minimax (perfect play) is for\n' +
  '       tic-tac-toe only; self is the network on both sides';

const FLAGS = {
  env: { type: 'string' },
  episodes: { type: 'string' },
  seed: { type: 'string' },
  engine: { type: 'string' },
  json: { type: 'boolean' },
  opponent: { type: 'string' },
  games: { type: 'string' },
  simulations: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof FLAGS>>['values'];

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, FLAGS, USAGE, [1, 1]);
  const file = await readModel(resolve(positionals[0]));
  const training = trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig();
  applyRlFlags(training, { env: values.env, episodes: values.episodes ?? '10' });
  const rl = rlConfigOf(training) ?? defaultRlConfig();
  const seed = values.seed === undefined ? rl.seed : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be a whole number (got "${values.seed}").`, undefined, 'usage');
  const id = environmentId(rl.environment)!;
  const board = isBoardGame(id);
  if (!board) for (const flag of ['opponent', 'games', 'simulations'] as const) {
    if (values[flag] !== undefined) throw new UserError(`--${flag} is for the board games; ${rl.environment} is played alone.`, 'Use --env tictactoe or --env connect4, or leave the flag out.', 'usage');
  }
  const options = board ? boardOptions(values, id, rl) : undefined;
  const { tf, device } = await loadEngine(engineOption(values.engine));
  const model = await buildTfModel(tf, file, { strict: true });
  try {
    if (options) return playBoard(tf, model, device, { ...options, rl, seed, json: values.json === true });
    // Only the shapes matter here (the agent and the loss are training's).
    const problems = checkRlConfig({ ...rl, agent: 'reinforce' }, modelIOShapes(model), training.loss);
    if (problems.length) throw new UserError(problems.map((p) => p.message).join(' '), problems[0].hint, problems[0].code);
    const env = makeEnvironment(id as Exclude<typeof id, BoardGameId>);
    const returns = playGreedy(tf, model, env, rl.episodes, rng(seed));
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    if (values.json) out.stdout.write(`${JSON.stringify({ environment: env.gymId, engine: device, seed, returns, mean })}\n`);
    else out.stdout.write(`${env.gymId}, greedy policy, ${returns.length} episode(s) on ${device}:\n  returns: ${returns.join(', ')}\n  mean return: ${mean.toFixed(1)}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

interface BoardOptions {
  id: BoardGameId;
  opponent: OpponentId;
  games: number;
  simulations: number;
}

/** The board-game flags, checked before the engine loads. */
function boardOptions(values: Values, id: BoardGameId, rl: RlConfig): BoardOptions {
  const opponent = (values.opponent ?? 'random') as OpponentId;
  if (!OPPONENTS.includes(opponent)) throw new UserError(`Unknown opponent "${values.opponent}".`, `Use one of: ${OPPONENTS.join(', ')}.`, 'usage');
  if (opponent === 'minimax' && !MINIMAX_GAMES.includes(id)) {
    throw new UserError(`The minimax opponent plays tic-tac-toe only: ${id}'s game tree is far too large to solve.`, 'Use --opponent greedy or random.', 'usage');
  }
  const count = (flag: 'games' | 'simulations', fallback: number): number => {
    const n = values[flag] === undefined ? fallback : Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`--${flag} must be a positive integer (got "${values[flag]}").`, undefined, 'usage');
    return n;
  };
  return { id, opponent, games: count('games', 10), simulations: count('simulations', rl.simulations) };
}

function playBoard(tf: Tf, model: LayersModel, device: string, o: BoardOptions & { rl: RlConfig; seed: number; json: boolean }): number {
  const game = boardGameOf(o.id);
  const problems = checkRlConfig({ ...o.rl, environment: o.id, agent: 'alphazero' }, { input: model.inputs[0].shape.slice(1), output: [] }, '');
  if (problems.length) throw new UserError(problems.map((p) => p.message).join(' '), problems[0].hint, problems[0].code);
  zeroHeads(model, game.actionCount);
  const results = playMatches(tf, model, game, { opponent: o.opponent, games: o.games, simulations: o.simulations, cPuct: o.rl.cPuct, temperatureMoves: o.rl.temperatureMoves, random: rng(o.seed) });
  const t = tally(results);
  // Even games: the network moves first; odd games: second.
  const first = tally(results.filter((_, i) => i % 2 === 0));
  const second = tally(results.filter((_, i) => i % 2 === 1));
  if (o.json) out.stdout.write(`${JSON.stringify({ environment: o.id, opponent: o.opponent, games: o.games, simulations: o.simulations, engine: device, seed: o.seed, ...t, first, second })}\n`);
  else {
    const line = (x: typeof t) => `${x.wins} won, ${x.draws} drawn, ${x.losses} lost`;
    out.stdout.write(`${o.id}: the network with MCTS (${o.simulations} simulations) against ${o.opponent}, ${o.games} game(s), colours alternating, on ${device}:\n`);
    out.stdout.write(`  moving first:  ${line(first)}\n  moving second: ${line(second)}\n  total: ${line(t)} (win rate ${((100 * t.wins) / o.games).toFixed(0)}%)\n`);
  }
  return 0;
}
