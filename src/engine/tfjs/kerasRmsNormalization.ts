/**
 * RMSNormalization as Keras 3 computes it (keras/src/ops/nn.py _rms_normalization, every backend but torch):
 * x * rsqrt(mean(x², axis, keepdims) + epsilon) * scale, the scale broadcast against the last axes.
 */
import { first } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function rmsNormalizationLayer(tf: Tf, Layer: AnyClass): AnyClass {
  return class RMSNormalization extends Layer {
    static className = 'RMSNormalization';
    readonly axis: number | number[];
    readonly epsilon: number;
    scale: any = null;
    constructor(args: any) {
      super(args);
      this.axis = args.axis ?? -1;
      this.epsilon = args.epsilon ?? 1e-6;
    }
    private axes(rank: number): number[] {
      return (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
    }
    build(inputShape: (number | null)[]): void {
      // Our weights always replace this initial value (Keras' initializer runs in core/initializers).
      this.scale = this.addWeight('scale', this.axes(inputShape.length).map((a) => inputShape[a]!), 'float32', tf.initializers.ones(), undefined, true);
      this.built = true;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = tf.cast(first(inputs), 'float32');
        const rrms = tf.rsqrt(tf.add(tf.mean(tf.square(x), this.axes(x.rank), true), this.epsilon));
        return tf.mul(tf.mul(x, rrms), this.scale.read());
      });
    }
    getConfig(): any {
      return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon };
    }
  };
}
