/**
 * The 3D reshaping and global pooling layers tfjs-layers lacks, as Keras 3 computes them
 * (keras/src/layers/reshaping/{zero_padding3d,cropping3d,up_sampling3d}.py,
 * keras/src/layers/pooling/global_*_pooling3d.py): zero padding, cropping, nearest repetition and
 * max/average over the three spatial axes, both data formats.
 */
import { first, isChannelsFirst } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

/** tfjs keeps Layer internals out of its typings. */
type AnyClass = new (...args: any[]) => any;


/** [before, after] for each of the three spatial axes, from any Keras form (int, [a, b, c], [[..], [..], [..]]). */
function pairs3(v: unknown): [number, number][] {
  if (typeof v === 'number') return [[v, v], [v, v], [v, v]];
  return (v as (number | number[])[]).map((e) => (typeof e === 'number' ? [e, e] : [e[0]!, e[1]!]));
}

/** Spatial axes of a rank-5 tensor in the layer's data format. */
const spatialAxes = (cf: boolean) => (cf ? [2, 3, 4] : [1, 2, 3]);

export function spatial3dLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  const globalPool = (kind: 'max' | 'average') =>
    class extends Layer {
      static className = `Global${kind === 'max' ? 'Max' : 'Average'}Pooling3D`;
      readonly cf: boolean;
      readonly keepdims: boolean;
      constructor(args: any) {
        super(args);
        this.cf = isChannelsFirst(args.dataFormat);
        this.keepdims = args.keepdims === true;
      }
      computeOutputShape(s: (number | null)[]): (number | null)[] {
        if (this.keepdims) return this.cf ? [s[0]!, s[1]!, 1, 1, 1] : [s[0]!, 1, 1, 1, s[4]!];
        return [s[0]!, this.cf ? s[1]! : s[4]!];
      }
      call(inputs: Tensor | Tensor[]): Tensor {
        const x = first(inputs);
        const axes = spatialAxes(this.cf);
        return kind === 'max' ? tf.max(x, axes, this.keepdims) : tf.mean(x, axes, this.keepdims);
      }
      getConfig(): any {
        return { ...super.getConfig(), dataFormat: this.cf ? 'channelsFirst' : 'channelsLast', keepdims: this.keepdims };
      }
    };

  const padCrop = (crop: boolean) =>
    class extends Layer {
      static className = crop ? 'Cropping3D' : 'ZeroPadding3D';
      readonly cf: boolean;
      readonly amounts: [number, number][];
      constructor(args: any) {
        super(args);
        this.cf = isChannelsFirst(args.dataFormat);
        this.amounts = pairs3(crop ? args.cropping : args.padding);
      }
      computeOutputShape(s: (number | null)[]): (number | null)[] {
        const out = [...s];
        spatialAxes(this.cf).forEach((axis, i) => {
          const d = out[axis];
          const [a, b] = this.amounts[i]!;
          out[axis] = d === null || d === undefined ? null : crop ? d - a - b : d + a + b;
        });
        return out;
      }
      call(inputs: Tensor | Tensor[]): Tensor {
        const x = first(inputs);
        const axes = spatialAxes(this.cf);
        if (!crop) {
          const pad: [number, number][] = x.shape.map((_, axis) => (axes.includes(axis) ? this.amounts[axes.indexOf(axis)]! : [0, 0]));
          return tf.pad(x, pad);
        }
        const begin = x.shape.map((_, axis) => (axes.includes(axis) ? this.amounts[axes.indexOf(axis)]![0] : 0));
        const size = x.shape.map((d, axis) => (axes.includes(axis) ? d! - this.amounts[axes.indexOf(axis)]![0] - this.amounts[axes.indexOf(axis)]![1] : -1));
        return tf.slice(x, begin, size);
      }
      getConfig(): any {
        return { ...super.getConfig(), [crop ? 'cropping' : 'padding']: this.amounts, dataFormat: this.cf ? 'channelsFirst' : 'channelsLast' };
      }
    };

  class UpSampling3D extends Layer {
    static className = 'UpSampling3D';
    readonly cf: boolean;
    readonly size: number[];
    constructor(args: any) {
      super(args);
      this.cf = isChannelsFirst(args.dataFormat);
      this.size = typeof args.size === 'number' ? [args.size, args.size, args.size] : args.size ?? [2, 2, 2];
    }
    computeOutputShape(s: (number | null)[]): (number | null)[] {
      const out = [...s];
      spatialAxes(this.cf).forEach((axis, i) => {
        const d = out[axis];
        out[axis] = d === null || d === undefined ? null : d * this.size[i]!;
      });
      return out;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        let x = first(inputs);
        // Keras' repeat_elements along each axis: element i becomes elements i*size .. i*size + size - 1. A gather
        // (tfjs has no gradient for tile beyond rank 5).
        spatialAxes(this.cf).forEach((axis, i) => {
          const n = this.size[i]!;
          if (n === 1) return;
          const indices = Array.from({ length: x.shape[axis]! * n }, (_, k) => Math.floor(k / n));
          x = tf.gather(x, tf.tensor1d(indices, 'int32'), axis);
        });
        return x;
      });
    }
    getConfig(): any {
      return { ...super.getConfig(), size: this.size, dataFormat: this.cf ? 'channelsFirst' : 'channelsLast' };
    }
  }

  return [globalPool('max'), globalPool('average'), padCrop(false), padCrop(true), UpSampling3D];
}
