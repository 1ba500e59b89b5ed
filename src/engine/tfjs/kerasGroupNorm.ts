/**
 * GroupNormalization as Keras 3 computes it (keras/src/layers/normalization/group_normalization.py): the
 * channels axis is split into `groups`, mean and variance are taken per sample over each group (all other
 * non-batch axes included), then x * inv + (beta - mean * inv) with inv = rsqrt(var + epsilon) * gamma.
 */
import type { Tensor, Tf } from './tf';
import { first, tfjsObject } from './kerasLayerArgs';

type AnyClass = new (...args: any[]) => any;

export function groupNormalizationLayer(tf: Tf, Layer: AnyClass): AnyClass {
  return class GroupNormalization extends Layer {
    static className = 'GroupNormalization';
    readonly groups: number;
    readonly axis: number;
    readonly epsilon: number;
    readonly center: boolean;
    readonly scale: boolean;
    gamma: any = null;
    beta: any = null;
    readonly extras: { gamma: [any, any]; beta: [any, any] };
    constructor(args: any) {
      super(args);
      this.extras = {
        gamma: [tfjsObject(tf, args.gammaRegularizer), tfjsObject(tf, args.gammaConstraint)],
        beta: [tfjsObject(tf, args.betaRegularizer), tfjsObject(tf, args.betaConstraint)],
      };
      this.groups = args.groups ?? 32;
      this.axis = args.axis ?? -1;
      this.epsilon = args.epsilon ?? 1e-3;
      this.center = args.center !== false;
      this.scale = args.scale !== false;
    }
    build(inputShape: (number | null)[]): void {
      const dim = inputShape[this.axis < 0 ? inputShape.length + this.axis : this.axis]!;
      // Our weights always replace these initial values (Keras' initializers run in core/initializers).
      if (this.scale) this.gamma = this.addWeight('gamma', [dim], 'float32', tf.initializers.ones(), this.extras.gamma[0], true, this.extras.gamma[1]);
      if (this.center) this.beta = this.addWeight('beta', [dim], 'float32', tf.initializers.zeros(), this.extras.beta[0], true, this.extras.beta[1]);
      this.built = true;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = first(inputs);
        const rank = x.shape.length;
        const axis = this.axis < 0 ? rank + this.axis : this.axis;
        const channels = x.shape[axis]!;
        const groups = this.groups === -1 ? channels : this.groups;
        const grouped = [...x.shape.slice(0, axis), groups, channels / groups, ...x.shape.slice(axis + 1)] as number[];
        const g = tf.reshape(x, grouped);
        const reduce = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
        const { mean, variance } = tf.moments(g, reduce, true);
        const broadcast = grouped.map((d, i) => (i === axis || i === axis + 1 ? d : 1));
        let inv = tf.rsqrt(tf.add(variance, this.epsilon));
        if (this.gamma) inv = tf.mul(inv, tf.reshape(this.gamma.read(), broadcast));
        let res = tf.mul(tf.neg(mean), inv);
        if (this.beta) res = tf.add(res, tf.reshape(this.beta.read(), broadcast));
        return tf.reshape(tf.add(tf.mul(g, inv), res), x.shape);
      });
    }
    getConfig(): any {
      return { ...super.getConfig(), groups: this.groups, axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
    }
  };
}
