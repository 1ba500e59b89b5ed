/**
 * The attention operations of the catalog (core/layers/attentionOps.ts) as ONNX operators of every opset the
 * exporter writes: DotProductAttention as MatMul, Mul by the scale, Add of the bias and of a constant causal
 * mask (-0.7 * float32 max above the diagonal, as Keras' JAX backend: key step 0 always stays visible, so the
 * sum never differs from Keras' replacement after the softmax), Softmax and MatMul, the heads moved as Keras'
 * (batch, steps, heads, depth) layout needs; grouped key and value heads repeated with Expand.
 */
import type { LayerContext, LayerExporter, LayerExporters } from './context';

const MASKED = -0.7 * 3.4028234663852886e38;

/** (B, S, K, H) with each head repeated `g` times in a row, then as (B, K * g, S, H). */
function heads(ctx: LayerContext, x: string, g: number, label: string): string {
  let y = x;
  if (g > 1) {
    const k = ctx.inShapes[1]![2]!;
    const expanded = ctx.op('Expand', [ctx.op('Unsqueeze', [x, ctx.i64(`${label}_axis`, [3])]), ctx.i64(`${label}_groups`, [1, 1, 1, g, 1])]);
    y = ctx.op('Reshape', [expanded, ctx.i64(`${label}_heads`, [0, 0, k * g, ctx.inShapes[1]![3]!])]);
  }
  return ctx.op('Transpose', [y], { perm: [0, 2, 1, 3] });
}

const dotProductAttention: LayerExporter = {
  check(_layer, c, inShapes) {
    const [q, k] = inShapes;
    if ([q![2], k![2], k![3]].some((d) => d === null)) return 'heads and depth must be known';
    if (c.is_causal === true && (q![1] === null || k![1] === null)) return 'a causal mask needs known query and key steps';
    return undefined;
  },
  emit(ctx, ins) {
    const [q, k, v, bias] = ins.map((x) => ctx.e.last(x, ctx.name));
    const [qs, ks] = ctx.inShapes as [(number | null)[], (number | null)[]];
    const g = qs[2]! / ks[2]!;
    const scale = typeof ctx.c.scale === 'number' ? ctx.c.scale : 1 / Math.sqrt(qs[3]!);
    const kt = ctx.op('Transpose', [heads(ctx, k!, g, 'key')], { perm: [0, 1, 3, 2] });
    let logits = ctx.op('Mul', [ctx.op('MatMul', [ctx.op('Transpose', [q!], { perm: [0, 2, 1, 3] }), kt]), ctx.e.scalar(`${ctx.name}/scale`, scale)]);
    if (bias) logits = ctx.op('Add', [logits, bias]);
    if (ctx.c.is_causal === true) {
      const [t, s] = [qs[1]!, ks[1]!];
      const mask = Float32Array.from({ length: t * s }, (_, i) => (i % s > Math.floor(i / s) ? MASKED : 0));
      logits = ctx.op('Add', [logits, ctx.e.f32(`${ctx.name}/causal`, [t, s], mask)]);
    }
    const y = ctx.op('MatMul', [ctx.op('Softmax', [logits], { axis: -1 }), heads(ctx, v!, g, 'value')]);
    return { rank: 4, last: ctx.op('Transpose', [y], { perm: [0, 2, 1, 3] }) };
  },
};

export const attentionOperationExporters: LayerExporters = { DotProductAttention: dotProductAttention };
