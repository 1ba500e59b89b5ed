/**
 * Keras' Subtract merge layer (keras/src/layers/merging/subtract.py: inputs[0] - inputs[1]), which
 * tfjs-layers lacks: registered on tfjs' own Merge base class (the one Add uses), so shapes and broadcasting
 * follow tfjs' merge rules like the other element-wise merges.
 */
import type { Tensor, Tf } from './tf';

/** tfjs keeps its Merge base class out of its typings. */
type AnyClass = new (...args: any[]) => any;

const registered = new WeakSet<object>();

export function registerKerasSubtract(tf: Tf): void {
  if (registered.has(tf.serialization)) return;
  registered.add(tf.serialization);
  const Merge = Object.getPrototypeOf(tf.layers.add({}).constructor) as AnyClass;

  class Subtract extends Merge {
    static className = 'Subtract';

    build(inputShape: any): void {
      if (!Array.isArray(inputShape) || inputShape.length !== 2) throw new Error('A Subtract layer takes exactly 2 inputs');
      super.build(inputShape);
    }

    mergeFunction(inputs: Tensor[]): Tensor {
      return tf.sub(inputs[0]!, inputs[1]!);
    }
  }
  tf.serialization.registerClass(Subtract as any);
}
