/**
 * The reinforcement-learning trainer (the Trainer contract of ../trainer.ts) on the TensorFlow.js engines:
 * the job's model learns from an environment (src/core/rl) instead of a dataset. Everything is checked before
 * the first episode (core's checkRlConfig: the environment, the agent, the model's input and output shapes, the
 * loss; then the optimizer); the episode loop (./episodes.ts) reports one event per episode.
 */
import { rng } from '../../core/initializers';
import { checkRlConfig, environmentId, makeEnvironment, rlConfigOf, type Env, type RlConfig } from '../../core/rl';
import type { EngineId } from '../../core/training';
import { UserError, type NamedTensor } from '../../core/types';
import type { TrainingControl } from '../control';
import type { ArrayData, DataDescription, FitResult, PreparedJob, Trainer, TrainerEvents, TrainingJob } from '../trainer';
import { buildTfModel, predictArray, readTfWeightsAsync } from '../tfjs/model';
import type { LayersModel, Tf } from '../tfjs/tf';
import { loadTrainableEngine } from '../tfjs/trainableEngine';
import { modelIOShapes } from '../tfjs/training/adapter';
import { lossId } from '../tfjs/training/losses';
import { getLearningRate, makeOptimizer, weightConstraints } from '../tfjs/training/optimizers';
import type { Agent } from './agent';
import { DqnAgent } from './dqn';
import { playEpisodes } from './episodes';
import { frameHook } from './frames';
import { ReinforceAgent } from './reinforce';

class RlJob implements PreparedJob {
  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    readonly engine: EngineId,
    readonly device: string,
    readonly data: DataDescription,
    private readonly job: TrainingJob,
    private readonly rl: RlConfig,
    private readonly env: Env,
  ) {}

  async fit(control: TrainingControl, events: TrainerEvents): Promise<FitResult> {
    const { tf, model, rl, job } = this;
    const seed = job.seed ?? rl.seed;
    const optimizer = makeOptimizer(tf, job.training.optimizer);
    optimizer.setConstraints(weightConstraints(model));
    const agent = await this.agent(optimizer, seed);
    try {
      // The environment's starts and the agent's choices draw from two streams of the one seed.
      const onStep = frameHook(this.env, control, events);
      return await playEpisodes({ tf, env: this.env, agent, rl, random: rng(seed), learningRate: () => getLearningRate(optimizer), onStep }, control, events);
    } finally {
      agent.dispose();
      optimizer.dispose();
    }
  }

  private async agent(optimizer: ReturnType<typeof makeOptimizer>, seed: number): Promise<Agent> {
    const { tf, model, rl, env, job } = this;
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
  const problems = checkRlConfig(rl, modelIOShapes(model), job.training.loss);
  if (problems.length) throw new UserError(problems.map((p) => p.message).join(' '), problems[0].hint, problems[0].code);
  return rl;
}

async function prepare(job: TrainingJob, events: TrainerEvents): Promise<PreparedJob> {
  const { tf, engine, device, skipped, model } = await loadTrainableEngine(job.engine, job.model, job.engineDirs);
  events.onEngine?.({ engine, device, skipped });
  try {
    const rl = checkedConfig(job, model);
    makeOptimizer(tf, job.training.optimizer).dispose();
    const env = makeEnvironment(environmentId(rl.environment)!);
    const data: DataDescription = {
      train: `${env.gymId} (gymnasium 1.3 dynamics), agent ${rl.agent}, up to ${rl.episodes} episodes`,
      samples: { train: 0 },
      info: { environment: env.gymId, agent: rl.agent, observation: [...env.observationShape], actions: env.actionCount },
    };
    events.onData?.(data);
    return new RlJob(tf, model, engine, device, data, job, rl, env);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export const rlTrainer: Trainer = { prepare };
