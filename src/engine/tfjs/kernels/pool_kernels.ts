/**
 * MaxPoolGrad as one flat pass over NHWC typed arrays (the stock cpu kernel recomputes argmax positions into a
 * TensorBuffer and reads dy per element with TensorBuffer.get; wasm's C loop is ~65 ms per mnist-cnn batch of 128).
 */
import type { backend_util as BackendUtil, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { nhwcGeometry } from './geometry';
import { maxPoolGradNHWC } from './pooling';
import type { TensorAccess } from './tensor_access';

export interface PoolDeps {
  backendUtil: typeof BackendUtil;
  access(backend: object): TensorAccess;
  stock: KernelFunc | null;
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
    return a.output([...input.shape], (dx) => maxPoolGradNHWC(a.read(input), a.read(dy), g, dx));
  };
}
