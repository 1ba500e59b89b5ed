/**
 * The reinforcement-learning trainer (the Trainer contract of ../trainer.ts) on the TensorFlow.js engines:
 * the job's model learns from an environment (src/core/rl) instead of a dataset. Everything is checked before
 * the first episode (core's checkRlConfig: the environment, the agent, the model's input and output shapes, the
 * loss; then the optimizer); the episode loop (./episodes.ts) reports one event per episode, self-play on a
 * board game (./zero.ts) one per iteration.
 */
import { rng } from '../../core/initializers';
import { boardGameOf, checkRlConfig, DQN_LOSSES, environmentId, isBoardGame, makeEnvironment, rlConfigOf, type BoardGame, type Env, type RlConfig } from '../../core/rl';
import { outputHeads, type EngineId, type TrainingConfig } from '../../core/training';
import { UserError, type NamedTensor } from '../../core/types';
import type { TrainingControl } from '../control';
import type { ArrayData, DataDescription, FitResult, PreparedJob, Trainer, TrainerEvents, TrainingJob } from '../trainer';
import { buildTfModel, predictArray, readTfWeightsAsync } from '../tfjs/model';
import type { LayersModel, Tf } from '../tfjs/tf';
import { loadTrainableEngine } from '../tfjs/trainableEngine';
import { modelIOShapes } from '../tfjs/training/adapter';
import { ioNames } from '../tfjs/training/targets';
import { lossId } from '../tfjs/training/losses';
import { getLearningRate, makeOptimizer, weightConstraints } from '../tfjs/training/optimizers';
import type { Agent } from './agent';
import { DqnAgent } from './dqn';
import { playEpisodes } from './episodes';
import { zeroHeads } from './networkEvaluator';
import { boardFrameHook, frameHook } from './frames';
import { ReinforceAgent } from './reinforce';
import { playSelfPlay, type ZeroLoop } from './zero';

