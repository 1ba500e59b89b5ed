/**
 * The training batches of each epoch, as Keras' EpochIterator gives them (keras/src/trainers/epoch_iterator.py
 * `_enumerate_iterator`): without steps_per_epoch every epoch is one (reshuffled) pass over the data; with it,
 * an epoch is that many batches and the pass CONTINUES in the next epoch; when the pass runs out, the epoch
 * ends there (Keras warns "Your input ran out of data") and the next epoch starts a fresh, reshuffled pass.
 */
import { batches, type DataBatch, type DataSource } from './source';

export class EpochIterator {
  private pass: AsyncGenerator<DataBatch> | undefined;
  /** Batches taken from the current pass. */
  private seen = 0;
  /** Batches in one pass over the data. */
  readonly batchesPerPass: number;

  constructor(
    private readonly source: DataSource,
    private readonly batchSize: number,
    private readonly opts: { shuffle?: boolean; random?: () => number; stepsPerEpoch?: number },
  ) {
    this.batchesPerPass = Math.ceil(source.size / batchSize);
  }

  /** Batches in an epoch that does not run out of data. */
  get stepsPerEpoch(): number {
    return Math.min(this.batchesPerPass, this.opts.stepsPerEpoch ?? Infinity);
  }

  /** The next epoch's batches. A consumer that stops early (Stop) leaves the pass where it was. */
  async *epoch(): AsyncGenerator<DataBatch> {
    const steps = this.opts.stepsPerEpoch;
    if (!steps) {
      yield* batches(this.source, this.batchSize, this.opts);
      return;
    }
    if (!this.pass) {
      this.pass = batches(this.source, this.batchSize, this.opts);
      this.seen = 0;
    }
    for (let step = 0; step < steps && this.seen < this.batchesPerPass; step++) {
      this.seen += 1;
      const next = await this.pass.next();
      if (next.done) break;
      yield next.value;
    }
    if (this.seen >= this.batchesPerPass) this.pass = undefined;
  }
}
