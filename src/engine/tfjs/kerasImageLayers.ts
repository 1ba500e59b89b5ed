/**
 * CenterCrop and Resizing for tfjs (see kerasLayers.ts): tfjs' CenterCrop overwrites its input's shape and its
 * Resizing fails on our configs. Ours crop as keras/src/layers/preprocessing/image_preprocessing/center_crop.py
 * (start = diff // 2) and resize with half-pixel centres like Keras on JAX (jax.image.resize).
 */
import { first, isChannelsFirst } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function imageLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  class CenterCrop extends Layer {
    static className = 'CenterCrop';
    private readonly height: number;
    private readonly width: number;
    private readonly channelsFirst: boolean;
    constructor(args: any) {
      super(args);
      this.height = args.height;
      this.width = args.width;
      this.channelsFirst = isChannelsFirst(args.dataFormat);
    }
    computeOutputShape(s: (number | null)[]): (number | null)[] {
      return this.channelsFirst ? [s[0]!, s[1]!, this.height, this.width] : [s[0]!, this.height, this.width, s[3]!];
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      const x = first(inputs);
      const [hAxis, wAxis] = this.channelsFirst ? [2, 3] : [1, 2];
      const begin = [0, 0, 0, 0];
      const size = [-1, -1, -1, -1];
      begin[hAxis] = Math.floor((x.shape[hAxis]! - this.height) / 2);
      begin[wAxis] = Math.floor((x.shape[wAxis]! - this.width) / 2);
      size[hAxis] = this.height;
      size[wAxis] = this.width;
      return tf.slice(x, begin, size);
    }
    getConfig(): any {
      return { ...super.getConfig(), height: this.height, width: this.width, dataFormat: this.channelsFirst ? 'channelsFirst' : 'channelsLast' };
    }
  }

  class Resizing extends Layer {
    static className = 'Resizing';
    private readonly height: number;
    private readonly width: number;
    private readonly nearest: boolean;
    constructor(args: any) {
      super(args);
      this.height = args.height;
      this.width = args.width;
      this.nearest = args.interpolation === 'nearest';
    }
    computeOutputShape(s: (number | null)[]): (number | null)[] {
      return [s[0]!, this.height, this.width, s[3]!];
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      const x = first(inputs) as any;
      const size: [number, number] = [this.height, this.width];
      return this.nearest ? tf.image.resizeNearestNeighbor(x, size, false, true) : tf.image.resizeBilinear(x, size, false, true);
    }
    getConfig(): any {
      return { ...super.getConfig(), height: this.height, width: this.width, interpolation: this.nearest ? 'nearest' : 'bilinear' };
    }
  }

  return [CenterCrop, Resizing];
}
