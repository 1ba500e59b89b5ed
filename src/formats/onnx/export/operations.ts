/**
 * The Keras operations of the catalog (core/layers/operations.ts) as ONNX operators: one element-wise
 * operator each (Square as Mul(x, x)), and ReduceSum / ReduceMean / ReduceMax / ReduceMin over the Keras axes
 * (axes an input from opset 13 for ReduceSum, 18 for the others), then Max / Min with `initial` when given;
 * Divide as Div (both sides in Keras layout, same rank, so ONNX broadcasts as Keras does); comparisons, logic,
 * Where, Mod and Power as their ONNX operators (logic and Where's condition cast to BOOL first: Keras reads
 * non-zero as true; float Mod as ONNX's C fmod moved to the divisor's sign, as numpy's mod); Argmax / Argmin
 * as ArgMax / ArgMin cast to Keras' int32.
 */
import { argAxis, reductionAxes } from '../../../core/layers/operations';
import type { Val } from '../emitter';
import { DT } from '../proto';
import { ONNX_ELEMENTWISE } from '../operationNames';
import type { LayerContext, LayerExporter, LayerExporters } from './context';


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

/** The inputs in one ONNX type: as they are when they share one (comparable, `boolOk` for Equal), else all cast to float. */
function sameType(ctx: LayerContext, ins: Val[], boolOk: boolean): { names: string[]; dtype: Val['dtype'] } {
  const names = ins.map((v) => ctx.e.last(v, ctx.name));
  const t = ins[0]!.dtype;
  if (ins.every((v) => v.dtype === t) && (t !== 'bool' || boolOk)) return { names, dtype: t };
  return { names: names.map((x, i) => (ins[i]!.dtype ? ctx.op('Cast', [x], { to: DT.FLOAT }) : x)), dtype: undefined };
}

const asBool = (ctx: LayerContext, v: Val) => (v.dtype === 'bool' ? ctx.e.last(v, ctx.name) : ctx.op('Cast', [ctx.e.last(v, ctx.name)], { to: DT.BOOL }));

const comparison = (op: string): LayerExporter => ({
  emit: (ctx, ins) => ({ rank: ins[0]!.rank, last: ctx.op(op, sameType(ctx, ins, op === 'Equal').names), dtype: 'bool' }),
});

const logic = (op: string): LayerExporter => ({
  emit: (ctx, ins) => ({ rank: ins[0]!.rank, last: ctx.op(op, ins.map((v) => asBool(ctx, v))), dtype: 'bool' }),
});

const arithmetic = (op: string): LayerExporter => ({
  emit(ctx, ins) {
    const { names: [a, b], dtype } = sameType(ctx, ins, false);
    if (op === 'Pow' || dtype === 'int32') return { rank: ins[0]!.rank, last: ctx.op(op, [a!, b!], op === 'Mod' ? { fmod: 0 } : {}), dtype };
    // Float Mod: ONNX needs fmod=1 (the dividend's sign); numpy's mod adds the divisor where the signs differ.
    const r = ctx.op('Mod', [a!, b!], { fmod: 1 });
    const zero = ctx.e.scalar(`${ctx.name}/zero`, 0);
    const flip = ctx.op('And', [ctx.op('Xor', [ctx.op('Less', [r, zero]), ctx.op('Less', [b!, zero])]), ctx.op('Not', [ctx.op('Equal', [r, zero])])]);
    return { rank: ins[0]!.rank, last: ctx.op('Where', [flip, ctx.op('Add', [r, b!]), r]) };
  },
});

const where: LayerExporter = {
  emit(ctx, [c, a, b]) {
    const { names, dtype } = sameType(ctx, [a!, b!], true);
    return { rank: Math.max(a!.rank, b!.rank, c!.rank), last: ctx.op('Where', [asBool(ctx, c!), ...names]), dtype };
  },
};

const argReduction = (op: string): LayerExporter => ({
  emit(ctx, [x]) {
    const axis = argAxis(ctx.inShapes[0]!, ctx.c);
    const keepdims = ctx.c.keepdims === true ? 1 : 0;
    const y = ctx.op(op, [ctx.e.last(x!, ctx.name)], { axis, keepdims, select_last_index: 0 });
    return { rank: keepdims ? x!.rank : x!.rank - 1, last: ctx.op('Cast', [y], { to: DT.INT32 }), dtype: 'int32' };
  },
});

/** Cast: ONNX's Cast to the same type (float to int32 truncates toward zero in both; to BOOL, non-zero is true). */
const castTo: LayerExporter = {
  emit(ctx, [x]) {
    const to = String(ctx.c.dtype ?? 'float32');
    const v = ctx.op('Cast', [ctx.e.last(x!, ctx.name)], { to: to === 'bool' ? DT.BOOL : to === 'int32' ? DT.INT32 : DT.FLOAT });
    return { rank: x!.rank, last: v, ...(to === 'bool' ? { dtype: 'bool' as const } : to === 'int32' ? { dtype: 'int32' as const } : {}) };
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
  Prod: reduction('ReduceProd', 18),
  Logsumexp: reduction('ReduceLogSumExp', 18),
  Equal: comparison('Equal'),
  Less: comparison('Less'),
  LessEqual: comparison('LessOrEqual'),
  Greater: comparison('Greater'),
  GreaterEqual: comparison('GreaterOrEqual'),
  LogicalAnd: logic('And'),
  LogicalOr: logic('Or'),
  LogicalXor: logic('Xor'),
  LogicalNot: logic('Not'),
  Mod: arithmetic('Mod'),
  Power: arithmetic('Pow'),
  Where: where,
  Argmax: argReduction('ArgMax'),
  Argmin: argReduction('ArgMin'),
  Cast: castTo,
};
