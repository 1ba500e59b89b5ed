/** Pooling: Max/AveragePooling1D/2D/3D and their global forms. */
import type { Val } from '../emitter';
import { asNums, convPads, type LayerContext, type LayerExporter, type LayerExporters } from './context';

function pool(ctx: LayerContext, x: Val, max: boolean): Val {
  const n = x.rank - 2;
  const c = ctx.c;
  const kernel = asNums(c.pool_size, n, 2);
  const strides = c.strides === null || c.strides === undefined ? kernel : asNums(c.strides, n, 1);
  const pads = convPads(String(c.padding), ctx.inShapes[0]!.slice(1, -1), kernel, strides, new Array<number>(n).fill(1));
  // TF averages over the real pixels only when padding 'same': count_include_pad=0 (ONNX' default).
  const attrs = max ? { kernel_shape: kernel, strides, ...pads } : { kernel_shape: kernel, strides, count_include_pad: 0, ...pads };
  return { rank: x.rank, first: ctx.op(max ? 'MaxPool' : 'AveragePool', [ctx.e.first(x, ctx.name)], attrs) };
}

const maxPool: LayerExporter = { emit: (ctx, [x]) => pool(ctx, x!, true) };
const averagePool: LayerExporter = { emit: (ctx, [x]) => pool(ctx, x!, false) };

function globalPool(op: 'GlobalMaxPool' | 'GlobalAveragePool'): LayerExporter {
  return {
    emit(ctx, [x]) {
      const y = ctx.op(op, [ctx.e.first(x!, ctx.name)]);
      if (ctx.c.keepdims === true) return { rank: x!.rank, first: y };
      return { rank: 2, last: ctx.op('Flatten', [y], { axis: 1 }) };
    },
  };
}

export const poolingExporters: LayerExporters = {
  MaxPooling1D: maxPool,
  MaxPooling2D: maxPool,
  MaxPooling3D: maxPool,
  AveragePooling1D: averagePool,
  AveragePooling2D: averagePool,
  AveragePooling3D: averagePool,
  GlobalMaxPooling1D: globalPool('GlobalMaxPool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GlobalMaxPooling3D: globalPool('GlobalMaxPool'),
  GlobalAveragePooling1D: globalPool('GlobalAveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalAveragePooling3D: globalPool('GlobalAveragePool'),
};
