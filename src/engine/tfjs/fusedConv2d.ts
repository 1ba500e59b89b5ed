/**
 * Conv2D + bias + ReLU in training as ONE forward kernel and a hand-written gradient. tfjs
 * fuses bias and activation into the convolution only when no gradient is recorded, so a Keras Conv2D trains as
 * Conv2D, Add, Relu forward and Step, Cast, Multiply, Sum backward: four extra passes over the largest tensors of
 * a CNN. Here the forward is the backend's FusedConv2D (XNNPACK adds the bias and clamps in its output loop) and
 * the gradient is the ReLU mask from the output (kernels/relu_backprop_kernel.ts: jax.nn.relu's derivative, 0 at
 * 0), then the bias sum and the two convolution gradients, the kernels tfjs would run. Used where the backend
 * has the mask kernel (wasm with our kernels; on cpu the stock FusedConv2D bypasses our faster im2col Conv2D,
 * so it is not registered there); elsewhere, and for other activations, the layer takes tfjs' own path (which
 * already fuses a bias without activation).
 */
import { RELU_BACKPROP } from './kernels/relu_backprop_kernel';
import type { Tensor, Tf } from './tf';

export interface FusedConvArgs {
  strides: [number, number];
  padding: 'valid' | 'same';
}

/** Whether the current backend has what the fused training path needs. */
export function canFuseConv(tf: Tf): boolean {
  return !!tf.getKernel(RELU_BACKPROP, tf.getBackend()) && !!tf.getKernel('FusedConv2D', tf.getBackend());
}

/** y = relu(conv2d(x, kernel) + bias), NHWC, dilation 1; its gradients for x, kernel and bias. */
export function fusedConv2dRelu(tf: Tf, x: Tensor, kernel: Tensor, bias: Tensor, args: FusedConvArgs): Tensor {
  const attrs = { strides: args.strides, pad: args.padding, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
  const op = tf.customGrad((...inputs: unknown[]) => {
    const [xi, w, b, save] = inputs as [Tensor, Tensor, Tensor, (t: Tensor[]) => void];
    const y = tf.engine().runKernel('FusedConv2D', { x: xi, filter: w, bias: b }, { ...attrs, activation: 'relu' } as never) as Tensor;
    save([xi, w, y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws, ys] = saved;
        const g = tf.engine().runKernel(RELU_BACKPROP, { dy, y: ys }) as Tensor;
        return [
          tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter: ws }, { ...attrs, inputShape: xs.shape } as never) as Tensor,
          tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: g }, { ...attrs, filterShape: ws.shape } as never) as Tensor,
          tf.sum(g, [0, 1, 2]),
        ];
      },
    };
  });
  return op(x, kernel, bias) as Tensor;
}
