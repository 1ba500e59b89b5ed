/**
 * Attention and AdditiveAttention for tfjs (which has neither), as keras/src/layers/attention/
 * {attention,additive_attention}.py compute them at inference and in training without dropout:
 * scores (batch, Tq, Tv) from query and key; a value mask (from an Embedding mask_zero or Masking before
 * it) subtracts 1e9 from masked scores; softmax over Tv (dropped out in training, as Keras does, when
 * `dropout` > 0); times value; a query mask zeroes masked rows.
 */
import { first } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function attentionLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  const base = (additive: boolean) =>
    class extends Layer {
      static className = additive ? 'AdditiveAttention' : 'Attention';
      readonly useScale: boolean;
      readonly concat: boolean;
      readonly dropout: number;
      readonly seed?: number;
      scale: any = null;
      concatWeight: any = null;
      constructor(args: any) {
        super(args);
        this.useScale = args.useScale ?? additive;
        this.concat = !additive && args.scoreMode === 'concat';
        this.dropout = args.dropout ?? 0;
        this.seed = args.seed ?? undefined;
        this.supportsMasking = true;
      }
      build(shapes: (number | null)[][]): void {
        const dim = shapes[0]![shapes[0]!.length - 1]!;
        if (this.useScale) this.scale = this.addWeight('scale', additive ? [dim] : [], 'float32', tf.initializers.ones(), undefined, true);
        if (this.concat) this.concatWeight = this.addWeight('concat_score_weight', [], 'float32', tf.initializers.ones(), undefined, true);
        this.built = true;
      }
      computeOutputShape(shapes: (number | null)[][]): (number | null)[] {
        const [q, v] = shapes as [(number | null)[], (number | null)[]];
        return [...q.slice(0, -1), v[v.length - 1]!];
      }
      computeMask(_inputs: Tensor[], mask?: (Tensor | null)[] | null): Tensor | null {
        return mask?.[0] ?? null;
      }
      scores(q: Tensor, k: Tensor): Tensor {
        if (!additive && !this.concat) {
          const s = tf.matMul(q, k, false, true);
          return this.scale ? tf.mul(s, this.scale.read()) : s;
        }
        // sum(tanh(q[:, :, None] + k[:, None]) ...) over the features.
        const sum = tf.add(tf.expandDims(q, -2), tf.expandDims(k, -3));
        if (additive) return tf.sum(this.scale ? tf.mul(this.scale.read(), tf.tanh(sum)) : tf.tanh(sum), -1);
        const t = tf.tanh(this.scale ? tf.mul(this.scale.read(), sum) : sum);
        return tf.mul(this.concatWeight.read(), tf.sum(t, -1));
      }
      call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
        return tf.tidy(() => {
          const list = Array.isArray(inputs) ? inputs : [first(inputs)];
          const [q, v] = [list[0]!, list[1]!];
          const k = list[2] ?? v;
          let scores = this.scores(q, k);
          const masks: (Tensor | null)[] = Array.isArray(kwargs?.mask) ? kwargs.mask : [];
          const vMask = masks[1];
          if (vMask) scores = tf.where(tf.logicalNot(tf.expandDims(tf.cast(vMask, 'bool'), -2)), tf.sub(scores, 1e9), scores);
          let weights = tf.softmax(scores, -1);
          if (kwargs?.training && this.dropout > 0) weights = tf.dropout(weights, this.dropout, undefined, this.seed);
          let out = tf.matMul(weights, v);
          const qMask = masks[0];
          if (qMask) out = tf.mul(out, tf.expandDims(tf.cast(qMask, 'float32'), -1));
          return out;
        });
      }
      getConfig(): any {
        return { ...super.getConfig(), useScale: this.useScale, dropout: this.dropout, ...(additive ? {} : { scoreMode: this.concat ? 'concat' : 'dot' }) };
      }
    };
  return [base(false), base(true)];
}
