/** Activation layers, and the Keras activations other layers fuse (Dense(activation='relu') and the like). */
import type { Val } from '../emitter';
import { activationOf, type LayerContext, type LayerExporters } from './context';

/** Applies a Keras activation (by name) to an ONNX tensor of rank `rank`; softmax runs over the last Keras axis. */
export function activation(ctx: LayerContext, v: Val, name: string): Val {
  const { e } = ctx;
  const unary = (fn: (x: string) => string) => e.elementwise(v, ctx.name, fn);
  switch (name) {
    case 'linear':
      return v;
    case 'relu':
      return unary((x) => ctx.op('Relu', [x]));
    case 'relu6':
      return unary((x) => ctx.op('Clip', [x, e.scalar(`${ctx.name}/zero`, 0), e.scalar(`${ctx.name}/six`, 6)]));
    case 'sigmoid':
      return unary((x) => ctx.op('Sigmoid', [x]));
    case 'hard_sigmoid':
      // TF.js and Keras 2: clip(0.2 x + 0.5, 0, 1) (tfjs-layers backend/tfjs_backend.ts hardSigmoid).
      return unary((x) => ctx.op('HardSigmoid', [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } }));
    case 'tanh':
      return unary((x) => ctx.op('Tanh', [x]));
    case 'softplus':
      return unary((x) => ctx.op('Softplus', [x]));
    case 'softsign':
      return unary((x) => ctx.op('Softsign', [x]));
    case 'selu':
      return unary((x) => ctx.op('Selu', [x]));
    case 'elu':
      return unary((x) => ctx.op('Elu', [x], { alpha: { float: 1 } }));
    case 'exponential':
      return unary((x) => ctx.op('Exp', [x]));
    case 'leaky_relu':
      return unary((x) => ctx.op('LeakyRelu', [x], { alpha: { float: 0.2 } }));
    case 'swish':
    case 'silu':
      return unary((x) => ctx.op('Mul', [x, ctx.op('Sigmoid', [x])]));
    case 'mish':
      return unary((x) => ctx.op('Mul', [x, ctx.op('Tanh', [ctx.op('Softplus', [x])])]));
    case 'gelu':
      // The exact form TF.js uses: x * 0.5 * (1 + erf(x / sqrt(2))) (tfjs-layers activations.ts Gelu).
      return unary((x) => {
        const erf = ctx.op('Erf', [ctx.op('Div', [x, e.scalar(`${ctx.name}/sqrt2`, Math.SQRT2)])]);
        const cdf = ctx.op('Mul', [ctx.op('Add', [erf, e.scalar(`${ctx.name}/one`, 1)]), e.scalar(`${ctx.name}/half`, 0.5)]);
        return ctx.op('Mul', [x, cdf]);
      });
    case 'softmax':
    case 'log_softmax':
      return { rank: v.rank, last: ctx.op(name === 'softmax' ? 'Softmax' : 'LogSoftmax', [e.last(v, ctx.name)], { axis: -1 }) };
    default:
      throw new Error(`activation ${name} reached the emitter`);
  }
}

export const activationExporters: LayerExporters = {
  Activation: { emit: (ctx, [x]) => activation(ctx, x!, activationOf(ctx.c)) },
  ReLU: {
    check(_layer, c) {
      const threshold = typeof c.threshold === 'number' ? c.threshold : 0;
      const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
      if (threshold !== 0) return 'threshold other than 0 is not supported';
      if (slope !== 0 && c.max_value !== null && c.max_value !== undefined) return 'negative_slope together with max_value is not supported';
      return undefined;
    },
    emit(ctx, [x]) {
      const { e, c } = ctx;
      const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
      if (slope !== 0) return e.elementwise(x!, ctx.name, (t) => ctx.op('LeakyRelu', [t], { alpha: { float: slope } }));
      if (typeof c.max_value === 'number') {
        const max = c.max_value;
        return e.elementwise(x!, ctx.name, (t) => ctx.op('Clip', [t, e.scalar(`${ctx.name}/min`, 0), e.scalar(`${ctx.name}/max`, max)]));
      }
      return e.elementwise(x!, ctx.name, (t) => ctx.op('Relu', [t]));
    },
  },
  LeakyReLU: {
    emit(ctx, [x]) {
      const c = ctx.c;
      const alpha = typeof c.alpha === 'number' ? c.alpha : typeof c.negative_slope === 'number' ? c.negative_slope : 0.3;
      return ctx.e.elementwise(x!, ctx.name, (t) => ctx.op('LeakyRelu', [t], { alpha: { float: alpha } }));
    },
  },
  ELU: {
    emit(ctx, [x]) {
      const alpha = typeof ctx.c.alpha === 'number' ? ctx.c.alpha : 1;
      return ctx.e.elementwise(x!, ctx.name, (t) => ctx.op('Elu', [t], { alpha: { float: alpha } }));
    },
  },
  PReLU: {
    // alpha has the input's shape without the batch axis (1 on shared axes): it broadcasts in Keras layout.
    emit: (ctx, [x]) => ({ rank: x!.rank, last: ctx.op('PRelu', [ctx.e.last(x!, ctx.name), ctx.init('alpha')]) }),
  },
  Softmax: {
    emit(ctx, [x]) {
      const c = ctx.c;
      const axis = typeof c.axis === 'number' ? c.axis : Array.isArray(c.axis) && c.axis.length === 1 ? Number(c.axis[0]) : -1;
      return { rank: x!.rank, last: ctx.op('Softmax', [ctx.e.last(x!, ctx.name)], { axis }) };
    },
  },
};
