/**
 * The RL part of the training form (`TrainingConfig.rl`): its draft (numbers as typed), the config it stands
 * for, and its problems under the right field, found by core's own checks (checkRlConfig), so the form
 * accepts what the trainer accepts. Fields a saved configuration has that the form does not edit (another
 * agent's settings) are kept as read.
 */
import { checkRlConfig, defaultRlConfig, ENVIRONMENT_IDS, environmentId, isBoardGame, makeEnvironment, type EnvironmentId, type RlAgent, type RlConfig } from '../../src/core/rl';
import type { ConfigErrors, ModelShapes } from '../../src/core/training';
import type { JsonObject } from '../../src/core/types';

const DQNS = ['dqn', 'double-dqn'] as const;
const EPISODIC = [...DQNS, 'reinforce'] as const;
const ZERO = ['alphazero'] as const;

/** The numeric settings, in the form's order; which agents show each. */
export const RL_NUMBER_FIELDS = [
  { key: 'episodes', label: 'episodes', help: 'The most episodes the run plays (self-play: iterations of games, then training)', agents: 'all' },
  { key: 'gamma', label: 'gamma', help: 'Discount of future rewards, 0 ≤ gamma ≤ 1', agents: EPISODIC },
  { key: 'epsilonStart', label: 'epsilon start', help: 'Exploration at the first episode: the chance of a random action', agents: DQNS },
  { key: 'epsilonEnd', label: 'epsilon end', help: 'The least exploration', agents: DQNS },
  { key: 'epsilonDecay', label: 'epsilon decay', help: 'epsilon = max(end, start · decay^episode)', agents: DQNS },
  { key: 'memorySize', label: 'replay memory', help: 'Transitions kept; the oldest go first', agents: DQNS },
  { key: 'batchSize', label: 'batch size', help: 'Transitions (self-play: positions) per training step', agents: [...DQNS, ...ZERO] },
  { key: 'targetSyncSteps', label: 'target sync steps', help: 'Steps between copies into the target network (1: no target network)', agents: DQNS },
  { key: 'warmupSteps', label: 'warm-up steps', help: 'Steps played before the first training step', agents: DQNS },
  { key: 'simulations', label: 'simulations', help: 'MCTS simulations per move', agents: ZERO },
  { key: 'cPuct', label: 'c_puct', help: "The search's exploration constant", agents: ZERO },
  { key: 'dirichletAlpha', label: 'Dirichlet alpha', help: "Root noise's concentration (self-play only)", agents: ZERO },
  { key: 'dirichletEpsilon', label: 'Dirichlet epsilon', help: "Root noise's share of the priors, 0 to 1", agents: ZERO },
  { key: 'temperatureMoves', label: 'temperature moves', help: 'Moves drawn from the visit counts before the best is always played', agents: ZERO },
  { key: 'gamesPerIteration', label: 'games per iteration', help: 'Self-play games before each training', agents: ZERO },
  { key: 'trainingEpochs', label: 'training epochs', help: 'Passes over the kept positions per iteration', agents: ZERO },
  { key: 'replayPositions', label: 'positions kept', help: 'The newest self-play positions trained on', agents: ZERO },
  { key: 'evaluationGames', label: 'evaluation games', help: 'Games against a random player per iteration (the win/draw/loss chart)', agents: ZERO },
  { key: 'seed', label: 'seed', help: "The environment's and the agent's randomness", agents: 'all' },
] as const satisfies readonly { key: keyof RlConfig; label: string; help: string; agents: 'all' | readonly RlAgent[] }[];

type NumberKey = (typeof RL_NUMBER_FIELDS)[number]['key'];

export interface RlDraft {
  on: boolean;
  environment: string;
  agent: string;
  numbers: Record<NumberKey, string>;
  /** '' for none: every episode is played. */
  stopAtAverage: string;
  /** What the form does not edit, kept as read. */
  keep: JsonObject;
}

