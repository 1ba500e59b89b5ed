/**
 * The state of one fit: where the loop is (step, epoch timing, the throttle of batch events), how it ends
 * (status, message, which weights are kept) and the weights at the start of the epoch, restored when an
 * epoch is abandoned (NaN, Stop that keeps the last epoch).
 */
import { rng } from '../../datasets/source';
import type { EpochEvent, FinalWeights, FitResult, FitStatus, TrainerEvents } from '../../trainer';
import type { LayersModel, Tf } from '../tf';
import { restore, snapshot, type FitLoop, type Snapshot } from './fitCallbacks';
import { getLearningRate, setLearningRate, type TfOptimizer } from './optimizers';

export class LoopState implements FitLoop {
  status: FitStatus = 'done';
  message: string | undefined;
  weights: FinalWeights = 'final';
  /** A callback or the loop itself ended the run: no further epoch starts. */
  ended = false;
  /** Where the loss first became NaN, for the message. */
  nanAt: string | undefined;
  globalStep: number;
  /** Batches in a full epoch (after stepsPerEpoch). */
  readonly stepsPerEpoch: number;
  readonly initialEpoch: number;
  readonly lr0: number;
  readonly random: () => number;
  readonly history: EpochEvent[] = [];
  /** When the last batch event went out: they are throttled across epoch boundaries too (tiny epochs would otherwise send one each). */
  lastEvent = 0;
  lastEpochSeconds = 0;
  private epochStart: Snapshot;

  constructor(
    readonly tf: Tf,
    readonly model: LayersModel,
    readonly optimizer: TfOptimizer,
    readonly events: TrainerEvents,
    opts: { initialEpoch?: number; seed?: number; batchSize: number; stepsPerEpoch?: number },
    trainSize: number,
  ) {
    this.lr0 = getLearningRate(optimizer);
    this.random = rng(opts.seed ?? 42);
    this.initialEpoch = opts.initialEpoch ?? 0;
    this.stepsPerEpoch = Math.ceil(Math.min(trainSize, opts.stepsPerEpoch ? opts.stepsPerEpoch * opts.batchSize : Infinity) / opts.batchSize);
    this.globalStep = this.initialEpoch * this.stepsPerEpoch;
    this.epochStart = snapshot(tf, model);
  }

  get lr(): number {
    return getLearningRate(this.optimizer);
  }
  set lr(v: number) {
    setLearningRate(this.optimizer, v);
  }

  log(line: string): void {
    this.events.onLog?.(line);
  }

  end(status: FitStatus, message?: string, weights?: FinalWeights): void {
    this.ended = true;
    this.status = status;
    if (message !== undefined) this.message = message;
    if (weights) this.weights = weights;
  }

  /** The epoch completed: its weights are the ones to go back to from now on. */
  markEpochStart(): void {
    this.tf.dispose(this.epochStart);
    this.epochStart = snapshot(this.tf, this.model);
  }

  /** Back to the weights of the last completed epoch. */
  restoreEpochStart(): void {
    restore(this.model, this.epochStart);
    this.weights = 'last-epoch';
  }

  result(): FitResult {
    return { status: this.status, epochs: this.initialEpoch + this.history.length, history: this.history, message: this.message, weights: this.weights };
  }

  dispose(): void {
    this.tf.dispose(this.epochStart);
  }
}
