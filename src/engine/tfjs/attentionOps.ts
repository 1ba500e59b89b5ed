/**
 * The attention operations of the catalog (core/layers/attentionOps.ts) as tfjs layer classes:
 * DotProductAttention computes what Keras' JAX backend does (jax.nn.dot_product_attention, implementation
 * "xla"): logits (B, N, T, S) = query · key * scale (1 / sqrt(depth) by default), plus the bias, the causal
 * positions (top-left: query step t sees key steps 0..t) set to -0.7 * float32 max, softmax over the key steps,
 * times value. Grouped-query heads: query head n reads key head floor(n / (N / K)).
 */
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

/** Keras' masked logit (backend/jax/nn.py _apply_masks): a large finite negative, so no row is all -inf. */
const MASKED = -0.7 * 3.4028234663852886e38;

export function attentionOperationLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  /** (B, S, K, H) with each head repeated `g` times in a row: (B, S, K * g, H). */
  const repeatHeads = (x: Tensor, g: number): Tensor => {
    if (g === 1) return x;
    const [b, s, k, h] = x.shape as number[];
    return tf.reshape(tf.tile(tf.expandDims(x, 3), [1, 1, 1, g, 1]), [b!, s!, k! * g, h!]);
  };
  class DotProductAttention extends Layer {
    static className = 'DotProductAttention';
    readonly isCausal: boolean;
    readonly scale: number | null;
    constructor(args: any) {
      super(args);
      this.isCausal = (args.is_causal ?? args.isCausal) === true;
      this.scale = typeof args.scale === 'number' ? args.scale : null;
    }
    computeOutputShape(shapes: (number | null)[][]): (number | null)[] {
      const [q, , v] = shapes as [(number | null)[], unknown, (number | null)[]];
      return [...q.slice(0, 3), v[3]!];
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      const [q, k, v, bias] = inputs as Tensor[];
      return tf.tidy(() => {
        const f32 = (x: Tensor) => tf.cast(x, 'float32');
        const g = q!.shape[2]! / k!.shape[2]!;
        const qt = tf.transpose(f32(q!), [0, 2, 1, 3]);
        const kt = tf.transpose(repeatHeads(f32(k!), g), [0, 2, 1, 3]);
        const vt = tf.transpose(repeatHeads(f32(v!), g), [0, 2, 1, 3]);
        let logits = tf.mul(tf.matMul(qt, kt, false, true), this.scale ?? 1 / Math.sqrt(q!.shape[3]!));
        if (bias) logits = tf.add(logits, f32(bias));
        if (this.isCausal) {
          const [t, s] = logits.shape.slice(2) as number[];
          const allowed = tf.cast(tf.linalg.bandPart(tf.ones([t!, s!]), -1, 0), 'bool');
          logits = tf.where(tf.broadcastTo(allowed, logits.shape), logits, tf.fill(logits.shape, MASKED));
        }
        return tf.transpose(tf.matMul(tf.softmax(logits, -1), vt), [0, 2, 1, 3]);
      });
    }
    getConfig(): any {
      return { ...super.getConfig(), is_causal: this.isCausal, scale: this.scale };
    }
  }
  return [DotProductAttention];
}
