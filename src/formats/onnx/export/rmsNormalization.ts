/**
 * RMSNormalization (core/layers/rmsNormalization.ts) as ONNX operators of every opset the exporter writes:
 * x * 1 / sqrt(ReduceMean(x * x) + epsilon) * scale, over the trailing axes Keras normalizes.
 */
import { rmsAxes } from '../../../core/layers/rmsNormalization';
import type { LayerExporters } from './context';
import { reduceMean } from './normalization';

export const rmsNormalizationExporters: LayerExporters = {
  RMSNormalization: {
    emit(ctx, [x]) {
      const v = ctx.e.last(x!, ctx.name);
      const meanSquare = reduceMean(ctx, ctx.op('Mul', [v, v]), rmsAxes(ctx.inShapes[0]!, ctx.c).axes);
      const rrms = ctx.op('Reciprocal', [ctx.op('Sqrt', [ctx.op('Add', [meanSquare, ctx.e.scalar(`${ctx.name}/epsilon`, Number(ctx.c.epsilon ?? 1e-6))])])]);
      return { rank: x!.rank, last: ctx.op('Mul', [ctx.op('Mul', [v, rrms]), ctx.init('scale')]) };
    },
  },
};
