/**
 * Keras' Normalize operation (core/layers/normalizeOps.ts) as a tfjs layer class, as keras/src/ops/nn.py
 * _normalize computes it: order 2 as x * min(rsqrt(sum(x²)), 1 / epsilon), any other order as
 * x / max(norm, epsilon) with norm = sum(|x|^order)^(1 / order).
 */
import { KERAS_EPSILON } from '../../core/layers/normalizeOps';
import { first } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function normalizeOperationLayer(tf: Tf, Layer: AnyClass): AnyClass {
  return class Normalize extends Layer {
    static className = 'Normalize';
    readonly axis: number;
    readonly order: number;
    readonly epsilon: number | null;
    constructor(args: any) {
      super(args);
      this.axis = args.axis ?? -1;
      this.order = args.order ?? 2;
      this.epsilon = typeof args.epsilon === 'number' ? args.epsilon : null;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = tf.cast(first(inputs), 'float32');
        const eps = this.epsilon ?? KERAS_EPSILON;
        if (this.order === 2) return tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), this.axis, true)), 1 / eps));
        const p = this.order;
        const norm = p === 1 ? tf.sum(tf.abs(x), this.axis, true) : tf.pow(tf.sum(tf.pow(tf.abs(x), p), this.axis, true), 1 / p);
        return tf.div(x, tf.maximum(norm, eps));
      });
    }
    getConfig(): any {
      return { ...super.getConfig(), axis: this.axis, order: this.order, epsilon: this.epsilon };
    }
  };
}
