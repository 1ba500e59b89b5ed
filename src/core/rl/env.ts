/**
 * The environment contract of reinforcement learning, as gymnasium 1.x defines it (gymnasium/core.py `Env`):
 * `reset` gives the first observation, `step(action)` the next observation, the reward, `terminated` (the
 * task's own end) and `truncated` (the time limit of gymnasium's TimeLimit wrapper, registered per
 * environment in gymnasium/envs/__init__.py as max_episode_steps). Observations are float32 values (gymnasium
 * returns np.float32 arrays), the physics runs in float64 as gymnasium's does. Pure TypeScript: the editor, the
 * CLI and the trainer share it.
 */

export interface StepResult {
  observation: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** A uniform random source on [0, 1) (core/initializers `rng`). */
export type Random = () => number;

export interface Env {
  /** Our id (`cartpole`) and gymnasium's (`CartPole-v1`). */
  readonly id: string;
  readonly gymId: string;
  /** The observation's shape (a Box space) and the number of discrete actions (a Discrete space). */
  readonly observationShape: readonly number[];
  readonly actionCount: number;
  /** The TimeLimit: a step that reaches it is truncated. */
  readonly maxEpisodeSteps: number;
  /**
   * A new episode from a random initial state, drawn from the same ranges as gymnasium's reset but with our
   * seeded PRNG (core/initializers `rng`), not numpy's PCG64: a seed fixes a run, it does not reproduce
   * gymnasium's numbers (the parity test copies gymnasium's initial state with `resetTo`).
   */
  reset(random: Random): number[];
  /** A new episode from a given internal state (parity with gymnasium: its `env.unwrapped.state`). */
  resetTo(state: readonly number[]): number[];
  step(action: number): StepResult;
  /** Sets the internal state mid-episode (the time limit's step count stays), for tests that re-synchronise. */
  setState(state: readonly number[]): void;
  /** The internal state, float64, as gymnasium's `env.unwrapped.state`. */
  state(): number[];
}

/** np.float32 of each value. */
export const float32 = (xs: readonly number[]): number[] => xs.map((x) => Math.fround(x));

/** numpy's `uniform(low, high)`: low + (high - low) * u. */
export const uniform = (random: Random, low: number, high: number): number => low + (high - low) * random();

/**
 * The part every classic-control environment shares: the step counter of gymnasium's TimeLimit wrapper
 * (gymnasium/wrappers/common.py: `truncated = elapsed_steps >= max_episode_steps`, even on a terminal step)
 * and the check that an action is one of the Discrete space's.
 */
export abstract class ClassicEnv implements Env {
  abstract readonly id: string;
  abstract readonly gymId: string;
  abstract readonly observationShape: readonly number[];
  abstract readonly actionCount: number;
  abstract readonly maxEpisodeSteps: number;
  private elapsed = 0;
  protected started = false;
  /** The physical state gymnasium keeps in `self.state` (float64); each environment sets its size. */
  protected abstract s: number[];

  protected abstract initialState(random: Random): number[];
  protected abstract advance(action: number): { reward: number; terminated: boolean };

  setState(state: readonly number[]): void {
    this.s = [...state];
  }

  state(): number[] {
    return [...this.s];
  }

  /** The observation: the state as float32 (Acrobot observes cos/sin of its angles instead). */
  protected observe(): number[] {
    return float32(this.s);
  }

  reset(random: Random): number[] {
    return this.resetTo(this.initialState(random));
  }

  resetTo(state: readonly number[]): number[] {
    this.setState(state);
    this.elapsed = 0;
    this.started = true;
    return this.observe();
  }

  step(action: number): StepResult {
    if (!this.started) throw new Error(`${this.gymId}: call reset before step.`);
    if (!Number.isInteger(action) || action < 0 || action >= this.actionCount) {
      throw new Error(`${this.gymId}: action ${action} is not one of 0..${this.actionCount - 1}.`);
    }
    const { reward, terminated } = this.advance(action);
    this.elapsed += 1;
    return { observation: this.observe(), reward, terminated, truncated: this.elapsed >= this.maxEpisodeSteps };
  }
}
