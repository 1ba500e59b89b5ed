/**
 * REINFORCE (Williams 1992) as keras.io's policy-gradient examples write it (examples/rl/actor_critic_cartpole.py,
 * its actor part): actions sampled from the policy's softmax, and after each episode one step on
 * −Σ_t log π(a_t | s_t) · G_t, where G_t are the discounted returns standardised over the episode
 * ((G − mean) / (std + eps), eps = float32's machine epsilon as the example uses). With `baseline: 'mean'` the
 * returns are centred on the running mean of every discounted return seen so far in the run (this episode's
 * included) instead of this episode's own mean, so an episode better than usual pushes its actions up as a whole.
 */
import type { Random, RlConfig } from '../../core/rl';
import type { LayersModel, Tensor, Tf } from '../tfjs/tf';
import type { TfOptimizer } from '../tfjs/training/optimizers';
import type { Agent } from './agent';
import { greedyAction } from './play';
import type { Transition } from './replay';

type Variable = import('@tensorflow/tfjs').Variable;
type Scalar = import('@tensorflow/tfjs').Scalar;

const FLOAT32_EPS = 1.1920928955078125e-7;

/** Discounted returns G_t = r_t + gamma · G_{t+1}. */
export function discountedReturns(rewards: readonly number[], gamma: number): number[] {
  const g = new Array<number>(rewards.length);
  let running = 0;
  for (let t = rewards.length - 1; t >= 0; t--) g[t] = running = rewards[t] + gamma * running;
  return g;
}

/** Returns standardised by the episode's std, centred on `baseline` (default: the episode's own mean). */
export function normalisedReturns(rewards: readonly number[], gamma: number, baseline?: number): number[] {
  const g = discountedReturns(rewards, gamma);
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  const std = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length);
  const centre = baseline ?? mean;
  return g.map((v) => (v - centre) / (std + FLOAT32_EPS));
}

export class ReinforceAgent implements Agent {
  private readonly vars: Variable[];
  private states: number[][] = [];
  private actions: number[] = [];
  private rewards: number[] = [];
  /** baseline 'mean': the sum and count of the discounted returns of the run so far. */
  private seen = { sum: 0, count: 0 };

  constructor(
    private readonly tf: Tf,
    private readonly policy: LayersModel,
    private readonly optimizer: TfOptimizer,
    private readonly actionCount: number,
    private readonly rl: RlConfig,
    private readonly random: Random,
  ) {
    this.vars = policy.trainableWeights.map((w) => w.read() as Variable);
  }

  private probabilities(observation: readonly number[]): Float32Array {
    const tf = this.tf;
    const p = tf.tidy(() => this.policy.apply(tf.tensor2d([observation as number[]])) as Tensor);
    const v = p.dataSync() as Float32Array;
    p.dispose();
    return v;
  }

  act(observation: readonly number[]): number {
    const p = this.probabilities(observation);
    let u = this.random() * p.reduce((a, b) => a + b, 0);
    for (let a = 0; a < this.actionCount; a++) {
      u -= p[a];
      if (u < 0) return a;
    }
    return this.actionCount - 1;
  }

  greedy(observation: readonly number[]): number {
    return greedyAction(this.tf, this.policy, observation);
  }

  observe(t: Transition): void {
    this.states.push([...t.state]);
    this.actions.push(t.action);
    this.rewards.push(t.reward);
  }

  async endEpisode(): Promise<Record<string, number>> {
    const tf = this.tf;
    const n = this.rewards.length;
    if (n === 0) return {};
    const returns = tf.tensor1d(normalisedReturns(this.rewards, this.rl.gamma, this.baseline()));
    const states = tf.tensor2d(this.states);
    const taken = tf.tidy(() => tf.oneHot(tf.tensor1d(this.actions, 'int32'), this.actionCount));
    const cost = this.optimizer.minimize(
      () => {
        const probs = this.policy.apply(states, { training: true }) as Tensor;
        const logp = tf.log(tf.maximum(tf.sum(tf.mul(probs, taken), -1), 1e-7));
        return tf.neg(tf.sum(tf.mul(logp, returns))) as Scalar;
      },
      true,
      this.vars,
    );
    const loss = (await cost.data())[0];
    tf.dispose([returns, states, taken, cost]);
    this.states = [];
    this.actions = [];
    this.rewards = [];
    return { loss };
  }

  /** The running mean return with baseline 'mean' (this episode's returns included); undefined with 'none'. */
  private baseline(): number | undefined {
    if (this.rl.baseline !== 'mean') return undefined;
    for (const g of discountedReturns(this.rewards, this.rl.gamma)) {
      this.seen.sum += g;
      this.seen.count += 1;
    }
    return this.seen.sum / this.seen.count;
  }

  dispose(): void {}
}