/** Does the field show for this agent? */
export const rlFieldShown = (agents: 'all' | readonly string[], agent: string): boolean => agents === 'all' || agents.includes(agent);

export function rlDraftFrom(rl: Partial<RlConfig> | undefined): RlDraft {
  const full = defaultRlConfig(rl ?? {});
  const edited = new Set<string>(['environment', 'agent', 'stopAtAverage', ...RL_NUMBER_FIELDS.map((f) => f.key)]);
  const keep = Object.fromEntries(Object.entries(rl ?? {}).filter(([k]) => !edited.has(k))) as JsonObject;
  const numbers = Object.fromEntries(RL_NUMBER_FIELDS.map((f) => [f.key, String(full[f.key])])) as Record<NumberKey, string>;
  return { on: rl !== undefined, environment: String(full.environment), agent: String(full.agent), numbers, stopAtAverage: full.stopAtAverage === null ? '' : String(full.stopAtAverage), keep };
}

/** The environment whose observation and actions a one-input, one-output model fits (offered to turn RL on). */
export function fittingEnvironment(shapes: ModelShapes | undefined): EnvironmentId | undefined {
  if (!shapes) return undefined;
  const model = { input: shapes.input.slice(1), output: shapes.output.slice(1) };
  return ENVIRONMENT_IDS.find((id) => checkRlConfig(defaultRlConfig({ environment: id, agent: 'reinforce' }), model, 'huber').length === 0);
}

type Num = (text: string, key: string, errors: ConfigErrors) => number;

/**
 * The RL configuration of a draft, or undefined when RL is off; problems go into `errors` by field (`rl.gamma`,
 * `rl.environment` for a model that does not fit the environment, `loss` for a DQN's loss).
 */
export function rlFrom(d: RlDraft, shapes: ModelShapes | undefined, loss: string, errors: ConfigErrors, num: Num): RlConfig | undefined {
  if (!d.on) return undefined;
  const rl = { ...(d.keep as object), environment: d.environment, agent: d.agent as RlAgent, stopAtAverage: null } as RlConfig;
  for (const f of RL_NUMBER_FIELDS) (rl[f.key] as number) = num(d.numbers[f.key], `rl.${f.key}`, errors);
  if (d.stopAtAverage.trim() !== '') rl.stopAtAverage = num(d.stopAtAverage, 'rl.stopAtAverage', errors);
  const envId = environmentId(d.environment);
  // Without the model's shapes (several outputs) the shapes are not checked here; the trainer checks them.
  const env = envId && !isBoardGame(envId) ? makeEnvironment(envId) : undefined;
  const model = shapes ? { input: shapes.input.slice(1), output: shapes.output.slice(1) } : { input: env?.observationShape ?? [], output: [env?.actionCount ?? 0] };
  const note = (key: string, p: { message: string; hint: string }) => (errors[key] ??= `${p.message} ${p.hint}`);
  for (const p of checkRlConfig(rl, model, loss)) {
    if (p.code === 'unknown-environment' || p.code === 'rl-input-shape' || p.code === 'rl-output-shape') note('rl.environment', p);
    else if (p.code === 'unknown-agent') note('rl.agent', p);
    else if (p.code === 'rl-loss') note('loss', p);
  }
  // A bad setting is found by checking it alone against defaults that pass (core's ranges decide).
  const base = defaultRlConfig({ environment: ENVIRONMENT_IDS[0], agent: 'reinforce' });
  const baseModel = { input: [...makeEnvironment(ENVIRONMENT_IDS[0]).observationShape], output: [makeEnvironment(ENVIRONMENT_IDS[0]).actionCount] };
  for (const key of [...RL_NUMBER_FIELDS.map((f) => f.key), 'stopAtAverage'] as const) {
    if (errors[`rl.${key}`]) continue;
    const alone = checkRlConfig({ ...base, [key]: rl[key] }, baseModel, 'huber').find((p) => p.code === 'bad-rl-setting');
    if (alone) note(`rl.${key}`, alone);
  }
  return rl;
}
