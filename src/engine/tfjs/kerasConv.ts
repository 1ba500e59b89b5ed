/**
 * Conv1D/2D/3D as Keras 3 trains them where tfjs-layers cannot; these classes extend tfjs' own Conv1D/2D/3D
 * under the same names and take over only in these two cases (otherwise every call is tfjs' own code):
 * - `groups` > 1 (keras/src/layers/convolutional/base_conv.py): the input channels are split into `groups`
 *   equal parts, each convolved with its own slice of the filters, and the results concatenated; kernel
 *   (*kernel_size, channels / groups, filters). tfjs-layers has no `groups`.
 * - `dilation_rate` > 1 in training: tfjs-core has no gradient for a dilated convolution (it throws "dilation
 *   rates greater than 1 are not yet supported in gradients"). The same convolution is the kernel with
 *   dilation - 1 zeros between its taps at dilation 1: the sums are the same (the extra terms are exact
 *   zeros), and pad/reshape/slice carry the gradient back to the taps. Inference keeps the native dilation.
 * Gradients come from the tfjs ops (split, conv, concat, pad, reshape, slice). SeparableConv2D's depthwise
 * step takes the same zero-spread kernel in training.
 * And a speed path: a plain Conv2D with a bias and ReLU trains as one fused forward kernel with its own gradient
 * on wasm (./fusedConv2d.ts).
 */
import { first, isChannelsFirst } from './kerasLayerArgs';
import { canFuseConv, fusedConv2dRelu } from './fusedConv2d';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

type Rank = 1 | 2 | 3;

/** tfjs' own class for a rank, taken from an instance (the classes themselves are not exported). */
function tfjsConvClass(tf: Tf, rank: Rank): AnyClass {
  const make = [tf.layers.conv1d, tf.layers.conv2d, tf.layers.conv3d][rank - 1]!;
  return (make({ filters: 1, kernelSize: 1 }) as object).constructor as AnyClass;
}

function kerasConv(tf: Tf, rank: Rank): AnyClass {
  const Base = tfjsConvClass(tf, rank);
  /** Channels-last <-> channels-first permutations of a rank+2 tensor. */
  const toLast = [0, ...Array.from({ length: rank }, (_, i) => i + 2), 1];
  const toFirst = [0, rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)];
  return class KerasConv extends Base {
    static className = `Conv${rank}D`;
    readonly groups: number;
    constructor(args: any) {
      const { groups, ...rest } = args ?? {};
      super(rest);
      this.groups = groups ?? 1;
    }
    build(inputShape: any): void {
      if (this.groups === 1) return super.build(inputShape);
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
      const axis = isChannelsFirst(this.dataFormat) ? 1 : s.length - 1;
      const channels = s[axis]!;
      // The catalog checks divisibility before a model is built (core/layers/convolution.ts).
      this.kernel = this.addWeight('kernel', [...this.kernelSize, channels / this.groups, this.filters], 'float32', this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
      if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
      this.inputSpec = [{ ndim: rank + 2, axes: { [axis]: channels } }];
      this.built = true;
    }
    dilations(): number[] {
      const dil = this.dilationRate as number | number[];
      return typeof dil === 'number' ? new Array<number>(rank).fill(dil) : dil;
    }
    call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
      const dilateKernel = kwargs?.training === true && this.dilations().some((d) => d > 1);
      if (this.fusesInTraining(kwargs)) {
        return tf.tidy(() => fusedConv2dRelu(tf, first(inputs), this.kernel.read(), this.bias.read(), {
          strides: this.strides as [number, number],
          padding: this.padding,
        }));
      }
      if (this.groups === 1 && !dilateKernel) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const cf = isChannelsFirst(this.dataFormat);
        let x = first(inputs);
        if (cf) x = tf.transpose(x, toLast);
        let kernel = this.kernel.read() as Tensor;
        let dilations = this.dilations();
        if (dilateKernel) {
          kernel = withZerosBetweenTaps(tf, kernel, dilations);
          dilations = dilations.map(() => 1);
        }
        const xs = this.groups === 1 ? [x] : tf.split(x, this.groups, -1);
        const ks = this.groups === 1 ? [kernel] : tf.split(kernel, this.groups, -1);
        let y = xs.length === 1 ? this.convolve(x, kernel, dilations) : tf.concat(xs.map((xi, i) => this.convolve(xi, ks[i]!, dilations)), -1);
        if (this.bias) y = tf.add(y, this.bias.read() as Tensor);
        y = this.activation.apply(y) as Tensor;
        return cf ? tf.transpose(y, toFirst) : y;
      });
    }
    /** A plain channels-last Conv2D with a bias and ReLU, training on wasm (./fusedConv2d.ts). */
    fusesInTraining(kwargs: any): boolean {
      return (
        kwargs?.training === true && rank === 2 && this.groups === 1 && this.bias != null && !isChannelsFirst(this.dataFormat) &&
        this.dilations().every((d) => d === 1) && this.activation.getClassName() === 'relu' && canFuseConv(tf)
      );
    }
    /** One group's convolution, channels last. */
    convolve(x: Tensor, kernel: Tensor, dilations: number[]): Tensor {
      if (rank === 1) return tf.conv1d(x as never, kernel as never, this.strides[0], this.padding, 'NWC', dilations[0]);
      if (rank === 2) return tf.conv2d(x as never, kernel as never, this.strides as [number, number], this.padding, 'NHWC', dilations as [number, number]);
      return tf.conv3d(x as never, kernel as never, this.strides as [number, number, number], this.padding, 'NDHWC', dilations as [number, number, number]);
    }
    getConfig(): any {
      return { ...super.getConfig(), groups: this.groups };
    }
  };
}

