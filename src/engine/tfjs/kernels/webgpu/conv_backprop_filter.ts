/**
 * Conv2DBackpropFilter for the tfjs webgpu backend: split-K implicit GEMM (filter_grad_programs.ts) in place
 * of the stock one-thread-per-filter-element shader. NCHW and non-float32 go to the stock kernel (tfjs' conv2d
 * gradient already refuses dilations > 1, and Conv2DBackpropFilter has no dilations attribute).
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../../tf';
import { FilterGradPartialProgram, SumPartialsProgram, filterGradTiling } from './filter_grad_programs';
import { isWebGpuBackend, type ProgramUniform } from './program';

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | { top: number; bottom: number; left: number; right: number; type: string };
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function webgpuConv2dBackpropFilter(tf: Tf, stock: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as FilterGradAttrs;
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    if (!isWebGpuBackend(backend) || attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') {
      return stock(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad as Parameters<typeof tf.backend_util.computeConv2DInfo>[4],
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const m = info.filterHeight * info.filterWidth * info.inChannels;
    const n = info.outChannels;
    const k = info.batchSize * info.outHeight * info.outWidth;
    const tiling = filterGradTiling(m, n, k);
    const partialShape = tiling.splits === 1 ? info.filterShape : [tiling.splits, m, n];
    const uniforms: ProgramUniform[] = [
      { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
      { type: 'int32', data: [info.strideHeight, info.strideWidth] },
      { type: 'int32', data: [info.inHeight] },
      { type: 'int32', data: [info.inWidth] },
      { type: 'int32', data: [info.inChannels] },
      { type: 'int32', data: [info.filterWidth] },
      { type: 'int32', data: [info.outHeight] },
      { type: 'int32', data: [info.outWidth] },
      { type: 'int32', data: [m] },
      { type: 'int32', data: [n] },
      { type: 'int32', data: [k] },
      { type: 'int32', data: [tiling.kChunk] },
    ];
    const partial = backend.runWebGPUProgram(new FilterGradPartialProgram(partialShape, m, n, tiling), [x, dy], 'float32', uniforms);
    if (tiling.splits === 1) return partial;
    const out = backend.runWebGPUProgram(new SumPartialsProgram(info.filterShape), [partial], 'float32', [
      { type: 'int32', data: [tiling.splits] },
    ]);
    backend.disposeData(partial.dataId);
    return out;
  };
}
