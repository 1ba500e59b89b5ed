/**
 * Keras' Normalize operation (core/layers/normalizeOps.ts) as ONNX: order 2 as x * Min(1 / Sqrt(ReduceSumSquare),
 * 1 / epsilon), order 1 as x / Max(ReduceL1, epsilon), along the Keras axis (axes an input from opset 18).
 */
import { KERAS_EPSILON } from '../../../core/layers/normalizeOps';
import type { LayerExporters } from './context';

export const normalizeOperationExporters: LayerExporters = {
  Normalize: {
    check: (_layer, c) => (c.order === 1 || c.order === 2 ? undefined : 'only orders 1 and 2 have an ONNX reduction'),
    emit(ctx, [x]) {
      const { e, c } = ctx;
      const v = e.last(x!, ctx.name);
      const axis = Number(c.axis ?? -1) < 0 ? x!.rank + Number(c.axis ?? -1) : Number(c.axis);
      const eps = typeof c.epsilon === 'number' ? c.epsilon : KERAS_EPSILON;
      const op = c.order === 1 ? 'ReduceL1' : 'ReduceSumSquare';
      const norm = e.opset >= 18 ? ctx.op(op, [v, ctx.i64('axes', [axis])], { keepdims: 1 }) : ctx.op(op, [v], { axes: [axis], keepdims: 1 });
      if (c.order === 1) return { rank: x!.rank, last: ctx.op('Div', [v, ctx.op('Max', [norm, e.scalar(`${ctx.name}/epsilon`, eps)])]) };
      const inv = ctx.op('Min', [ctx.op('Reciprocal', [ctx.op('Sqrt', [norm])]), e.scalar(`${ctx.name}/max_inv_norm`, 1 / eps)]);
      return { rank: x!.rank, last: ctx.op('Mul', [v, inv]) };
    },
  },
};
