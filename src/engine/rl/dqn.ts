/**
 * Deep Q-learning as keras.io's "Deep Q-Learning" example does it (examples/rl/deep_q_network_breakout.py):
 * epsilon-greedy actions, a replay memory sampled uniformly, the target r + gamma · max_a' Q_target(s', a')
 * (0 bootstrap after a terminal step), the loss between it and Q(s, a) of the action taken (mean squared error
 * or Huber, Keras' own losses), and a target network that copies the online one every `targetSyncSteps`
 * steps. Double DQN (van Hasselt et al. 2015) picks a' with the online network and values it with the target.
 * The optimizer is the training configuration's, with Keras' update rules (../tfjs/training/optimizers.ts).
 * The networks run through `apply`, not `predict`: at this size predict's checks cost more than the network.
 */
import type { Random, RlConfig } from '../../core/rl';
import type { LayersModel, Tensor, Tf } from '../tfjs/tf';
import { lossFn, type LossId, type LossOptions } from '../tfjs/training/losses';
import type { TfOptimizer } from '../tfjs/training/optimizers';
import type { Agent } from './agent';
import { greedyAction } from './play';
import { ReplayMemory, type Transition } from './replay';

type Variable = import('@tensorflow/tfjs').Variable;
type Scalar = import('@tensorflow/tfjs').Scalar;

export interface DqnParts {
  tf: Tf;
  online: LayersModel;
  /** A second build of the same architecture, or undefined when targetSyncSteps is 1 (the online network is its own target). */
  target: LayersModel | undefined;
  optimizer: TfOptimizer;
  loss: LossId;
  lossOptions?: LossOptions;
  actionCount: number;
  observationSize: number;
}

export class DqnAgent implements Agent {
  private readonly memory: ReplayMemory;
  private readonly vars: Variable[];
  private steps = 0;
  private lossSum: Tensor | undefined;
  private lossCount = 0;

  constructor(
    private readonly p: DqnParts,
    private readonly rl: RlConfig,
    private readonly random: Random,
  ) {
    this.memory = new ReplayMemory(rl.memorySize, p.observationSize);
    this.vars = p.online.trainableWeights.map((w) => w.read() as Variable);
    this.syncTarget();
  }

  epsilon(episode: number): number {
    return Math.max(this.rl.epsilonEnd, this.rl.epsilonStart * this.rl.epsilonDecay ** episode);
  }

  act(observation: readonly number[], episode: number): number {
    if (this.random() < this.epsilon(episode)) return Math.floor(this.random() * this.p.actionCount);
    return this.greedy(observation);
  }

  greedy(observation: readonly number[]): number {
    return greedyAction(this.p.tf, this.p.online, observation);
  }

  observe(t: Transition): void {
    this.memory.add(t);
    this.steps += 1;
    if (this.steps >= this.rl.warmupSteps && this.memory.size >= Math.min(this.rl.batchSize, this.rl.memorySize)) this.trainStep();
    if (this.steps % this.rl.targetSyncSteps === 0) this.syncTarget();
  }

  async endEpisode(episode: number): Promise<Record<string, number>> {
    const out: Record<string, number> = { epsilon: this.epsilon(episode) };
    if (this.lossSum) {
      out.loss = (await this.lossSum.data())[0] / this.lossCount;
      this.lossSum.dispose();
      this.lossSum = undefined;
      this.lossCount = 0;
    }
    return out;
  }

  private syncTarget(): void {
    if (this.p.target) this.p.target.setWeights(this.p.online.getWeights());
  }

  /** One optimizer step on a sampled batch; its loss is summed on the device and read once per episode. */
  private trainStep(): void {
    const { tf, online, optimizer, actionCount } = this.p;
    const target = this.p.target ?? online;
    const b = this.memory.sample(this.rl.batchSize, this.random);
    const w = this.p.observationSize;
    const states = tf.tensor2d(b.states, [b.size, w]);
    const actions = tf.tidy(() => tf.oneHot(tf.tensor1d(b.actions, 'int32'), actionCount));
    const y = tf.tidy(() => {
      const nexts = tf.tensor2d(b.nexts, [b.size, w]);
      const qNext = target.apply(nexts) as Tensor;
      const best =
        this.rl.agent === 'double-dqn'
          ? tf.sum(tf.mul(qNext, tf.oneHot(tf.argMax(online.apply(nexts) as Tensor, -1), actionCount)), -1)
          : tf.max(qNext, -1);
      return tf.expandDims(tf.add(tf.tensor1d(b.rewards), tf.mul(tf.mul(tf.tensor1d(b.notDone), this.rl.gamma), best)), -1);
    });
    const loss = lossFn(tf, this.p.loss, this.p.lossOptions);
    const cost = optimizer.minimize(
      () => {
        const q = online.apply(states, { training: true }) as Tensor;
        const qa = tf.sum(tf.mul(q, actions), -1, true);
        return tf.mean(loss(y, qa)) as Scalar;
      },
      true,
      this.vars,
    );
    const sum = this.lossSum ? tf.add(this.lossSum, cost) : tf.clone(cost);
    tf.dispose([states, actions, y, cost, ...(this.lossSum ? [this.lossSum] : [])]);
    this.lossSum = sum;
    this.lossCount += 1;
  }

  dispose(): void {
    this.lossSum?.dispose();
    this.p.target?.dispose();
  }
}
