/** Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot. */
import type { Val } from '../emitter';
import type { LayerContext, LayerExporter, LayerExporters } from './context';

function l2Normalize(ctx: LayerContext, x: string): string {
  const sq = ctx.op('ReduceSum', [ctx.op('Mul', [x, x]), ctx.i64('axes', [1])], { keepdims: 1 });
  const norm = ctx.op('Sqrt', [ctx.op('Max', [sq, ctx.e.scalar(`${ctx.name}/eps`, 1e-12)])]);
  return ctx.op('Div', [x, norm]);
}

function merge(ctx: LayerContext, ins: Val[]): Val {
  const { e } = ctx;
  const rank = ins[0]!.rank;
  const useFirst = rank > 2 && ins.every((v) => v.first && !v.last);
  const xs = ins.map((v) => (useFirst ? v.first! : e.last(v, ctx.name)));
  const chain = (op: string) => xs.slice(1).reduce((acc, t) => ctx.op(op, [acc, t]), xs[0]!);
  let y: string;
  switch (ctx.layer.className) {
    case 'Add':
      y = xs.length === 2 ? ctx.op('Add', xs) : ctx.op('Sum', xs);
      break;
    case 'Subtract':
      y = ctx.op('Sub', xs);
      break;
    case 'Multiply':
      y = chain('Mul');
      break;
    case 'Average':
      y = ctx.op('Mean', xs);
      break;
    case 'Maximum':
      y = ctx.op('Max', xs);
      break;
    default:
      y = ctx.op('Min', xs);
  }
  return useFirst ? { rank, first: y } : { rank, last: y };
}

const elementwiseMerge: LayerExporter = { emit: merge };

export const mergeExporters: LayerExporters = {
  Add: elementwiseMerge,
  Subtract: elementwiseMerge,
  Multiply: elementwiseMerge,
  Average: elementwiseMerge,
  Maximum: elementwiseMerge,
  Minimum: elementwiseMerge,
  Concatenate: {
    emit(ctx, ins) {
      const { e, c } = ctx;
      const x = ins[0]!;
      const axis = typeof c.axis === 'number' ? c.axis : -1;
      const a = axis < 0 ? x.rank + axis : axis;
      if (x.rank > 2 && ins.every((v) => v.first && !v.last)) {
        const onnxAxis = a === 0 ? 0 : a === x.rank - 1 ? 1 : a + 1;
        return { rank: x.rank, first: ctx.op('Concat', ins.map((v) => v.first!), { axis: onnxAxis }) };
      }
      return { rank: x.rank, last: ctx.op('Concat', ins.map((v) => e.last(v, ctx.name)), { axis: a }) };
    },
  },
  Dot: {
    check(_layer, c, inShapes) {
      const axes = Array.isArray(c.axes) ? c.axes : [c.axes, c.axes];
      const ok = inShapes.length === 2 && inShapes.every((s) => s.length === 2) && axes.every((a) => a === 1 || a === -1);
      return ok ? undefined : 'only the dot product of two (batch, features) inputs is supported';
    },
    emit(ctx, ins) {
      let [p, q] = ins.map((v) => ctx.e.last(v, ctx.name)) as [string, string];
      if (ctx.c.normalize === true) [p, q] = [l2Normalize(ctx, p), l2Normalize(ctx, q)];
      return { rank: 2, last: ctx.op('ReduceSum', [ctx.op('Mul', [p, q]), ctx.i64('axes', [1])], { keepdims: 1 }) };
    },
  },
};
