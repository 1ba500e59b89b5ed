/**
 * CartPole-v1 as gymnasium 1.3 has it (gymnasium/envs/classic_control/cartpole.py `CartPoleEnv`, registered
 * with max_episode_steps=500 and reward_threshold=475): Euler integration with tau 0.02 s, a push of ±10 N,
 * termination when |x| > 2.4 or |theta| > 12 degrees, reward 1 on every step, the terminal one included.
 * The initial state is uniform in [-0.05, 0.05]^4.
 */
import { ClassicEnv, uniform, type Random } from './env';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const X_THRESHOLD = 2.4;

export class CartPole extends ClassicEnv {
  readonly id = 'cartpole';
  readonly gymId = 'CartPole-v1';
  readonly observationShape = [4];
  readonly actionCount = 2;
  readonly maxEpisodeSteps = 500;
  protected override s = [0, 0, 0, 0];

  protected initialState(random: Random): number[] {
    return [0, 1, 2, 3].map(() => uniform(random, -0.05, 0.05));
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    let [x, xDot, theta, thetaDot] = this.s;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cos * cos)) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    // kinematics_integrator "euler" (the default): positions move with the old velocities.
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;
    this.s = [x, xDot, theta, thetaDot];
    const terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    return { reward: 1.0, terminated };
  }
}
