/** What the episode loop (./episodes.ts) asks of an agent, whichever it is (./dqn.ts, ./reinforce.ts). */
import type { Transition } from './replay';

export interface Agent {
  /** The action to take while learning (exploring), for the given episode (0-based). */
  act(observation: readonly number[], episode: number): number;
  /** The greedy action (no exploration): "Try the model" and evaluation. */
  greedy(observation: readonly number[]): number;
  /** One step happened; the agent may learn from it now. */
  observe(t: Transition, episode: number): void;
  /** The episode ended; the agent may learn from it now. Returns what it reports for the episode (loss, epsilon, ...). */
  endEpisode(episode: number): Promise<Record<string, number>>;
  dispose(): void;
}