class RlJob implements PreparedJob {
  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    readonly engine: EngineId,
    readonly device: string,
    readonly data: DataDescription,
    private readonly job: TrainingJob,
    private readonly rl: RlConfig,
    private readonly env: Env | BoardGame,
  ) {}

  async fit(control: TrainingControl, events: TrainerEvents): Promise<FitResult> {
    const { tf, model, rl, job } = this;
    const seed = job.seed ?? rl.seed;
    const optimizer = makeOptimizer(tf, job.training.optimizer);
    optimizer.setConstraints(weightConstraints(model));
    if (!('reset' in this.env)) {
      try {
        const heads = zeroLossHeads(job.training, model, this.env);
        const onBoard = boardFrameHook(this.env, control, events);
        const loop: ZeroLoop = { tf, model, game: this.env, rl, optimizer, heads, random: rng(seed + 1), evalRandom: rng(seed + 2), learningRate: () => getLearningRate(optimizer), onBoard };
        return await playSelfPlay(loop, control, events);
      } finally {
        optimizer.dispose();
      }
    }
    const agent = await this.agent(optimizer, seed, this.env);
    try {
      // The environment's starts and the agent's choices draw from two streams of the one seed.
      const onStep = frameHook(this.env, control, events);
      return await playEpisodes({ tf, env: this.env as Env, agent, rl, random: rng(seed), learningRate: () => getLearningRate(optimizer), onStep }, control, events);
    } finally {
      agent.dispose();
      optimizer.dispose();
    }
  }

  private async agent(optimizer: ReturnType<typeof makeOptimizer>, seed: number, env: Env): Promise<Agent> {
    const { tf, model, rl, job } = this;
    const random = rng(seed + 1);
    if (rl.agent === 'reinforce') return new ReinforceAgent(tf, model, optimizer, env.actionCount, rl, random);
    const target = rl.targetSyncSteps > 1 ? await buildTfModel(tf, job.model) : undefined;
    if (target) target.trainable = false;
    const loss = lossId(job.training.loss);
    const parts = { tf, online: model, target, optimizer, loss, lossOptions: job.lossOptions ?? job.training.lossOptions };
    return new DqnAgent({ ...parts, actionCount: env.actionCount, observationSize: env.observationShape[0] }, rl, random);
  }

  async evaluate(): Promise<Record<string, number> | undefined> {
    return undefined;
  }

  predict(x: ArrayData): Promise<ArrayData> {
    return predictArray(this.tf, this.model, x);
  }

  weights(): Promise<NamedTensor[]> {
    return readTfWeightsAsync(this.model);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The run's RL configuration, checked against the model; the first problem is the error, all are in its message. */
function checkedConfig(job: TrainingJob, model: LayersModel): RlConfig {
  const rl = rlConfigOf(job.training);
  if (!rl) throw new UserError('This training configuration has no reinforcement-learning part.', 'Set an environment and an agent (CLI: --env cartpole --agent dqn).', 'no-rl');
  const id = environmentId(String(rl.environment ?? ''));
  // Self-play's network has two outputs, which modelIOShapes refuses: its shapes are checked here and by zeroHeads.
  const zero = rl.agent === 'alphazero' || (id !== undefined && isBoardGame(id));
  const shapes = zero ? { input: model.inputs[0].shape.slice(1), output: model.outputs[0].shape.slice(1) } : modelIOShapes(model);
  const problems = checkRlConfig(rl, shapes, job.training.loss);
  if (problems.length) throw new UserError(problems.map((p) => p.message).join(' '), problems[0].hint, problems[0].code);
  if (zero) {
    if (model.inputs.length !== 1) throw new UserError(`Self-play feeds one input, the board; this model has ${model.inputs.length}.`, 'Keep one Input layer of shape [rows, columns, 2].', 'rl-input-shape');
    zeroLossHeads(job.training, model, boardGameOf(id as Parameters<typeof boardGameOf>[0]));
  }
  return rl;
}

/**
 * Each head's loss from the training configuration (its `outputs` entry by the output layer's name, else the
 * top-level loss): the policy learns a visit distribution (categorical_crossentropy), the value a result in
 * [-1, 1] (mean_squared_error or huber).
 */
function zeroLossHeads(training: TrainingConfig, model: LayersModel, game: BoardGame): ZeroLoop['heads'] {
  const { policy, value } = zeroHeads(model, game.actionCount);
  const heads = outputHeads(training, ioNames(model).outputs);
  const p = heads[policy];
  const v = heads[value];
  if (p.loss !== 'categorical_crossentropy') {
    throw new UserError(`The policy output ${p.name} learns the search's move distribution with categorical_crossentropy, not ${p.loss}.`, `Set the loss of output ${p.name} to categorical_crossentropy.`, 'rl-loss');
  }
  if (!(DQN_LOSSES as readonly string[]).includes(v.loss)) {
    throw new UserError(`The value output ${v.name} learns the game's result with mean_squared_error or huber, not ${v.loss}.`, `Set the loss of output ${v.name} to mean_squared_error.`, 'rl-loss');
  }
  return { policy: p, value: v };
}

async function prepare(job: TrainingJob, events: TrainerEvents): Promise<PreparedJob> {
  const { tf, engine, device, skipped, model } = await loadTrainableEngine(job.engine, job.model, job.engineDirs);
  events.onEngine?.({ engine, device, skipped });
  try {
    const rl = checkedConfig(job, model);
    makeOptimizer(tf, job.training.optimizer).dispose();
    const id = environmentId(rl.environment)!;
    const env = isBoardGame(id) ? boardGameOf(id) : makeEnvironment(id);
    const data: DataDescription =
      'reset' in env
        ? {
            train: `${env.gymId} (gymnasium 1.3 dynamics), agent ${rl.agent}, up to ${rl.episodes} episodes`,
            samples: { train: 0 },
            info: { environment: env.gymId, agent: rl.agent, observation: [...env.observationShape], actions: env.actionCount },
          }
        : {
            train: `${env.id} self-play, agent alphazero, ${rl.episodes} iterations of ${rl.gamesPerIteration} games, ${rl.simulations} simulations per move`,
            samples: { train: 0 },
            info: { environment: env.id, agent: rl.agent, observation: [env.rows, env.cols, 2], actions: env.actionCount },
          };
    events.onData?.(data);
    return new RlJob(tf, model, engine, device, data, job, rl, env);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export const rlTrainer: Trainer = { prepare };
