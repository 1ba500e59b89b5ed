/**
 * Conv1DTranspose and DepthwiseConv1D, which tfjs-layers lacks, as Keras 3 computes them
 * (keras/src/layers/convolutional/{conv1d_transpose,depthwise_conv1d}.py): the 2D kernels of tfjs on a
 * height-1 image. The transposed convolution's output length is Keras' `deconv_output_length`, so
 * `output_padding` is honoured; `dilation_rate` > 1 on the transpose is a departure (core tfjsSupport).
 */
import { deconvOutputLength } from '../../core/layers/shapeMath';
import { withZerosBetweenTaps } from './kerasConv';
import { first, isChannelsFirst, tfjsObject } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

const one = (v: unknown, fallback: number): number => (Array.isArray(v) ? Number(v[0]) : v === undefined || v === null ? fallback : Number(v));

/** What both layers share: the 1D arguments, bias, activation, and the (batch, steps, channels) view. */
function conv1dBase(tf: Tf, Layer: AnyClass) {
  return class Conv1DBase extends Layer {
    readonly kernelSize: number;
    readonly stride: number;
    readonly padding: 'valid' | 'same';
    readonly dilation: number;
    readonly cf: boolean;
    readonly useBias: boolean;
    readonly activationLayer: any;
    readonly regularizers: Record<string, any>;
    readonly constraints: Record<string, any>;
    bias: any = null;
    constructor(args: any) {
      super(args);
      this.kernelSize = one(args.kernelSize, 1);
      this.stride = one(args.strides, 1);
      this.padding = args.padding === 'same' ? 'same' : 'valid';
      this.dilation = one(args.dilationRate, 1);
      this.cf = isChannelsFirst(args.dataFormat);
      this.useBias = args.useBias !== false;
      this.activationLayer = tf.layers.activation({ activation: args.activation ?? 'linear' });
      this.regularizers = { kernel: tfjsObject(tf, args.kernelRegularizer ?? args.depthwiseRegularizer), bias: tfjsObject(tf, args.biasRegularizer) };
      this.constraints = { kernel: tfjsObject(tf, args.kernelConstraint ?? args.depthwiseConstraint), bias: tfjsObject(tf, args.biasConstraint) };
    }
    channelsOf(s: (number | null)[]): number {
      return (this.cf ? s[1] : s[2])!;
    }
    addKernel(name: string, shape: number[]): any {
      return this.addWeight(name, shape, 'float32', tf.initializers.zeros(), this.regularizers.kernel, true, this.constraints.kernel);
    }
    addBias(units: number): void {
      if (this.useBias) this.bias = this.addWeight('bias', [units], 'float32', tf.initializers.zeros(), this.regularizers.bias, true, this.constraints.bias);
    }
    /** Runs `op` on the input as (batch, 1, steps, channels) and returns (batch, steps', channels') with bias and activation. */
    run(inputs: Tensor | Tensor[], op: (x4: Tensor) => Tensor): Tensor {
      return tf.tidy(() => {
        let x = first(inputs);
        if (this.cf) x = tf.transpose(x, [0, 2, 1]);
        const y4 = op(tf.expandDims(x, 1));
        let y = tf.squeeze(y4, [1]);
        if (this.bias) y = tf.add(y, this.bias.read());
        y = this.activationLayer.apply(y) as Tensor;
        return this.cf ? tf.transpose(y, [0, 2, 1]) : y;
      });
    }
  };
}

export function conv1dLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  const Conv1DBase = conv1dBase(tf, Layer);

  class Conv1DTranspose extends Conv1DBase {
    static className = 'Conv1DTranspose';
    readonly filters: number;
    readonly outputPadding: number | null;
    kernel: any = null;
    constructor(args: any) {
      super(args);
      this.filters = args.filters;
      this.outputPadding = args.outputPadding === null || args.outputPadding === undefined ? null : one(args.outputPadding, 0);
    }
    build(s: (number | null)[]): void {
      this.kernel = this.addKernel('kernel', [this.kernelSize, this.filters, this.channelsOf(s)]);
      this.addBias(this.filters);
      this.built = true;
    }
    outLength(steps: number | null): number | null {
      return deconvOutputLength(steps, this.kernelSize, this.padding, this.outputPadding, this.stride, this.dilation);
    }
    computeOutputShape(s: (number | null)[]): (number | null)[] {
      return this.cf ? [s[0]!, this.filters, this.outLength(s[2]!)] : [s[0]!, this.outLength(s[1]!), this.filters];
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return this.run(inputs, (x4) => {
        const [batch, , steps] = x4.shape as number[];
        const kernel = tf.expandDims(this.kernel.read(), 0) as Tensor;
        return tf.conv2dTranspose(x4 as never, kernel as never, [batch!, 1, this.outLength(steps!)!, this.filters], [1, this.stride], this.padding);
      });
    }
  }

  class DepthwiseConv1D extends Conv1DBase {
    static className = 'DepthwiseConv1D';
    readonly depthMultiplier: number;
    kernel: any = null;
    constructor(args: any) {
      super(args);
      this.depthMultiplier = args.depthMultiplier ?? 1;
    }
    build(s: (number | null)[]): void {
      const channels = this.channelsOf(s);
      this.kernel = this.addKernel('depthwise_kernel', [this.kernelSize, channels, this.depthMultiplier]);
      this.addBias(channels * this.depthMultiplier);
      this.built = true;
    }
    computeOutputShape(s: (number | null)[]): (number | null)[] {
      const steps = this.cf ? s[2]! : s[1]!;
      const span = this.kernelSize + (this.kernelSize - 1) * (this.dilation - 1);
      const out = steps === null ? null : this.padding === 'same' ? Math.ceil(steps / this.stride) : Math.floor((steps - span) / this.stride) + 1;
      const channels = this.channelsOf(s) * this.depthMultiplier;
      return this.cf ? [s[0]!, channels, out] : [s[0]!, out, channels];
    }
    call(inputs: Tensor | Tensor[], kwargs?: any): Tensor {
      // tfjs-core has no gradient for a dilated depthwise convolution: in training the kernel takes the
      // dilation as zeros between its taps (kerasConv.ts).
      const spread = kwargs?.training === true && this.dilation > 1;
      return this.run(inputs, (x4) => {
        const taps = this.kernel.read() as Tensor;
        const kernel = tf.expandDims(spread ? withZerosBetweenTaps(tf, taps, [this.dilation]) : taps, 0) as Tensor;
        return tf.depthwiseConv2d(x4 as never, kernel as never, [1, this.stride], this.padding, 'NHWC', [1, spread ? 1 : this.dilation]);
      });
    }
  }

  return [Conv1DTranspose, DepthwiseConv1D];
}
