/**
 * `model-studio train MODEL --env cartpole --agent dqn --episodes N`: the flags of a reinforcement-learning
 * run. They change the model's saved RL configuration (src/core/rl/config.ts), or start one from the
 * defaults on a model that has none; without them a model's saved configuration is used as it is. For the
 * alphazero agent --episodes counts self-play iterations.
 */
import { defaultRlConfig, ENVIRONMENT_IDS, environmentId, RL_AGENTS, rlConfigOf, type RlAgent } from '../core/rl';
import type { TrainingConfig } from '../core/training';
import { UserError } from '../core/types';

export const rlFlags = {
  env: { type: 'string' },
  agent: { type: 'string' },
  episodes: { type: 'string' },
} as const;

export interface RlOverrides {
  env?: string;
  agent?: string;
  episodes?: string;
}

/** The RL configuration of a run: the saved one with the flags applied; unchanged when no flag is given. */
export function applyRlFlags(t: TrainingConfig, o: RlOverrides): void {
  if (o.env === undefined && o.agent === undefined && o.episodes === undefined) return;
  const rl = rlConfigOf(t) ?? defaultRlConfig();
  if (o.env !== undefined) {
    const id = environmentId(o.env);
    if (!id) throw new UserError(`Unknown environment "${o.env}".`, `Use one of: ${ENVIRONMENT_IDS.join(', ')} (or CartPole-v1, MountainCar-v0, Acrobot-v1).`, 'unknown-environment');
    rl.environment = id;
  }
  if (o.agent !== undefined) {
    if (!RL_AGENTS.includes(o.agent as RlAgent)) throw new UserError(`Unknown agent "${o.agent}".`, `Use one of: ${RL_AGENTS.join(', ')}.`, 'unknown-agent');
    rl.agent = o.agent as RlAgent;
  }
  if (o.episodes !== undefined) {
    const n = Number(o.episodes);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`--episodes must be a positive integer (got "${o.episodes}").`, undefined, 'usage');
    rl.episodes = n;
  }
  t.rl = rl;
}
