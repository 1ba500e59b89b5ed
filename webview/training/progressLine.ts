/**
 * The header's progress of the shown session (batch x/N, elapsed, ETA, samples/s: core/training/progress.ts,
 * as the status bar says it) and the charts' empty state, which tells "starting" and a failure apart from
 * "nothing yet".
 */
import { isActiveSessionState, progressParts, runProgress, type BatchPoint } from '../../src/core/training';
import type { SessionInfo } from '../../src/protocol/training';

export class ProgressLine {
  /** The first and latest batch event of the session, with when they arrived here (ms). */
  private first?: { point: BatchPoint; at: number };
  private last?: { point: BatchPoint; at: number };
  /** An epoch event ends the epoch's batch count. */
  private betweenEpochs = false;

  reset(): void {
    this.first = this.last = undefined;
    this.betweenEpochs = false;
  }

  onBatches(points: readonly BatchPoint[], at = Date.now()): void {
    const p = points[points.length - 1];
    if (!p) return;
    this.first ??= { point: points[0], at };
    this.last = { point: p, at };
    this.betweenEpochs = false;
  }

  onEpoch(): void {
    this.betweenEpochs = true;
  }

  /** "batch 41/100 · 0:12 elapsed · ETA 0:26 · 640 samples/s"; '' when the session is not running. */
  text(s: SessionInfo | null, now = Date.now()): string {
    if (!s || s.startedAt === undefined || !isActiveSessionState(s.state) || s.state === 'starting') return '';
    const p = runProgress({ epochs: s.epochs, startedAt: s.startedAt, now, first: this.first, last: this.last });
    if (this.betweenEpochs) p.batch = undefined;
    return progressParts(p).join(' · ');
  }
}

/** What the charts panel says while it has nothing to draw, and whether that is a failure. */
export function emptyChartsText(s: SessionInfo | null): { text: string; failed: boolean } {
  if (s?.state === 'failed') return { text: `Training failed: ${s.error ?? 'unknown reason'}. Show the training log for details, fix it and press Train again.`, failed: true };
  if (s && (s.state === 'starting' || s.state === 'running')) return { text: 'Starting… loading the engine and the data; the loss appears here after the first batches.', failed: false };
  if (s?.state === 'paused') return { text: 'Paused before the first batch finished. Press Resume to go on.', failed: false };
  if (s && (s.state === 'stopping' || s.state === 'stopped' || s.state === 'done')) return { text: 'The session ended before any batch finished: nothing to draw. Press Train to start again.', failed: false };
  return { text: 'No training yet. Press Train to start a session; its loss and metrics appear here as it learns.', failed: false };
}
