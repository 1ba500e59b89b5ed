/**
 * GRU with `reset_after=True` (the Keras 3 default; keras/src/layers/rnn/gru.py GRUCell.call), which
 * TensorFlow.js' GRUCell refuses. Registered in place of tfjs' `GRU` class for a tf namespace: configs with
 * reset_after false still get tfjs' own cell (the same math as Keras), those with true get this cell:
 *   x_z, x_r, x_h = split(x @ kernel + bias[0]);  r_z, r_r, r_h = split(h @ recurrent_kernel + bias[1])
 *   z = σ(x_z + r_z);  r = σ(x_r + r_r);  hh = tanh(x_h + r * r_h);  h' = z * h + (1 - z) * hh
 * The bias is one (2, 3 * units) weight, as in Keras.
 */
import type { Tensor, Tf } from './tf';

/** tfjs keeps RNN cells' internals (addWeight, masks) out of its typings. */
type AnyClass = new (...args: any[]) => any;

const registered = new WeakSet<object>();

export function registerKerasGru(tf: Tf): void {
  if (registered.has(tf.serialization)) return;
  registered.add(tf.serialization);
  const GRUCell = tf.layers.gruCell({ units: 1 }).constructor as AnyClass;
  const GRU = tf.layers.gru({ units: 1 }).constructor as AnyClass;

  class ResetAfterGRUCell extends GRUCell {
    constructor(args: any) {
      super({ ...args, resetAfter: false });
    }

    build(inputShape: any): void {
      const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
      const inputDim = shape[shape.length - 1];
      this.kernel = this.addWeight('kernel', [inputDim, this.units * 3], null, this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
      this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, this.units * 3], null, this.recurrentInitializer, this.recurrentRegularizer, true, this.recurrentConstraint);
      this.bias = this.useBias ? this.addWeight('bias', [2, this.units * 3], null, this.biasInitializer, this.biasRegularizer, true, this.biasConstraint) : null;
      this.built = true;
    }

    call(inputs: Tensor[], kwargs: any): Tensor[] {
      return tf.tidy(() => {
        const training = kwargs?.training ?? false;
        let x = inputs[0]!;
        let h = inputs[1]!;
        if (this.dropout > 0 && this.dropout < 1) {
          this.dropoutMask ??= tf.tidy(() => tf.keep(tf.dropout(tf.onesLike(x), training ? this.dropout : 0)));
          x = tf.mul(x, this.dropoutMask);
        }
        let hRec = h;
        if (this.recurrentDropout > 0 && this.recurrentDropout < 1) {
          this.recurrentDropoutMask ??= tf.tidy(() => tf.keep(tf.dropout(tf.onesLike(h), training ? this.recurrentDropout : 0)));
          hRec = tf.mul(h, this.recurrentDropoutMask);
        }
        let mx = tf.matMul(x, this.kernel.read());
        let mh = tf.matMul(hRec, this.recurrentKernel.read());
        if (this.useBias) {
          const [bx, bh] = tf.unstack(this.bias.read());
          mx = tf.add(mx, bx!);
          mh = tf.add(mh, bh!);
        }
        const [xz, xr, xh] = tf.split(mx, 3, -1);
        const [rz, rr, rh] = tf.split(mh, 3, -1);
        const z = this.recurrentActivation.apply(tf.add(xz!, rz!));
        const r = this.recurrentActivation.apply(tf.add(xr!, rr!));
        const hh = this.activation.apply(tf.add(xh!, tf.mul(r, rh!)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
        return [h, h];
      });
    }

    getConfig(): any {
      return { ...super.getConfig(), resetAfter: true };
    }
  }

  class KerasGRU extends GRU {
    static className = 'GRU';

    constructor(args: any) {
      if (!args.resetAfter) {
        super(args);
        return;
      }
      // tfjs' GRU constructor builds its own cell, which refuses reset_after: build it without, then swap the
      // cell before the layer is built (RNN.build builds `this.cell`).
      super({ ...args, resetAfter: false });
      this.cell = new ResetAfterGRUCell(args);
    }
  }

  tf.serialization.registerClass(KerasGRU as any);
}
