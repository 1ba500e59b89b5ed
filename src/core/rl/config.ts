/**
 * The reinforcement-learning part of a training configuration (`TrainingConfig.rl`, saved with the model in
 * `userDefinedMetadata.modelStudio.training.rl` like the rest of it): which environment, which agent, and the
 * agent's hyper-parameters. The optimizer, its learning rate and the loss are the training configuration's own
 * (`optimizer`, `loss`: mean_squared_error or huber for a DQN), so Keras' optimizers apply unchanged.
 *
 * Defaults are the Keras-style CartPole DQN tutorial's (the 4-24-24-2 Q-network: gamma 0.95, epsilon 1.0 decaying
 * by 0.995 to 0.01, a replay memory of 2000, batch 32) with the target network of keras.io's "Deep Q-Learning"
 * example (synced every N steps); REINFORCE follows keras.io's policy-gradient examples (gamma 0.99,
 * returns standardised per episode, an optional running-mean baseline). AlphaZero's self-play (Silver et al. 2018)
 * plays the board games; its defaults are scaled down for small boards (tens of simulations, not 800).
 */
import { boardGameOf, ENVIRONMENT_IDS, environmentId, isBoardGame, makeEnvironment, type BoardGameId } from './environments';

export const RL_AGENTS = ['dqn', 'double-dqn', 'reinforce', 'alphazero'] as const;
export type RlAgent = (typeof RL_AGENTS)[number];

/** REINFORCE's baseline: none, or `mean`, the running mean of the returns seen so far, subtracted before standardising. */
export const REINFORCE_BASELINES = ['none', 'mean'] as const;
export type ReinforceBaseline = (typeof REINFORCE_BASELINES)[number];

/** The losses a DQN may use, by Keras name. */
export const DQN_LOSSES = ['mean_squared_error', 'huber'] as const;

export interface RlConfig {
  /** An environment id (`cartpole`) or gymnasium's (`CartPole-v1`). */
  environment: string;
  agent: RlAgent;
  /** The most episodes a run plays (alphazero: self-play iterations). */
  episodes: number;
  /** Discount of future rewards. */
  gamma: number;
  /** DQN: epsilon-greedy exploration, epsilon = max(end, start · decay^episode). */
  epsilonStart: number;
  epsilonEnd: number;
  epsilonDecay: number;
  /** DQN: transitions kept in the replay memory (oldest dropped first). */
  memorySize: number;
  /** DQN: transitions per training step, sampled from the memory; alphazero: positions per training step. */
  batchSize: number;
  /** DQN: steps between copies of the online network into the target network (1 = no separate target). */
  targetSyncSteps: number;
  /** DQN: steps taken before the first training step (the memory fills with at least one batch). */
  warmupSteps: number;
  /** The run ends once the average return of the last 100 episodes reaches this (null: play every episode). */
  stopAtAverage: number | null;
  /** The seed of the environment's and the agent's randomness (the CLI's --seed overrides it). */
  seed: number;
  /** REINFORCE: the baseline subtracted from the returns. */
  baseline: ReinforceBaseline;
  /** alphazero: MCTS simulations per move. */
  simulations: number;
  /** alphazero: PUCT's exploration constant c_puct. */
  cPuct: number;
  /** alphazero: Dirichlet noise at the root in self-play, P = (1 − epsilon)·P + epsilon·Dir(alpha). */
  dirichletAlpha: number;
  dirichletEpsilon: number;
  /** alphazero: plies of each self-play game played at temperature 1 (then the most visited move). */
  temperatureMoves: number;
  /** alphazero: self-play games per iteration. */
  gamesPerIteration: number;
  /** alphazero: passes over the replay window per iteration, in batches of batchSize. */
  trainingEpochs: number;
  /** alphazero: the most recent positions trained on (symmetries included); older ones are dropped. */
  replayPositions: number;
  /** alphazero: games per iteration against a random player (both colours) for win_rate, draw_rate, loss_rate. */
  evaluationGames: number;
}

