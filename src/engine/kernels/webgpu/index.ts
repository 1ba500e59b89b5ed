/**
 * Kernels replaced on the tfjs webgpu backend (see ../index.ts for how they are registered and restored):
 * - Conv2DBackpropFilter: split-K implicit GEMM instead of one thread per filter element (conv_backprop_filter.ts).
 */
import type { KernelFunc } from '@tensorflow/tfjs';
import type { Tf } from '../../tf';
import { webgpuConv2dBackpropFilter } from './conv_backprop_filter';

export function webgpuKernels(tf: Tf, stockFunc: (name: string) => KernelFunc): Map<string, KernelFunc> {
  const kernels = new Map<string, KernelFunc>();
  kernels.set('Conv2DBackpropFilter', webgpuConv2dBackpropFilter(tf, stockFunc('Conv2DBackpropFilter')));
  return kernels;
}
