/**
 * The episode loop of every agent: reset, act, step, learn, and one event per episode, as the supervised fit
 * loop sends one per epoch (the run folder's metrics.jsonl, the status bar and the charts read it unchanged):
 * `epoch` is the episode number, `step` the environment steps so far, and the metrics are the episode's
 * `return`, `return_avg100` (the mean of the last 100 returns), `steps`, and the agent's own (`loss`, `epsilon`).
 * Pause and Stop are honoured between steps. Checkpoints: `last` after every episode, `best` when the moving
 * average reaches a new high (the run folder's writer throttles the writes).
 */
import type { Env, Random, RlConfig } from '../../core/rl';
import type { TrainingControl } from '../control';
import type { EpochEvent, FitResult, FitStatus, TrainerEvents } from '../trainer';
import type { Tf } from '../tfjs/tf';
import { yieldToEventLoop } from '../tfjs/training/evaluate';
import type { Agent } from './agent';

/** Episodes in the moving average (gymnasium's reward_threshold is judged over 100 consecutive episodes). */
export const AVERAGE_WINDOW = 100;
/** Steps between two looks at the control (pause, stop) within an episode. */
const STEPS_PER_YIELD = 50;

export interface EpisodeLoop {
  tf: Tf;
  env: Env;
  agent: Agent;
  rl: RlConfig;
  random: Random;
  learningRate: () => number;
  /** After every step (1-based episode and step): the animation's throttle (./frames.ts) picks the frames. */
  onStep?: (episode: number, step: number) => void;
}

/** One episode; undefined when Stop came in the middle of it. */
async function playEpisode(o: EpisodeLoop, episode: number, control: TrainingControl): Promise<{ ret: number; steps: number } | undefined> {
  let obs = o.env.reset(o.random);
  let ret = 0;
  let steps = 0;
  for (;;) {
    const action = o.agent.act(obs, episode);
    const r = o.env.step(action);
    o.agent.observe({ state: obs, action, reward: r.reward, next: r.observation, terminal: r.terminated }, episode);
    ret += r.reward;
    steps += 1;
    o.onStep?.(episode + 1, steps);
    obs = r.observation;
    if (r.terminated || r.truncated) return { ret, steps };
    if (steps % STEPS_PER_YIELD === 0) {
      await yieldToEventLoop();
      await control.gate();
      if (control.stopRequested) return undefined;
    }
  }
}

/** The event of one episode (or self-play iteration): `samples` steps in `seconds`, `remaining` more to come like it. */
export function rlEpochEvent(tf: Tf, o: { epoch: number; step: number; metrics: Record<string, number>; lr: number; samples: number; seconds: number; remaining: number }): EpochEvent {
  const mem = tf.memory();
  return {
    epoch: o.epoch,
    step: o.step,
    metrics: o.metrics,
    lr: o.lr,
    samplesPerSec: o.samples / Math.max(o.seconds, 1e-3),
    seconds: o.seconds,
    etaSeconds: o.remaining * o.seconds,
    memory: { tensorBytes: mem.numBytes, rssBytes: process.memoryUsage().rss },
  };
}

export async function playEpisodes(o: EpisodeLoop, control: TrainingControl, events: TrainerEvents): Promise<FitResult> {
  const history: EpochEvent[] = [];
  const returns: number[] = [];
  let totalSteps = 0;
  let status: FitStatus = 'done';
  let message: string | undefined;
  let weights: FitResult['weights'] = 'final';
  let bestAverage = -Infinity;
  for (let episode = 0; episode < o.rl.episodes; episode++) {
    await control.gate();
    if (control.stopRequested) {
      status = 'stopped';
      break;
    }
    const t0 = Date.now();
    const played = await playEpisode(o, episode, control);
    if (!played) {
      status = 'stopped';
      weights = 'last-batch';
      events.onLog?.(`Stopped in episode ${episode + 1}.`);
      break;
    }
    totalSteps += played.steps;
    const learned = await o.agent.endEpisode(episode);
    returns.push(played.ret);
    const window = returns.slice(-AVERAGE_WINDOW);
    const average = window.reduce((a, b) => a + b, 0) / window.length;
    const metrics = { return: played.ret, return_avg100: average, steps: played.steps, ...learned };
    if (learned.loss !== undefined && !Number.isFinite(learned.loss)) {
      status = 'nan';
      message = `The loss became NaN in episode ${episode + 1}. Try a lower learning rate.`;
      break;
    }
    const point = rlEpochEvent(o.tf, { epoch: episode + 1, step: totalSteps, metrics, lr: o.learningRate(), samples: played.steps, seconds: (Date.now() - t0) / 1000, remaining: o.rl.episodes - episode - 1 });
    history.push(point);
    await events.onEpoch?.(point);
    // As ModelCheckpoint in a supervised run: the last episode's weights, and the best by the moving average.
    const improved = average > bestAverage;
    if (improved) bestAverage = average;
    await events.onCheckpoint?.(improved ? ['last', 'best'] : ['last'], episode + 1, metrics);
    if (o.rl.stopAtAverage !== null && returns.length >= AVERAGE_WINDOW && average >= o.rl.stopAtAverage) {
      status = 'early-stopped';
      message = `Solved: the average return of the last ${AVERAGE_WINDOW} episodes reached ${average.toFixed(1)} (target ${o.rl.stopAtAverage}) at episode ${episode + 1}, after ${totalSteps} steps.`;
      break;
    }
  }
  return { status, epochs: history.length, history, message, weights };
}
