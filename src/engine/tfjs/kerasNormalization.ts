/**
 * Keras' Normalization preprocessing layer for tfjs (keras/src/layers/preprocessing/normalization.py):
 * (x - mean) / max(sqrt(variance), 1e-7), or with `invert` mean + x * max(sqrt(variance), 1e-7); mean and
 * variance broadcast from the kept axes. They are the non-trainable weights `mean`, `variance` (and `count`,
 * which Keras keeps and never reads here), or the config's `mean`/`variance` when given. `adapt` on the
 * training rows is core's (normalizationAdapt.ts); the trainer assigns its result to these weights.
 */
import { KERAS_EPSILON as EPSILON, normalizationKeepAxes } from '../../core/layers/normalizationAdapt';
import { first } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function normalizationLayer(tf: Tf, Layer: AnyClass): AnyClass {
  return class Normalization extends Layer {
    static className = 'Normalization';
    readonly axis: number | number[] | null;
    readonly invert: boolean;
    readonly given: { mean: unknown; variance: unknown } | null;
    w: Record<string, any> = {};
    broadcast: number[] = [];
    constructor(args: any) {
      super(args);
      this.axis = args.axis === undefined ? -1 : args.axis;
      this.invert = args.invert === true;
      this.given = args.mean === null || args.mean === undefined ? null : { mean: args.mean, variance: args.variance };
      this.supportsMasking = true;
    }
    build(shape: (number | null)[]): void {
      const keep = normalizationKeepAxes(this.axis, shape.length);
      this.broadcast = shape.map((d, i) => (keep.includes(i) ? d! : 1));
      if (!this.given) {
        const stat = keep.map((a) => shape[a]!);
        // Our weights always replace these initial values (Keras' initializers run in core/initializers).
        for (const [name, s] of [['mean', stat], ['variance', stat], ['count', []]] as const) {
          this.w[name] = this.addWeight(name, [...s], name === 'count' ? 'int32' : 'float32', name === 'variance' ? tf.initializers.ones() : tf.initializers.zeros(), undefined, false);
        }
      }
      this.built = true;
    }
    /** A config mean/variance (a number, or one per position of the last kept axes) broadcast as Keras does. */
    private givenStat(v: unknown): Tensor {
      const t = tf.tensor(v as number[]);
      if (t.rank === 0) return tf.broadcastTo(t, this.broadcast);
      const expanded = this.broadcast.map(() => 1);
      const dims = t.shape as number[];
      const kept = normalizationKeepAxes(this.axis, this.broadcast.length);
      for (let i = 1; i <= dims.length; i++) expanded[kept[kept.length - i]!] = dims[dims.length - i]!;
      return tf.broadcastTo(tf.reshape(t, expanded), this.broadcast);
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = tf.cast(first(inputs), 'float32');
        const mean = this.given ? this.givenStat(this.given.mean) : tf.reshape(this.w.mean.read(), this.broadcast);
        const variance = this.given ? this.givenStat(this.given.variance) : tf.reshape(this.w.variance.read(), this.broadcast);
        const scale = tf.maximum(tf.sqrt(variance), EPSILON);
        return this.invert ? tf.add(mean, tf.mul(x, scale)) : tf.div(tf.sub(x, mean), scale);
      });
    }
    computeMask(_inputs: Tensor, mask?: Tensor | null): Tensor | null {
      return mask ?? null;
    }
    getConfig(): any {
      return { ...super.getConfig(), axis: this.axis, invert: this.invert, mean: (this.given?.mean ?? null) as any, variance: (this.given?.variance ?? null) as any };
    }
  };
}
