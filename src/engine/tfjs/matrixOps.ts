/**
 * The matrix operations of the catalog (core/layers/matrixOps.ts) as tfjs layer classes: Tril and Triu keep the
 * elements of the last two axes with column - row <= k (Tril) or >= k (Triu), zero the others, in the input's
 * dtype (numpy's tril and triu select; nothing is computed in float).
 */
import { first } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function matrixOperationLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  return (['Tril', 'Triu'] as const).map(
    (name) =>
      class extends Layer {
        static className = name;
        readonly k: number;
        constructor(args: any) {
          super(args);
          this.k = args.k ?? 0;
        }
        call(inputs: Tensor | Tensor[]): Tensor {
          return tf.tidy(() => {
            const x = first(inputs);
            const [m, n] = x.shape.slice(-2) as number[];
            const keep = Array.from({ length: m! * n! }, (_, i) => {
              const d = (i % n!) - Math.floor(i / n!);
              return name === 'Tril' ? d <= this.k : d >= this.k;
            });
            const mask = tf.broadcastTo(tf.tensor(keep, [m!, n!], 'bool'), x.shape);
            return tf.where(mask, x, tf.zerosLike(x));
          });
        }
        getConfig(): any {
          return { ...super.getConfig(), k: this.k };
        }
      },
  );
}
