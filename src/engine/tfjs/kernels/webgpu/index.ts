/**
 * Kernels replaced on the tfjs webgpu backend (see ../index.ts for how they are registered and restored):
 * - Conv2DBackpropFilter: split-K implicit GEMM instead of one thread per filter element (conv_backprop_filter.ts).
 * - Conv2DBackpropInput: the backend's own tiled matmul program instead of its naive default (conv_backprop_input.ts).
 */
import type { KernelFunc } from '@tensorflow/tfjs';
import type { Tf } from '../../tf';
import { webgpuConv2dBackpropFilter } from './conv_backprop_filter';
import { webgpuConv2dBackpropInput } from './conv_backprop_input';

export function webgpuKernels(tf: Tf, stockFunc: (name: string) => KernelFunc): Map<string, KernelFunc> {
  const kernels = new Map<string, KernelFunc>();
  kernels.set('Conv2DBackpropFilter', webgpuConv2dBackpropFilter(tf, stockFunc('Conv2DBackpropFilter')));
  kernels.set('Conv2DBackpropInput', webgpuConv2dBackpropInput(tf, stockFunc('Conv2DBackpropInput')));
  return kernels;
}
