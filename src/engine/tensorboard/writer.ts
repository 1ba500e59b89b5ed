/**
 * TensorBoard event files for a run, in the layout and with the tag names of Keras' TensorBoard callback
 * (keras/src/callbacks/tensorboard.py), so `tensorboard --logdir .modelstudio/runs` shows our runs beside the
 * user's Keras runs:
 *   <run>/train/       batch_<metric> per reported batch (step: batches since the start), epoch_<metric> and
 *                      epoch_learning_rate per epoch (step: the 0-based epoch, as Keras), histograms per epoch
 *                      (`<layer>/<weights|activations>/histogram`)
 *   <run>/validation/  epoch_<metric> for the val_ metrics, the prefix dropped
 *   <run>/             the hyper-parameters (HParams plugin session start)
 * Files are appended record by record (a crashed run keeps what it logged).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BatchPoint, EpochPoint, HistogramItem } from '../../core/training/events';
import { event, hparamsValue, histogramValue, Message, scalarValue } from './proto';
import { tfRecord } from './records';

export const TENSORBOARD_DIRS = { train: 'train', validation: 'validation' } as const;

/** One events file: `events.out.tfevents.<seconds>.<host>`, opened with the `brain.Event:2` version record. */
export class EventFile {
  readonly path: string;

  constructor(dir: string, now = Date.now()) {
    mkdirSync(dir, { recursive: true });
    const seconds = Math.floor(now / 1000);
    this.path = join(dir, `events.out.tfevents.${seconds}.${hostname().replace(/[^\w.-]/g, '_')}.modelstudio`);
    writeFileSync(this.path, tfRecord(new Message().double(1, now / 1000).int(2, 0).string(3, 'brain.Event:2').encode()));
  }

  write(step: number, values: Message[], now = Date.now()): void {
    if (!values.length) return;
    const summary = new Message();
    for (const v of values) summary.message(1, v);
    appendFileSync(this.path, tfRecord(event(now / 1000, step).message(5, summary).encode()));
  }
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export class TensorBoardLog {
  private readonly train: EventFile;
  private validation: EventFile | undefined;

  constructor(private readonly runDir: string) {
    this.train = new EventFile(join(runDir, TENSORBOARD_DIRS.train));
  }

  batch(p: BatchPoint): void {
    const values = Object.entries(p.metrics).filter(([, v]) => finite(v)).map(([k, v]) => scalarValue(`batch_${k}`, v));
    this.train.write(p.step, values);
  }

  epoch(p: EpochPoint): void {
    const step = p.epoch - 1;
    const entries = Object.entries(p.metrics).filter(([, v]) => finite(v));
    const train = entries.filter(([k]) => !k.startsWith('val_')).map(([k, v]) => scalarValue(`epoch_${k}`, v));
    if (finite(p.lr)) train.push(scalarValue('epoch_learning_rate', p.lr));
    this.train.write(step, train);
    const val = entries.filter(([k]) => k.startsWith('val_')).map(([k, v]) => scalarValue(`epoch_${k.slice(4)}`, v));
    if (val.length) {
      this.validation ??= new EventFile(join(this.runDir, TENSORBOARD_DIRS.validation));
      this.validation.write(step, val);
    }
  }

  histograms(items: readonly HistogramItem[]): void {
    const byEpoch = new Map<number, HistogramItem[]>();
    for (const h of items) if (h.counts.length) byEpoch.set(h.epoch, [...(byEpoch.get(h.epoch) ?? []), h]);
    for (const [epoch, hs] of byEpoch) this.train.write(epoch - 1, hs.map((h) => histogramValue(`${h.layer}/${h.kind}/histogram`, h.min, h.max, h.counts)));
  }

  /** The hyper-parameters, once, in an events file of the run folder itself. */
  hparams(values: Record<string, string | number | boolean>, now = Date.now()): void {
    new EventFile(this.runDir, now).write(0, [hparamsValue(values, now / 1000)], now);
  }
}
