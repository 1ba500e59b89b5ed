/**
 * MountainCar-v0 as gymnasium 1.3 has it (gymnasium/envs/classic_control/mountain_car.py `MountainCarEnv`,
 * max_episode_steps=200): velocity += (action − 1)·0.001 − 0.0025·cos(3·position), clipped to ±0.07, position
 * clipped to [−1.2, 0.6] (velocity reset to 0 at the left wall), done at position ≥ 0.5, reward −1 per step.
 * The initial position is uniform in [−0.6, −0.4], velocity 0.
 */
import { ClassicEnv, uniform, type Random } from './env';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const GOAL_VELOCITY = 0;
const FORCE = 0.001;
const GRAVITY = 0.0025;

const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

export class MountainCar extends ClassicEnv {
  readonly id = 'mountaincar';
  readonly gymId = 'MountainCar-v0';
  readonly observationShape = [2];
  readonly actionCount = 3;
  readonly maxEpisodeSteps = 200;
  protected override s = [0, 0];

  protected initialState(random: Random): number[] {
    return [uniform(random, -0.6, -0.4), 0];
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    let [position, velocity] = this.s;
    velocity += (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
    position += velocity;
    position = clip(position, MIN_POSITION, MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    this.s = [position, velocity];
    return { reward: -1.0, terminated: position >= GOAL_POSITION && velocity >= GOAL_VELOCITY };
  }
}
