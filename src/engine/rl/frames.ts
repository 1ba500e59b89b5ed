/**
 * The live animation's frames, as cheap as a trainer can make them: nothing at all while nobody watches (the
 * host says when its training view is visible: TrainingControl.watching), and while someone does, at most
 * FRAMES_PER_SECOND frames, each the environment's state at that step. A step that is not sent costs one
 * property read and, while watched, one clock read.
 */
import { FRAMES_PER_SECOND, type BoardGame, type Env, type FrameScene, type RlFrame } from '../../core/rl';
import type { TrainingControl } from '../control';
import type { TrainerEvents } from '../trainer';

/** Opens at most once per `intervalMs` (leading edge: the first call after a quiet spell passes). */
export class FrameGate {
  private next = -Infinity;

  constructor(
    private readonly intervalMs = 1000 / FRAMES_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  open(): boolean {
    const t = this.now();
    if (t < this.next) return false;
    this.next = t + this.intervalMs;
    return true;
  }
}

/**
 * Self-play's `onBoard`: the last board of a finished game after each round of games, only while watched (a
 * round takes seconds, so no throttle is needed). `episode` is the iteration, `step` the games played in it.
 */
export function boardFrameHook(game: BoardGame, control: Pick<TrainingControl, 'watching'>, events: Pick<TrainerEvents, 'onFrame'>): (iteration: number, games: number, cells: readonly number[]) => void {
  const scene = game.id as FrameScene;
  return (episode, step, cells) => {
    if (control.watching && events.onFrame) events.onFrame({ scene, episode, step, state: [...cells] });
  };
}

/** The episode loop's `onStep` for an environment: frames of its state, throttled, only while watched. */
export function frameHook(env: Env, control: Pick<TrainingControl, 'watching'>, events: Pick<TrainerEvents, 'onFrame'>, gate = new FrameGate()): (episode: number, step: number) => void {
  const scene = env.id as FrameScene;
  return (episode, step) => {
    if (!control.watching || !events.onFrame || !gate.open()) return;
    const f: RlFrame = { scene, episode, step, state: env.state() };
    events.onFrame(f);
  };
}
