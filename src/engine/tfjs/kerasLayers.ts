/**
 * Keras 3 layers that tfjs-layers lacks or computes differently, as tfjs layer classes registered under
 * Keras' class names (the model is built from its Keras JSON):
 * - Identity: tfjs' class of that name cannot be built from a config (no weight-init hooks);
 * - CenterCrop (tfjs' overwrites its input's shape) and Resizing (tfjs' fails on our configs), in
 *   kerasImageLayers.ts;
 * - UnitNormalization: x * min(rsqrt(sum(x², axis)), 1 / 1e-12) (keras/src/ops/nn.py `_normalize`);
 * - SpatialDropout2D/3D: dropout with one mask per feature map, noise shape (batch, 1, ..., channels);
 * - the 3D reshaping and global pooling layers (kerasLayers3d.ts), GroupNormalization (kerasGroupNorm.ts),
 *   Conv1DTranspose and DepthwiseConv1D (kerasConv1d.ts), Conv1D/2D/3D with groups or trained dilated (kerasConv.ts),
 *   Attention and AdditiveAttention (kerasAttention.ts),
 *   MultiHeadAttention (kerasMultiHeadAttention.ts), Normalization (kerasNormalization.ts), the Keras
 *   operations of the catalog (kerasOperations.ts).
 */
import { attentionLayers } from './kerasAttention';
import { multiHeadAttentionLayer } from './kerasMultiHeadAttention';
import { normalizationLayer } from './kerasNormalization';
import { operationLayers } from './kerasOperations';
import { attentionOperationLayers } from './attentionOps';
import { rmsNormalizationLayer } from './kerasRmsNormalization';
import { matrixOperationLayers } from './matrixOps';
import { normalizeOperationLayer } from './normalizeOps';
import { conv1dLayers } from './kerasConv1d';
import { groupNormalizationLayer } from './kerasGroupNorm';
import { convLayers } from './kerasConv';
import { imageLayers } from './kerasImageLayers';
import { first, isChannelsFirst } from './kerasLayerArgs';
import { spatial3dLayers } from './kerasLayers3d';
import type { Tensor, Tf } from './tf';

/** tfjs keeps Layer internals out of its typings. */
type AnyClass = new (...args: any[]) => any;

const registered = new WeakSet<object>();


export function registerKerasLayers(tf: Tf): void {
  if (registered.has(tf.serialization)) return;
  registered.add(tf.serialization);
  const Layer = tf.layers.Layer as unknown as AnyClass;

  class Identity extends Layer {
    static className = 'Identity';
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.clone(first(inputs));
    }
  }

  class UnitNormalization extends Layer {
    static className = 'UnitNormalization';
    private readonly axis: number | number[];
    constructor(args: any) {
      super(args);
      this.axis = args.axis ?? -1;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = first(inputs);
        const squareSum = tf.sum(tf.square(x), this.axis, true);
        return tf.mul(x, tf.minimum(tf.rsqrt(squareSum), 1e12));
      });
    }
    getConfig(): any {
      return { ...super.getConfig(), axis: this.axis };
    }
  }

  const spatialDropout = (dims: 2 | 3) =>
    class extends Layer {
      static className = `SpatialDropout${dims}D`;
      private readonly rate: number;
      private readonly channelsFirst: boolean;
      private readonly seed?: number;
      constructor(args: any) {
        super(args);
        this.rate = args.rate;
        this.channelsFirst = isChannelsFirst(args.dataFormat);
        this.seed = args.seed ?? undefined;
      }
      call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
        const x = first(inputs);
        if (!kwargs?.training || this.rate <= 0) return tf.clone(x);
        const ones = Array<number>(dims).fill(1);
        const noise = this.channelsFirst ? [x.shape[0]!, x.shape[1]!, ...ones] : [x.shape[0]!, ...ones, x.shape[dims + 1]!];
        return tf.dropout(x, this.rate, noise, this.seed);
      }
      getConfig(): any {
        return { ...super.getConfig(), rate: this.rate, dataFormat: this.channelsFirst ? 'channelsFirst' : 'channelsLast', seed: this.seed ?? null };
      }
    };

  const classes = [Identity, ...imageLayers(tf, Layer), UnitNormalization, spatialDropout(2), spatialDropout(3), ...spatial3dLayers(tf, Layer), groupNormalizationLayer(tf, Layer), ...conv1dLayers(tf, Layer), ...convLayers(tf), ...attentionLayers(tf, Layer), multiHeadAttentionLayer(tf, Layer), normalizationLayer(tf, Layer), rmsNormalizationLayer(tf, Layer), ...operationLayers(tf, Layer), ...attentionOperationLayers(tf, Layer), ...matrixOperationLayers(tf, Layer), normalizeOperationLayer(tf, Layer)];
  for (const cls of classes) tf.serialization.registerClass(cls as any);
}
