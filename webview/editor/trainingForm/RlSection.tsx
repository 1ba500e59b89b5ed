/**
 * The form's Reinforcement learning group (../rlDraft.ts): shown when the configuration has `rl`, or when the
 * model fits an environment (its input is the observation, its output one unit per action) so the user can
 * turn it on. Then: the environment, the agent, the episodes and the agent's hyper-parameters with their
 * defaults; core's checks show under each field.
 */
import type { RefObject } from 'react';
import { ENVIRONMENT_IDS, RL_AGENTS } from '../../../src/core/rl';
import { rlFieldShown, RL_NUMBER_FIELDS, type RlDraft } from '../rlDraft';
import { Check, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

/** `first`: "Configure Training" focuses the environment when RL is on (the dataset group is hidden then). */
export function RlSection({ draft, err, set, fits, first }: SectionProps & { fits?: string; first: RefObject<HTMLElement | null> }) {
  const rl = draft.rl;
  if (!rl.on && !fits) return null;
  const update = (k: string, f: (r: RlDraft) => RlDraft) => set(`rl.${k}`, (d) => ({ ...d, rl: f(d.rl) }));
  return (
    <>
      <div className="ms-panel-subtitle">Reinforcement learning</div>
      <Check
        k="rl.on"
        label="learn from an environment"
        help="The model acts in an environment and learns from its rewards, instead of fitting a dataset"
        checked={rl.on}
        onChange={(on) => update('on', (r) => ({ ...r, on, environment: on && fits && !rl.on ? fits : r.environment }))}
      />
      {rl.on && (
        <>
          <Select k="rl.environment" label="environment" elRef={first} value={rl.environment} options={[...ENVIRONMENT_IDS]} error={err('rl.environment')} onChange={(v) => update('environment', (r) => ({ ...r, environment: v }))} />
          <Select
            k="rl.agent"
            label="agent"
            help={rl.agent === 'reinforce' ? 'REINFORCE: a softmax policy, returns discounted and normalised' : 'Deep Q-learning: replay memory, epsilon-greedy, a target network'}
            value={rl.agent}
            options={[...RL_AGENTS]}
            error={err('rl.agent')}
            onChange={(v) => update('agent', (r) => ({ ...r, agent: v }))}
          />
          {RL_NUMBER_FIELDS.filter((f) => rlFieldShown(f.agents, rl.agent)).map((f) => (
            <Text
              key={f.key}
              k={`rl.${f.key}`}
              label={f.label}
              help={f.help}
              value={rl.numbers[f.key]}
              numeric
              error={err(`rl.${f.key}`)}
              onInput={(v) => update(f.key, (r) => ({ ...r, numbers: { ...r.numbers, [f.key]: v } }))}
            />
          ))}
          <Text
            k="rl.stopAtAverage"
            label="stop at average return"
            help="End the run once the last 100 episodes average this much (CartPole-v1 is solved at 475); empty: play every episode"
            value={rl.stopAtAverage}
            numeric
            error={err('rl.stopAtAverage')}
            onInput={(v) => update('stopAtAverage', (r) => ({ ...r, stopAtAverage: v }))}
          />
        </>
      )}
    </>
  );
}
