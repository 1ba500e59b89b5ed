/**
 * Acrobot-v1 as gymnasium 1.3 has it (gymnasium/envs/classic_control/acrobot.py `AcrobotEnv`,
 * max_episode_steps=500): the "book" dynamics of Sutton & Barto, one 4th-order Runge-Kutta step of dt 0.2 s
 * (its `rk4` over t = [0, dt]), angles wrapped to [−π, π], velocities bounded by 4π and 9π, torque −1/0/+1,
 * reward −1 per step and 0 on the terminal one (the tip above the bar: −cos θ1 − cos(θ1 + θ2) > 1).
 * The observation is [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]; the initial state is uniform in [−0.1, 0.1]^4,
 * cast to float32 as gymnasium does.
 */
import { ClassicEnv, float32, uniform, type Random } from './env';

const DT = 0.2;
const L1 = 1.0; // LINK_LENGTH_1
const M1 = 1.0;
const M2 = 1.0;
const LC1 = 0.5;
const LC2 = 0.5;
const I1 = 1.0; // LINK_MOI
const I2 = 1.0;
const G = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0];

/** acrobot.py `wrap`: x moved into [m, M] by whole turns. */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

const bound = (x: number, m: number, M: number): number => Math.min(Math.max(x, m), M);

/** acrobot.py `_dsdt` ("book" dynamics): the derivative of [θ1, θ2, θ̇1, θ̇2] under torque a. */
function dsdt(s: readonly number[], a: number): number[] {
  const [theta1, theta2, dtheta1, dtheta2] = s;
  const d1 = M1 * LC1 ** 2 + M2 * (L1 ** 2 + LC2 ** 2 + 2 * L1 * LC2 * Math.cos(theta2)) + I1 + I2;
  const d2 = M2 * (LC2 ** 2 + L1 * LC2 * Math.cos(theta2)) + I2;
  const phi2 = M2 * LC2 * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -M2 * L1 * LC2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * M2 * L1 * LC2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (M1 * LC1 + M2 * L1) * G * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - M2 * L1 * LC2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (M2 * LC2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2];
}

/** acrobot.py `rk4` over t = [0, dt]: one classical Runge-Kutta step, in its order of operations. */
function rk4(y0: readonly number[], a: number, dt: number): number[] {
  const dt2 = dt / 2.0;
  const axpy = (k: readonly number[], h: number) => y0.map((y, i) => y + h * k[i]);
  const k1 = dsdt(y0, a);
  const k2 = dsdt(axpy(k1, dt2), a);
  const k3 = dsdt(axpy(k2, dt2), a);
  const k4 = dsdt(axpy(k3, dt), a);
  return y0.map((y, i) => y + (dt / 6.0) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

export class Acrobot extends ClassicEnv {
  readonly id = 'acrobot';
  readonly gymId = 'Acrobot-v1';
  readonly observationShape = [6];
  readonly actionCount = 3;
  readonly maxEpisodeSteps = 500;
  protected override s = [0, 0, 0, 0];

  protected initialState(random: Random): number[] {
    return float32([0, 1, 2, 3].map(() => uniform(random, -0.1, 0.1)));
  }

  protected override observe(): number[] {
    const [t1, t2, v1, v2] = this.s;
    return float32([Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), v1, v2]);
  }

  protected advance(action: number): { reward: number; terminated: boolean } {
    const ns = rk4(this.s, AVAIL_TORQUE[action], DT);
    ns[0] = wrap(ns[0], -Math.PI, Math.PI);
    ns[1] = wrap(ns[1], -Math.PI, Math.PI);
    ns[2] = bound(ns[2], -MAX_VEL_1, MAX_VEL_1);
    ns[3] = bound(ns[3], -MAX_VEL_2, MAX_VEL_2);
    this.s = ns;
    const terminated = -Math.cos(ns[0]) - Math.cos(ns[1] + ns[0]) > 1.0;
    return { reward: terminated ? 0.0 : -1.0, terminated };
  }
}
