/**
 * Conv2DBackpropInput for the tfjs webgpu backend: the backend's own implicit-GEMM program
 * (Conv2DDerInputMMProgram, shared-memory tiled like its Conv2D forward) instead of the naive one it picks by
 * default (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE=true: one thread per dx element looping over KH x KW x Cout).
 * tfjs 4.22 `kernels/Conv2DBackpropInput.ts` reads the flag on every call, so flipping it for the duration of
 * the call selects the matmul path without touching any other kernel; NCHW keeps the naive program there.
 * The matmul path is checked against the cpu backend in test/unit/kernels/webgpu-kernels.test.ts.
 */
import type { KernelFunc } from '@tensorflow/tfjs';
import type { Tf } from '../../tf';

const NAIVE_FLAG = 'WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE';

export function webgpuConv2dBackpropInput(tf: Tf, stock: KernelFunc): KernelFunc {
  return (args) => {
    const env = tf.env();
    if (!env.getBool(NAIVE_FLAG)) return stock(args);
    env.set(NAIVE_FLAG, false);
    try {
      return stock(args);
    } finally {
      env.set(NAIVE_FLAG, true);
    }
  };
}
