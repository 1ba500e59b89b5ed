/** Recurrent layers: SimpleRNN, LSTM, GRU and Bidirectional around one (as ONNX RNN / LSTM / GRU). */
import { UserError, type JsonObject, type NamedTensor } from '../../../core/types';
import { reorderGates, transposeData, type Emitter, type Val } from '../emitter';
import { activationOf, BIG, innerOf, type LayerContext, type LayerExporter, type LayerExporters } from './context';

/** ONNX's RNN operators take these activations by name (HardSigmoid's defaults 0.2/0.5 are Keras 2's and TF.js'). */
const RNN_ACTIVATIONS: Record<string, string> = { tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu', hard_sigmoid: 'HardSigmoid' };
const RNNS = new Set(['SimpleRNN', 'LSTM', 'GRU']);

function rnnReason(cls: string, c: JsonObject): string | undefined {
  if (c.return_state === true) return 'return_state=true is not supported';
  if (c.stateful === true) return 'stateful=true is not supported';
  if (c.time_major === true) return 'time_major=true is not supported';
  const acts = [activationOf(c), ...(cls === 'SimpleRNN' ? [] : [String(c.recurrent_activation ?? 'sigmoid')])];
  const bad = acts.find((a) => !(a in RNN_ACTIVATIONS));
  return bad ? `activation "${bad}" is not supported in ONNX recurrent operators` : undefined;
}

/**
 * SimpleRNN / LSTM / GRU (and Bidirectional around them) as ONNX RNN / LSTM / GRU.
 * Keras gate order: LSTM i, f, c, o; GRU z, r, h. ONNX: LSTM i, o, f, c; GRU z, r, h. Keras GRU with
 * reset_after=true applies the reset gate after the recurrent matmul with its own bias: ONNX
 * linear_before_reset=1 with the bias' second row as Rb.
 */
function recurrent(ctx: LayerContext, x: Val, cls: string, c: JsonObject, mergeMode: string | null): Val {
  const { e } = ctx;
  const units = Number(c.units);
  const gates = cls === 'LSTM' ? 4 : cls === 'GRU' ? 3 : 1;
  const order = cls === 'LSTM' ? [0, 3, 1, 2] : cls === 'GRU' ? [0, 1, 2] : [0];
  const dirs = mergeMode ? ['forward_', 'backward_'] : [''];
  const weightOf = (dir: string, what: string): NamedTensor => {
    if (!dir) return ctx.w(what);
    // Bidirectional weights are `<layer>/forward_<inner>/<what>` and `<layer>/backward_<inner>/<what>`.
    const found = ctx.allWeights().find((w) => w.name.startsWith(`${ctx.name}/${dir}`) && w.name.endsWith(`/${what}`));
    if (!found) throw new UserError(`The model has no weight ${ctx.name}/${dir}.../${what}`, 'initialise or train the model before exporting it to ONNX', 'onnx-no-weights');
    return found;
  };
  const W: number[] = [];
  const R: number[] = [];
  const B: number[] = [];
  const useBias = c.use_bias !== false;
  for (const dir of dirs) {
    const k = weightOf(dir, 'kernel');
    const r = weightOf(dir, 'recurrent_kernel');
    const inDim = k.shape[0]!;
    W.push(...transposeData(reorderGates(k.data, inDim, units, order), [inDim, gates * units], [1, 0]).data);
    R.push(...transposeData(reorderGates(r.data, units, units, order), [units, gates * units], [1, 0]).data);
    if (useBias) {
      const b = weightOf(dir, 'bias');
      if (b.shape.length === 2) {
        // GRU reset_after: row 0 is the input bias, row 1 the recurrent bias.
        B.push(...reorderGates(b.data.slice(0, gates * units), 1, units, order), ...reorderGates(b.data.slice(gates * units), 1, units, order));
      } else {
        B.push(...reorderGates(b.data, 1, units, order), ...new Array<number>(gates * units).fill(0));
      }
    }
  }
  const nd = dirs.length;
  const inDim = W.length / (nd * gates * units);
  const xs = ctx.op('Transpose', [e.last(x, ctx.name)], { perm: [1, 0, 2] });
  const inputs = [
    xs,
    e.f32(`${ctx.name}/W`, [nd, gates * units, inDim], W),
    e.f32(`${ctx.name}/R`, [nd, gates * units, units], R),
    useBias ? e.f32(`${ctx.name}/B`, [nd, 2 * gates * units], B) : '',
  ];
  const act = RNN_ACTIVATIONS[activationOf(c)]!;
  const rec = RNN_ACTIVATIONS[String(c.recurrent_activation ?? 'sigmoid')]!;
  const perDir = cls === 'LSTM' ? [rec, act, act] : cls === 'GRU' ? [rec, act] : [act];
  const direction = mergeMode ? 'bidirectional' : c.go_backwards === true ? 'reverse' : 'forward';
  const attrs: Parameters<Emitter['op']>[3] = {
    hidden_size: units,
    direction,
    activations: { strings: dirs.flatMap(() => perDir) },
  };
  if (cls === 'GRU') attrs.linear_before_reset = c.reset_after === true ? 1 : 0;
  const opType = cls === 'SimpleRNN' ? 'RNN' : cls;
  const [Y, Yh] = e.op(opType, inputs, ctx.name, attrs, 2) as [string, string];
  const seq = c.return_sequences === true;
  const combine = (a: string, b: string): string => {
    if (mergeMode === 'sum') return ctx.op('Add', [a, b]);
    if (mergeMode === 'mul') return ctx.op('Mul', [a, b]);
    return ctx.op('Mul', [ctx.op('Add', [a, b]), e.scalar(`${ctx.name}/half`, 0.5)]);
  };
  const pick = (t: string, axis: number, i: number) => ctx.op('Gather', [t, e.i64(`${ctx.name}/index${i}`, [], [i])], { axis });
  if (seq) {
    // Y: (steps, directions, batch, units) -> (batch, steps, directions, units).
    let y = ctx.op('Transpose', [Y], { perm: [2, 0, 1, 3] });
    if (direction === 'reverse') {
      // Keras' go_backwards keeps the outputs in processing order (last input step first); ONNX aligns them
      // with the inputs, so the time axis is flipped back.
      y = ctx.op('Slice', [y, ctx.i64('starts', [-1]), ctx.i64('ends', [-BIG]), ctx.i64('axes', [1]), ctx.i64('steps', [-1])]);
    }
    if (nd === 1 || mergeMode === 'concat') return { rank: 3, last: ctx.op('Reshape', [y, ctx.i64('shape', [0, 0, -1])]) };
    return { rank: 3, last: combine(pick(y, 2, 0), pick(y, 2, 1)) };
  }
  // Y_h: (directions, batch, units).
  if (nd === 1) return { rank: 2, last: ctx.op('Reshape', [Yh, ctx.i64('shape', [-1, units])]) };
  if (mergeMode === 'concat') {
    const t = ctx.op('Transpose', [Yh], { perm: [1, 0, 2] });
    return { rank: 2, last: ctx.op('Reshape', [t, ctx.i64('shape', [0, -1])]) };
  }
  return { rank: 2, last: combine(pick(Yh, 0, 0), pick(Yh, 0, 1)) };
}

const rnn: LayerExporter = {
  check: (layer, c) => rnnReason(layer.className, c),
  emit: (ctx, [x]) => recurrent(ctx, x!, ctx.layer.className, ctx.c, null),
};

export const recurrentExporters: LayerExporters = {
  SimpleRNN: rnn,
  LSTM: rnn,
  GRU: rnn,
  Bidirectional: {
    check(layer, c) {
      const inner = innerOf(layer);
      if (!inner || !RNNS.has(inner.className)) return 'only Bidirectional SimpleRNN, LSTM or GRU is supported';
      if (inner.config.go_backwards === true) return 'an inner layer with go_backwards=true is not supported';
      if (!['concat', 'sum', 'ave', 'mul'].includes(String(c.merge_mode))) return `merge_mode ${JSON.stringify(c.merge_mode)} is not supported`;
      return rnnReason(inner.className, inner.config);
    },
    emit(ctx, [x]) {
      const inner = innerOf(ctx.layer)!;
      return recurrent(ctx, x!, inner.className, inner.config, String(ctx.c.merge_mode));
    },
  },
};