/** The kernel (*taps, in, out) with d - 1 zeros between the taps of each spatial axis: size (k - 1) * d + 1. */
export function withZerosBetweenTaps(tf: Tf, kernel: Tensor, dilations: number[]): Tensor {
  let k = kernel;
  dilations.forEach((d, axis) => {
    if (d === 1) return;
    const shape = k.shape as number[];
    const taps = shape[axis]!;
    const pads: [number, number][] = [...shape.slice(0, axis + 1).map((): [number, number] => [0, 0]), [0, d - 1], ...shape.slice(axis + 1).map((): [number, number] => [0, 0])];
    const spread = tf.pad(tf.expandDims(k, axis + 1), pads);
    const merged = tf.reshape(spread, [...shape.slice(0, axis), taps * d, ...shape.slice(axis + 1)]);
    k = tf.slice(merged, shape.map(() => 0), [...shape.slice(0, axis), (taps - 1) * d + 1, ...shape.slice(axis + 1)]);
  });
  return k;
}

/** SeparableConv2D: tfjs' own, except a dilated one in training (its depthwise step has no dilated gradient). */
function separableConv2d(tf: Tf): AnyClass {
  const Base = (tf.layers.separableConv2d({ filters: 1, kernelSize: 1 }) as object).constructor as AnyClass;
  return class KerasSeparableConv2D extends Base {
    static className = 'SeparableConv2D';
    call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
      const dilations = this.dilationRate as number[];
      if (kwargs?.training !== true || dilations.every((d) => d === 1)) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const cf = isChannelsFirst(this.dataFormat);
        let x = first(inputs) as Tensor;
        if (cf) x = tf.transpose(x, [0, 2, 3, 1]);
        const depthwise = withZerosBetweenTaps(tf, this.depthwiseKernel.read() as Tensor, dilations);
        let y = tf.separableConv2d(x as never, depthwise as never, this.pointwiseKernel.read() as never, this.strides as [number, number], this.padding, 1, 'NHWC') as Tensor;
        if (this.bias) y = tf.add(y, this.bias.read() as Tensor);
        y = this.activation.apply(y) as Tensor;
        return cf ? tf.transpose(y, [0, 3, 1, 2]) : y;
      });
    }
  };
}

/** Conv1D, Conv2D, Conv3D, SeparableConv2D. */
export function convLayers(tf: Tf): AnyClass[] {
  return [kerasConv(tf, 1), kerasConv(tf, 2), kerasConv(tf, 3), separableConv2d(tf)];
}
