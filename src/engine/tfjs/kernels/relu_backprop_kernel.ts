/**
 * The gradient through a ReLU from its output y: dx = dy where y > 0, else 0 (jax.nn.relu's derivative, which
 * Keras trains with: 0 at 0 and for NaN). A kernel of our own on wasm (f32x4 on every core, ./wasm/reluBackprop.ts;
 * the JS loop where our wasm kernels are off) for the fused Conv2D + bias + ReLU (../fusedConv2d.ts): one pass
 * where tfjs runs Step, Cast and Multiply. Inputs {dy, y}, float32, same shape.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { TensorAccess } from './tensor_access';
import type { HeapAccess } from './wasm/heapKernels';

export const RELU_BACKPROP = 'ModelStudioReluBackprop';

export function reluBackprop(dy: Float32Array, y: Float32Array, out: Float32Array): void {
  for (let i = 0; i < dy.length; i++) out[i] = y[i] > 0 ? dy[i] : 0;
}

export function reluBackpropKernel(access: (backend: object) => TensorAccess, heap?: HeapAccess): KernelFunc {
  return (args) => {
    const { dy, y } = args.inputs as { dy: TensorInfo; y: TensorInfo };
    const a = access(args.backend);
    const count = dy.shape.reduce((p, d) => p * d, 1);
    if (!heap) return a.output([...dy.shape], (out) => reluBackprop(a.read(dy), a.read(y), out));
    const out = a.output([...dy.shape], () => {});
    heap.kernels.reluBackprop(heap.pointer(dy), heap.pointer(y), heap.pointer(out), count);
    return out;
  };
}
