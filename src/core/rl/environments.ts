/**
 * The environments a reinforcement-learning run can use, by our id (`cartpole`) or gymnasium's
 * (`CartPole-v1`), one registry for the configuration's validation, the trainer and the CLI.
 */
import { Acrobot } from './acrobot';
import { CartPole } from './cartpole';
import type { Env } from './env';
import { MountainCar } from './mountainCar';

export const ENVIRONMENT_IDS = ['cartpole', 'mountaincar', 'acrobot'] as const;
export type EnvironmentId = (typeof ENVIRONMENT_IDS)[number];

const MAKERS: Record<EnvironmentId, () => Env> = {
  cartpole: () => new CartPole(),
  mountaincar: () => new MountainCar(),
  acrobot: () => new Acrobot(),
};

const GYM_IDS: Record<string, EnvironmentId> = { 'cartpole-v1': 'cartpole', 'mountaincar-v0': 'mountaincar', 'acrobot-v1': 'acrobot' };

/** Our id for a name as a user types it (any case, ours or gymnasium's); undefined when unknown. */
export function environmentId(name: string): EnvironmentId | undefined {
  const n = name.trim().toLowerCase();
  if ((ENVIRONMENT_IDS as readonly string[]).includes(n)) return n as EnvironmentId;
  return GYM_IDS[n];
}

export function makeEnvironment(id: EnvironmentId): Env {
  return MAKERS[id]();
}
