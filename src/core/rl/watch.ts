/**
 * What watching a reinforcement-learning run needs, declared once for the worker, the host and the webview:
 * the metrics an RL trainer reports per episode (src/engine/rl/episodes.ts) or per self-play iteration, the
 * unit of the charts' x axis that follows from them, and the animation frame: the environment's state at
 * one step, which the training view draws (cart and pole, car on the hill, acrobot, board).
 */
import { isFiniteNum, isNumArray, isObj, isOneOf } from '../guards';
import { rlConfigOf, type RlConfig } from './config';

/** The per-episode metrics of the DQN and REINFORCE agents. */
export const EPISODE_METRICS = { return: 'return', average: 'return_avg100', steps: 'steps', loss: 'loss', epsilon: 'epsilon' } as const;
/** Self-play's results against the fixed opponent, per iteration. */
export const SELF_PLAY_RATES = ['win_rate', 'draw_rate', 'loss_rate'] as const;

export type RlUnit = 'episode' | 'iteration';

/** 'episode' or 'iteration' when the metric keys are an RL run's; undefined for a supervised run. */
export function rlUnitOf(keys: Iterable<string>): RlUnit | undefined {
  const set = new Set(keys);
  if (set.has(EPISODE_METRICS.return) || set.has(EPISODE_METRICS.average)) return 'episode';
  if (SELF_PLAY_RATES.some((k) => set.has(k))) return 'iteration';
  return undefined;
}

const [WIN, , LOSS] = SELF_PLAY_RATES;

/**
 * An RL run's progress in a few words (the status bar, the training view's header): the episode's return and
 * the 100-episode average, or self-play's win and loss rates. Returns are sums of rewards: whole numbers as
 * they are, others to one decimal.
 */
export function rlMetricParts(m: Record<string, number | null>): string[] {
  const value = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const text = (label: string, k: string, pct = false) => {
    const v = m[k];
    return v === undefined || v === null ? [] : [`${label} ${pct ? `${(v * 100).toFixed(0)}%` : value(v)}`];
  };
  return [...text('return', EPISODE_METRICS.return), ...text('avg', EPISODE_METRICS.average), ...text('win', WIN, true), ...text('loss', LOSS, true)];
}

/** Everything a frame can show: the classic-control environments and the board games, by our ids. */
export const FRAME_SCENES = ['cartpole', 'mountaincar', 'acrobot', 'tictactoe', 'connect4'] as const;
export type FrameScene = (typeof FRAME_SCENES)[number];

export interface RlFrame {
  scene: FrameScene;
  /** 1-based episode (or self-play game) and the step within it. */
  episode: number;
  step: number;
  /** The environment's internal state (gymnasium's `env.unwrapped.state`), or a board's cells row-major. */
  state: number[];
}

/** The size of each scene's state, so a frame that would draw nonsense is dropped at the boundary. */
export const FRAME_STATE_SIZE: Record<FrameScene, number> = { cartpole: 4, mountaincar: 2, acrobot: 4, tictactoe: 9, connect4: 42 };

export function isRlFrame(v: unknown): v is RlFrame {
  return (
    isObj(v) && isOneOf(FRAME_SCENES, v.scene) && isFiniteNum(v.episode) && isFiniteNum(v.step) &&
    isNumArray(v.state, 64) && v.state.length === FRAME_STATE_SIZE[v.scene] && v.state.every(Number.isFinite)
  );
}

/** The most frames a second a run sends (the view animates at this rate; more would only cost the trainer). */
export const FRAMES_PER_SECOND = 15;

/** How many epoch events a run reports at most: an RL run's episodes, else the supervised epochs. */
export const runLength = (t: { epochs: number; rl?: Partial<RlConfig> }): number => rlConfigOf(t)?.episodes ?? t.epochs;
