/**
 * The Keras operations of the catalog (core/layers/operations.ts) as ONNX operators: one element-wise
 * operator each (Square as Mul(x, x)), and ReduceSum / ReduceMean / ReduceMax / ReduceMin over the Keras axes
 * (axes an input from opset 13 for ReduceSum, 18 for the others), then Max / Min with `initial` when given;
 * Divide as Div (both sides in Keras layout, same rank, so ONNX broadcasts as Keras does).
 */
import { reductionAxes } from '../../../core/layers/operations';
import { ONNX_ELEMENTWISE } from '../operationNames';
import type { LayerExporter, LayerExporters } from './context';


const elementwise = (op: string): LayerExporter => ({
  emit: (ctx, [x]) => ctx.e.elementwise(x!, ctx.name, (v) => ctx.op(op, [v])),
});

const square: LayerExporter = { emit: (ctx, [x]) => ctx.e.elementwise(x!, ctx.name, (v) => ctx.op('Mul', [v, v])) };

const reduction = (op: string, axesInputFrom: number): LayerExporter => ({
  emit(ctx, [x]) {
    const { e, c } = ctx;
    const axes = reductionAxes(ctx.inShapes[0]!, c);
    const keepdims = c.keepdims === true ? 1 : 0;
    const v = e.last(x!, ctx.name);
    let y = e.opset >= axesInputFrom ? ctx.op(op, [v, e.i64(`${ctx.name}/axes`, [axes.length], axes)], { keepdims }) : ctx.op(op, [v], { axes, keepdims });
    if (typeof c.initial === 'number') y = ctx.op(op === 'ReduceMax' ? 'Max' : 'Min', [y, e.scalar(`${ctx.name}/initial`, c.initial)]);
    return { rank: keepdims ? x!.rank : x!.rank - axes.length, last: y };
  },
});

const divide: LayerExporter = { emit: (ctx, [a, b]) => ({ rank: a!.rank, last: ctx.op('Div', [ctx.e.last(a!, ctx.name), ctx.e.last(b!, ctx.name)]) }) };

/** Clip, its bounds as inputs (every opset the exporter writes, 13 and up, takes them so). */
const clip: LayerExporter = {
  emit(ctx, [x]) {
    const { e, c } = ctx;
    return e.elementwise(x!, ctx.name, (v) => ctx.op('Clip', [v, e.scalar(`${ctx.name}/min`, Number(c.x_min)), e.scalar(`${ctx.name}/max`, Number(c.x_max))]));
  },
};

export const operationExporters: LayerExporters = {
  Clip: clip,
  Divide: divide,
  ...Object.fromEntries(Object.entries(ONNX_ELEMENTWISE).map(([op, cls]) => [cls, elementwise(op)])),
  Square: square,
  Sum: reduction('ReduceSum', 13),
  Mean: reduction('ReduceMean', 18),
  Max: reduction('ReduceMax', 18),
  Min: reduction('ReduceMin', 18),
};
