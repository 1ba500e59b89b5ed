/**
 * Pause / resume / stop from outside a trainer's loop (the worker's message handler). The loop calls `gate()`
 * between batches and reads `stopRequested`; any trainer takes one of these.
 */
import type { StopKeeps } from '../core/training';

export class TrainingControl {
  private paused = false;
  private waiters: (() => void)[] = [];
  /** What Stop keeps: the last completed batch's weights or the last completed epoch's. */
  stopRequested: StopKeeps | undefined;
  /** Someone looks at the run's animation (the host's training view is visible): an RL trainer sends frames. */
  watching = false;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    for (const w of this.waiters.splice(0)) w();
  }
  stop(keep: StopKeeps = 'batch'): void {
    this.stopRequested = keep;
    this.resume();
  }
  get isPaused(): boolean {
    return this.paused;
  }
  /** Resolves at once unless paused. */
  async gate(): Promise<void> {
    while (this.paused && !this.stopRequested) await new Promise<void>((r) => this.waiters.push(r));
  }
}
