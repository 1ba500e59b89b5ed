/** The core layers: inputs, Dense (and TimeDistributed(Dense)), Embedding, and the layers inference skips. */
import type { JsonObject } from '../../../core/types';
import { DT } from '../proto';
import type { Val } from '../emitter';
import { activation } from './activations';
import { ACTIVATIONS, activationOf, innerOf, type LayerContext, type LayerExporter, type LayerExporters } from './context';

export function dense(ctx: LayerContext, x: Val, c: JsonObject, prefix: string): Val {
  const { e } = ctx;
  const kernel = ctx.init(`${prefix}kernel`);
  const input = e.last(x, ctx.name);
  let y: string;
  if (x.rank === 2) {
    y = ctx.op('Gemm', c.use_bias !== false ? [input, kernel, ctx.init(`${prefix}bias`)] : [input, kernel]);
  } else {
    y = ctx.op('MatMul', [input, kernel]);
    if (c.use_bias !== false) y = ctx.op('Add', [y, ctx.init(`${prefix}bias`)]);
  }
  return activation(ctx, { rank: x.rank, last: y }, activationOf(c));
}

/** Noise, dropout and regularization layers compute the identity at inference. */
const passThrough: LayerExporter = { emit: (_ctx, [x]) => x! };

export const coreExporters: LayerExporters = {
  // Graph inputs are declared by exportOnnx itself; no node is emitted for them.
  InputLayer: {
    emit() {
      throw new Error('InputLayer reached the emitter');
    },
  },
  Dense: { emit: (ctx, [x]) => dense(ctx, x!, ctx.c, '') },
  TimeDistributed: {
    check(layer) {
      const inner = innerOf(layer);
      if (!inner || inner.className !== 'Dense') return 'only TimeDistributed(Dense) is supported';
      return ACTIVATIONS.has(activationOf(inner.config)) ? undefined : `activation "${activationOf(inner.config)}" has no ONNX form here`;
    },
    emit: (ctx, [x]) => dense(ctx, x!, innerOf(ctx.layer)!.config, ''),
  },
  Embedding: {
    check: (_layer, c) => (c.mask_zero === true ? 'mask_zero=true (masking of later layers) has no ONNX form' : undefined),
    emit(ctx, [x]) {
      const idx = ctx.op('Cast', [ctx.e.last(x!, ctx.name)], { to: DT.INT64 });
      return { rank: x!.rank + 1, last: ctx.op('Gather', [ctx.init('embeddings'), idx], { axis: 0 }) };
    },
  },
  Dropout: passThrough,
  GaussianNoise: passThrough,
  GaussianDropout: passThrough,
  AlphaDropout: passThrough,
  SpatialDropout1D: passThrough,
  SpatialDropout2D: passThrough,
  SpatialDropout3D: passThrough,
  Identity: passThrough,
  // keras/src/layers/preprocessing/rescaling.py: x * scale + offset.
  Rescaling: {
    emit(ctx, [x]) {
      const { e } = ctx;
      const scaled = ctx.op('Mul', [e.last(x!, ctx.name), e.scalar(`${ctx.name}/scale`, Number(ctx.c.scale))]);
      return { rank: x!.rank, last: ctx.op('Add', [scaled, e.scalar(`${ctx.name}/offset`, Number(ctx.c.offset ?? 0))]) };
    },
  },
  ActivityRegularization: passThrough,
};