export function defaultRlConfig(over: Partial<RlConfig> = {}): RlConfig {
  return {
    environment: 'cartpole',
    agent: 'dqn',
    episodes: 500,
    gamma: 0.95,
    epsilonStart: 1.0,
    epsilonEnd: 0.01,
    epsilonDecay: 0.995,
    memorySize: 2000,
    batchSize: 32,
    targetSyncSteps: 1000,
    warmupSteps: 32,
    stopAtAverage: null,
    seed: 0,
    baseline: 'none',
    simulations: 50,
    cPuct: 1.5,
    dirichletAlpha: 1.0,
    dirichletEpsilon: 0.25,
    temperatureMoves: 4,
    gamesPerIteration: 32,
    trainingEpochs: 2,
    replayPositions: 20000,
    evaluationGames: 10,
    ...over,
  };
}

/** A problem with an RL run, found before it starts: what is wrong, and what to do. */
export interface RlProblem {
  message: string;
  hint: string;
  code: 'unknown-environment' | 'unknown-agent' | 'bad-rl-setting' | 'rl-input-shape' | 'rl-output-shape' | 'rl-loss' | 'rl-agent-environment';
}

type Shape = readonly (number | null)[];

const RANGES: [keyof RlConfig, (v: number) => boolean, string][] = [
  ['episodes', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['gamma', (v) => v >= 0 && v <= 1, 'in [0, 1]'],
  ['epsilonStart', (v) => v >= 0 && v <= 1, 'in [0, 1]'],
  ['epsilonEnd', (v) => v >= 0 && v <= 1, 'in [0, 1]'],
  ['epsilonDecay', (v) => v > 0 && v <= 1, 'in (0, 1]'],
  ['memorySize', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['batchSize', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['targetSyncSteps', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['warmupSteps', (v) => Number.isInteger(v) && v >= 0, 'a whole number, at least 0'],
  ['seed', (v) => Number.isInteger(v), 'a whole number'],
  ['simulations', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['cPuct', (v) => v > 0, 'above 0'],
  ['dirichletAlpha', (v) => v > 0, 'above 0'],
  ['dirichletEpsilon', (v) => v >= 0 && v <= 1, 'in [0, 1]'],
  ['temperatureMoves', (v) => Number.isInteger(v) && v >= 0, 'a whole number, at least 0'],
  ['gamesPerIteration', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['trainingEpochs', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['replayPositions', (v) => Number.isInteger(v) && v >= 1, 'a whole number, at least 1'],
  ['evaluationGames', (v) => Number.isInteger(v) && v >= 0, 'a whole number, at least 0'],
];

/**
 * Checks an RL configuration against the model that will learn it (its input and output shapes without the
 * batch axis) and the training loss. Empty when the run can start. Shared by the trainer and the CLI.
 */
export function checkRlConfig(rl: RlConfig, model: { input: Shape; output: Shape }, loss: string): RlProblem[] {
  const problems: RlProblem[] = [];
  const envId = environmentId(String(rl.environment ?? ''));
  if (!envId) {
    problems.push({ message: `Unknown environment "${rl.environment}".`, hint: `Use one of: ${ENVIRONMENT_IDS.join(', ')} (or gymnasium's CartPole-v1, MountainCar-v0, Acrobot-v1).`, code: 'unknown-environment' });
  }
  if (!RL_AGENTS.includes(rl.agent)) problems.push({ message: `Unknown agent "${rl.agent}".`, hint: `Use one of: ${RL_AGENTS.join(', ')}.`, code: 'unknown-agent' });
  for (const [key, ok, what] of RANGES) {
    const v = rl[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) problems.push({ message: `RL setting ${key} is ${JSON.stringify(v)}; it must be ${what}.`, hint: `Set ${key} to ${what}.`, code: 'bad-rl-setting' });
  }
  if (rl.stopAtAverage !== null && (typeof rl.stopAtAverage !== 'number' || !Number.isFinite(rl.stopAtAverage))) {
    problems.push({ message: `RL setting stopAtAverage is ${JSON.stringify(rl.stopAtAverage)}; it must be a number or null.`, hint: 'Set it to the target average return, or null.', code: 'bad-rl-setting' });
  }
  if (!REINFORCE_BASELINES.includes(rl.baseline)) {
    problems.push({ message: `RL setting baseline is ${JSON.stringify(rl.baseline)}.`, hint: `Use one of: ${REINFORCE_BASELINES.join(', ')}.`, code: 'bad-rl-setting' });
  }
  if (!envId) return problems;
  if (isBoardGame(envId)) return [...problems, ...checkBoardGame(rl, envId, model.input)];
  if (rl.agent === 'alphazero') {
    problems.push({ message: `alphazero plays board games by self-play, not ${rl.environment}.`, hint: 'Use the environment tictactoe or connect4, or the agent dqn, double-dqn or reinforce.', code: 'rl-agent-environment' });
    return problems;
  }
  const env = makeEnvironment(envId);
  const obs = env.observationShape;
  if (!sameShape(model.input, obs)) {
    problems.push({
      message: `The model's input shape (${shapeText(model.input)}) differs from ${env.gymId}'s observation (${shapeText(obs)}).`,
      hint: `Make the Input layer's shape [${obs.join(', ')}].`,
      code: 'rl-input-shape',
    });
  }
  const units = model.output.length === 1 ? model.output[0] : undefined;
  if (units !== env.actionCount) {
    const role = rl.agent === 'reinforce' ? 'one probability per action (softmax)' : 'one Q-value per action';
    problems.push({
      message: `The model's output shape (${shapeText(model.output)}) does not fit ${env.gymId}'s ${env.actionCount} actions: ${rl.agent} needs ${role}.`,
      hint: `Make the last Dense layer ${env.actionCount} units${rl.agent === 'reinforce' ? ' with softmax activation' : ' with linear activation'}.`,
      code: 'rl-output-shape',
    });
  }
  if (rl.agent !== 'reinforce' && !(DQN_LOSSES as readonly string[]).includes(loss)) {
    problems.push({ message: `A DQN learns with mean_squared_error or huber, not ${loss}.`, hint: 'Set the loss to mean_squared_error or huber.', code: 'rl-loss' });
  }
  return problems;
}

/** A board game takes the alphazero agent and a [rows, cols, 2] input (core/rl/selfPlay.ts encodePosition); the two heads are the engine's check (zeroHeads). */
function checkBoardGame(rl: RlConfig, id: BoardGameId, input: Shape): RlProblem[] {
  const game = boardGameOf(id);
  const problems: RlProblem[] = [];
  if (rl.agent !== 'alphazero' && RL_AGENTS.includes(rl.agent)) {
    problems.push({ message: `${id} is a two-player board game; ${rl.agent} learns a single-player environment.`, hint: 'Use the agent alphazero (self-play).', code: 'rl-agent-environment' });
  }
  const want = [game.rows, game.cols, 2];
  if (!sameShape(input, want)) {
    problems.push({
      message: `The model's input shape (${shapeText(input)}) differs from ${id}'s position encoding (${shapeText(want)}: rows, columns, and the mover's and the opponent's stones).`,
      hint: `Make the Input layer's shape [${want.join(', ')}].`,
      code: 'rl-input-shape',
    });
  }
  return problems;
}

const sameShape = (s: Shape, want: readonly number[]): boolean => s.length === want.length && s.every((d, i) => d === null || d === want[i]);

const shapeText = (s: Shape): string => `[${s.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

/** The RL part of a training configuration with defaults for what a saved one leaves out; undefined when it has none. */
export function rlConfigOf(t: { rl?: Partial<RlConfig> }): RlConfig | undefined {
  return t.rl ? defaultRlConfig(t.rl) : undefined;
}
