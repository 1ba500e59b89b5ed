/**
 * MaxPoolGrad as one flat pass over NHWC typed arrays (the stock cpu kernel recomputes argmax positions into a
 * TensorBuffer and reads dy per element with TensorBuffer.get; wasm's C loop is ~65 ms per mnist-cnn batch of 128).
 */
import type { backend_util as BackendUtil, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { nhwcGeometry, type WindowGeometry } from './geometry';
import { maxPoolGradNHWC } from './pooling';
import type { TensorAccess } from './tensor_access';
import type { HeapAccess } from './wasm/heapKernels';

export interface PoolDeps {
  backendUtil: typeof BackendUtil;
  access(backend: object): TensorAccess;
  stock: KernelFunc | null;
  /** wasm: our own kernel (f32x4, every core) for 2x2 stride-2 pooling over channels in multiples of 4. */
  heap?: HeapAccess;
}

/** Keras' default MaxPooling2D: 2x2 windows, strides 2, no padding (windows inside the image). */
function isDefault2x2(g: WindowGeometry): boolean {
  return g.kH === 2 && g.kW === 2 && g.strideH === 2 && g.strideW === 2 && g.padTop === 0 && g.padLeft === 0 && 2 * g.outH <= g.inH && 2 * g.outW <= g.inW;
}

/** The gradient with our wasm kernel; where a window needs the sequential scan, dx is recomputed in JS. */
function heapMaxPoolGrad(heap: HeapAccess, a: TensorAccess, input: TensorInfo, dy: TensorInfo, g: WindowGeometry): TensorInfo {
  const dx = a.output([...input.shape], (out) => {
    if (2 * g.outH !== g.inH || 2 * g.outW !== g.inW) out.fill(0);
  });
  const flags = a.output([heap.kernels.threads], () => {});
  try {
    if (!heap.kernels.maxPoolGrad2x2(heap.pointer(input), heap.pointer(dy), heap.pointer(dx), g, heap.pointer(flags))) {
      maxPoolGradNHWC(a.read(input), a.read(dy), g, a.read(dx));
    }
  } finally {
    a.dispose(flags);
  }
  return dx;
}

export function maxPoolGradKernel(deps: PoolDeps): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const attrs = args.attrs ?? {};
    const stock = deps.stock;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
      if (stock) return stock(args);
      throw new Error('MaxPoolGrad: float32 only on this backend.');
    }
    const info = deps.backendUtil.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs.filterSize as [number, number] | number,
      attrs.strides as [number, number] | number,
      1,
      attrs.pad as 'valid' | 'same' | number | BackendUtil.ExplicitPadding,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    const g = nhwcGeometry(info);
    if (!g) {
      if (stock) return stock(args);
      throw new Error('MaxPoolGrad: channels-last without dilation only on this backend.');
    }
    const a = deps.access(args.backend);
    if (deps.heap && g.inC % 4 === 0 && isDefault2x2(g)) return heapMaxPoolGrad(deps.heap, a, input, dy, g);
    return a.output([...input.shape], (dx) => maxPoolGradNHWC(a.read(input), a.read(dy), g, dx));
  };
}
