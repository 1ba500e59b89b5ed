/**
 * The matrix operations of the catalog (core/layers/matrixOps.ts) as ONNX: Tril / Triu as Trilu (upper 0 / 1,
 * k an int64 input) from opset 14; before it, a Mul by a constant 0/1 mask of the last two axes' known sizes.
 */
import type { LayerExporter, LayerExporters } from './context';

const triangle = (upper: boolean): LayerExporter => ({
  check: (_layer, _c, [x]) => (x!.slice(-2).some((d) => d === null) ? 'the last two axes must have known sizes (opsets before 14)' : undefined),
  emit(ctx, [x]) {
    const { e, c } = ctx;
    const v = e.last(x!, ctx.name);
    const k = Number(c.k ?? 0);
    if (e.opset >= 14) return { rank: x!.rank, last: ctx.op('Trilu', [v, e.i64(`${ctx.name}/k`, [], [k])], { upper: upper ? 1 : 0 }) };
    const [m, n] = ctx.inShapes[0]!.slice(-2) as number[];
    const mask = Float32Array.from({ length: m! * n! }, (_, i) => {
      const d = (i % n!) - Math.floor(i / n!);
      return (upper ? d >= k : d <= k) ? 1 : 0;
    });
    return { rank: x!.rank, last: ctx.op('Mul', [v, e.f32(`${ctx.name}/mask`, [m!, n!], mask)]) };
  },
});

export const matrixOperationExporters: LayerExporters = { Tril: triangle(false), Triu: triangle(true) };
