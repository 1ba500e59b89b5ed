/**
 * Catalog layers as PyTorch code with Keras' semantics: tensors keep Keras' layout between layers (convolutions
 * and pooling in ./torchConv.ts), LSTM gates keep Keras' order (i, f, c, o, which is torch's), GRU gates are
 * reordered (Keras z, r, h; torch r, z, n) and `reset_after=False` has its own module (KerasGRU),
 * BatchNormalization momentum m becomes torch's 1 - m. A layer or option without a faithful equivalent is
 * reported, not approximated.
 */
import { withDefaults } from '../layers';
import { reductionAxes } from '../layers/operations';
import { KERAS_EPSILON } from '../layers/normalizeOps';
import { rmsAxes } from '../layers/rmsNormalization';
import type { LayerInfo } from '../analysis';
import type { Json, JsonObject } from '../types';
import { pyNum, pyValue } from './python';
import { act, channelsFirst, ints, lastDim, T, tuple, type TorchLayer, type TorchResult } from './torchCommon';
import { conv, pooling } from './torchConv';

export type { TorchLayer, TorchResult };

function recurrent(className: string, c: JsonObject, info: LayerInfo, weightBase = 0): TorchResult {
  if (c.activation !== undefined && c.activation !== 'tanh') return { unsupported: `activation=${JSON.stringify(c.activation)} (torch's recurrent layers use tanh)` };
  if (className !== 'SimpleRNN' && (c.recurrent_activation ?? 'sigmoid') !== 'sigmoid') return { unsupported: `recurrent_activation=${JSON.stringify(c.recurrent_activation)}` };
  if (Number(c.dropout ?? 0) > 0 || Number(c.recurrent_dropout ?? 0) > 0) return { unsupported: 'dropout on the inputs or the recurrent state' };
  if (c.return_state || c.stateful) return { unsupported: 'return_state or stateful' };
  const cls = { SimpleRNN: 'RNN', LSTM: 'LSTM', GRU: 'GRU' }[className];
  if (!cls) return { unsupported: `${className} inside a wrapper` };
  const useBias = c.use_bias !== false;
  const units = Number(c.units);
  // Keras' GRU blocks are (z, r, h); torch's are (r, z, n).
  const order = className === 'GRU' ? `gru_order(${units})` : ':';
  const flip = (x: string) => (c.go_backwards ? `torch.flip(${x}, dims=(1,))` : x);
  // With Keras' mask the recurrence runs step by step: a masked step keeps the state (keras/src/backend/jax/rnn.py).
  const run = (x: string, m: string, mask?: string) => (mask ? `masked_rnn(${m}, ${flip(x)}, ${flip(mask)}${c.zero_output_for_mask ? ', zero_output=True' : ''})` : `${m}(${flip(x)})[0]`);
  const call = (x: string[], m: string, mask?: string) => `${run(x[0], m, mask)}${c.return_sequences ? '' : '[:, -1]'}`;
  if (className === 'GRU' && c.reset_after === false) {
    const b = weightBase;
    return {
      init: `KerasGRU(${lastDim(info)}, ${units}, bias=${useBias ? 'True' : 'False'})`,
      call,
      usesMask: true,
      load: (m, w) => ['kernel', 'recurrent_kernel', ...(useBias ? ['bias'] : [])].map((n, i) => `${m}.${n}.copy_(torch.from_numpy(${w(b + i)}))`),
    };
  }
  return {
    init: `nn.${cls}(${lastDim(info)}, ${units}, batch_first=True, bias=${useBias ? 'True' : 'False'})`,
    call,
    usesMask: true,
    load: (m, w) => {
      const b = weightBase;
      const lines = [`${m}.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(${w(b)}[:, ${order}].T)))`, `${m}.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(${w(b + 1)}[:, ${order}].T)))`];
      if (!useBias) return lines;
      if (className === 'GRU') return [...lines, `${m}.bias_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(${w(b + 2)}[0, ${order}])))`, `${m}.bias_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(${w(b + 2)}[1, ${order}])))`];
      return [...lines, `${m}.bias_ih_l0.copy_(torch.from_numpy(${w(b + 2)}))`, `${m}.bias_hh_l0.zero_()`];
    },
  };
}

function bidirectional(c: JsonObject, info: LayerInfo): TorchResult {
  const inner = c.layer as JsonObject | undefined;
  if (!inner || typeof inner.class_name !== 'string') return { unsupported: 'no wrapped layer' };
  const ic = withDefaults(inner.class_name, (inner.config ?? {}) as JsonObject);
  // keras/src/layers/rnn/bidirectional.py: both directions output zeros at masked steps when returning sequences.
  const zero = { zero_output_for_mask: !!ic.return_sequences };
  const fwd = recurrent(inner.class_name, { ...ic, ...zero, go_backwards: false }, info, 0);
  if ('unsupported' in fwd) return fwd;
  const n = ic.use_bias === false ? 2 : 3;
  const bwd = recurrent(inner.class_name, { ...ic, ...zero, go_backwards: true }, info, n);
  if ('unsupported' in bwd) return bwd;
  const merge = String(c.merge_mode ?? 'concat');
  const seq = !!ic.return_sequences;
  const merged: Record<string, (a: string, b: string) => string> = {
    concat: (a, b) => `torch.cat([${a}, ${b}], dim=-1)`,
    sum: (a, b) => `${a} + ${b}`,
    mul: (a, b) => `${a} * ${b}`,
    ave: (a, b) => `(${a} + ${b}) / 2`,
  };
  if (!merged[merge]) return { unsupported: `merge_mode=${merge}` };
  return {
    init: `nn.ModuleList([${fwd.init}, ${bwd.init}])`,
    // The backward pass reads the sequence reversed; its sequence output is flipped back to line up (Keras does the same).
    call: (x, m, mask) => merged[merge](fwd.call(x, `${m}[0]`, mask), seq ? `torch.flip(${bwd.call(x, `${m}[1]`, mask)}, dims=(1,))` : bwd.call(x, `${m}[1]`, mask)),
    usesMask: true,
    load: (m, w) => [...fwd.load!(`${m}[0]`, w), ...bwd.load!(`${m}[1]`, w)],
  };
}

const MERGES: Record<string, (xs: string[], c: JsonObject) => string> = {
  Add: (xs) => xs.join(' + '),
  Subtract: (xs) => `${xs[0]} - ${xs[1]}`,
  Multiply: (xs) => xs.join(' * '),
  Average: (xs) => `(${xs.join(' + ')}) / ${xs.length}`,
  Maximum: (xs) => xs.slice(1).reduce((a, b) => `torch.maximum(${a}, ${b})`, xs[0]),
  Minimum: (xs) => xs.slice(1).reduce((a, b) => `torch.minimum(${a}, ${b})`, xs[0]),
  Concatenate: (xs, c) => `torch.cat([${xs.join(', ')}], dim=${Number(c.axis ?? -1)})`,
};

function dense(c: JsonObject, info: LayerInfo): TorchResult {
  const a = act(c.activation);
  if (typeof a === 'string') return { unsupported: a };
  const useBias = c.use_bias !== false;
  return {
    init: `nn.Linear(${lastDim(info)}, ${c.units}, bias=${useBias ? 'True' : 'False'})`,
    call: (x, m) => a(`${m}(${x[0]})`),
    load: (m, w) => [`${m}.weight.copy_(torch.from_numpy(np.ascontiguousarray(${T(w(0))})))`, ...(useBias ? [`${m}.bias.copy_(torch.from_numpy(${w(1)}))`] : [])],
  };
}

function normalization(className: string, c: JsonObject, info: LayerInfo): TorchResult {
  const rank = info.inputShapes[0]?.length ?? 2;
  const ch = lastDim(info);
  if (className === 'LayerNormalization') {
    const axis = c.axis;
    if (!(axis === -1 || axis === rank - 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1)))) return { unsupported: `axis=${JSON.stringify(axis)} (only the last axis)` };
    if (c.scale === false) return { unsupported: 'scale=False' };
    const center = c.center !== false;
    return {
      init: `nn.LayerNorm(${ch}, eps=${pyNum(Number(c.epsilon ?? 1e-3), true)}, bias=${center ? 'True' : 'False'})`,
      call: (x, m) => `${m}(${x[0]})`,
      load: (m, w) => [`${m}.weight.copy_(torch.from_numpy(${w(0)}))`, ...(center ? [`${m}.bias.copy_(torch.from_numpy(${w(1)}))`] : [])],
    };
  }
  const axis = Number(Array.isArray(c.axis) ? c.axis[0] : (c.axis ?? -1));
  const at = axis < 0 ? rank + axis : axis;
  const center = c.center !== false;
  const scale = c.scale !== false;
  if (center !== scale) return { unsupported: 'center and scale differ (torch has one affine switch)' };
  const C = info.inputShapes[0]?.[at];
  const dims = rank <= 3 ? 1 : rank - 2;
  // Keras' moving average keeps `momentum` of the old value; torch's `momentum` is the weight of the new one.
  const init = `nn.BatchNorm${dims}d(${C}, eps=${pyNum(Number(c.epsilon ?? 1e-3), true)}, momentum=${pyNum(1 - Number(c.momentum ?? 0.99), true)}, affine=${center ? 'True' : 'False'})`;
  return {
    init,
    call: (x, m) => (at === 1 ? `${m}(${x[0]})` : `${m}(${x[0]}.movedim(${at}, 1)).movedim(1, ${at})`),
    load: (m, w) => {
      const o = center ? 2 : 0;
      return [
        ...(center ? [`${m}.weight.copy_(torch.from_numpy(${w(0)}))`, `${m}.bias.copy_(torch.from_numpy(${w(1)}))`] : []),
        `${m}.running_mean.copy_(torch.from_numpy(${w(o)}))`,
        `${m}.running_var.copy_(torch.from_numpy(${w(o + 1)}))`,
      ];
    },
  };
}

/** Reshaping layers; `first` is Keras' channels_first (the channels at axis 1, the spatial axes after it). */
function reshaping(className: string, c: JsonObject): TorchResult {
  const first = channelsFirst(c);
  const [h, w] = first ? [2, 3] : [1, 2];
  switch (className) {
    case 'Flatten':
      // keras/src/layers/reshaping/flatten.py: channels_first moves the channels last before flattening.
      return { call: (x) => `torch.flatten(${first ? `${x[0]}.movedim(1, -1)` : x[0]}, 1)` };
    case 'Reshape':
      return { call: (x) => `${x[0]}.reshape((${x[0]}.shape[0],) + ${pyValue(c.target_shape as Json)})` };
    case 'Permute':
      return { call: (x) => `${x[0]}.permute((0,) + ${pyValue(c.dims as Json)})` };
    case 'RepeatVector':
      return { call: (x) => `${x[0]}.unsqueeze(1).repeat(1, ${c.n}, 1)` };
    case 'UpSampling1D':
      return { call: (x) => `${x[0]}.repeat_interleave(${c.size}, dim=1)` };
    case 'UpSampling2D': {
      const [sh, sw] = ints(c.size, 2);
      const how = String(c.interpolation ?? 'nearest');
      if (how === 'nearest') return { call: (x) => `${x[0]}.repeat_interleave(${sh}, dim=${h}).repeat_interleave(${sw}, dim=${w})` };
      if (how !== 'bilinear') return { unsupported: `interpolation=${JSON.stringify(how)}` };
      // Keras resizes with half-pixel centres and edge samples renormalised (keras/src/layers/reshaping/
      // up_sampling2d.py -> ops.image.resize), which is torch's align_corners=False when enlarging.
      const resize = (x: string) => `F.interpolate(${x}, size=(${x}.shape[2] * ${sh}, ${x}.shape[3] * ${sw}), mode="bilinear", align_corners=False)`;
      return { call: (x) => (first ? resize(x[0]) : `${resize(`${x[0]}.movedim(-1, 1)`)}.movedim(1, -1)`) };
    }
    case 'ZeroPadding1D': {
      const [l, r] = ints(c.padding, 2);
      return { call: (x) => `F.pad(${x[0]}, (0, 0, ${l}, ${r}))` };
    }
    case 'ZeroPadding2D': {
      const p = (Array.isArray(c.padding) ? c.padding : [c.padding, c.padding]) as Json[];
      const [[t, b], [l, r]] = p.map((q) => ints(q, 2));
      return { call: (x) => `F.pad(${x[0]}, (${first ? '' : '0, 0, '}${l}, ${r}, ${t}, ${b}))` };
    }
    case 'Cropping1D': {
      const [a, b] = ints(c.cropping, 2);
      return { call: (x) => `${x[0]}[:, ${a}:${x[0]}.shape[1] - ${b}]` };
    }
    case 'Cropping2D': {
      const [[t, b], [l, r]] = (c.cropping as Json[]).map((q) => ints(q, 2));
      return { call: (x) => `${x[0]}[:, ${first ? ':, ' : ''}${t}:${x[0]}.shape[${h}] - ${b}, ${l}:${x[0]}.shape[${w}] - ${r}]` };
    }
  }
  return { unsupported: 'no PyTorch translation' };
}

function activationLayer(className: string, c: JsonObject, info: LayerInfo): TorchResult {
  switch (className) {
    case 'Activation': {
      const a = act(c.activation);
      return typeof a === 'string' ? { unsupported: a } : { call: (x) => a(x[0]) };
    }
    case 'ReLU':
      return { call: (x) => `keras_relu(${x[0]}, ${pyValue(c.max_value ?? null, true)}, ${pyNum(Number(c.negative_slope ?? 0), true)}, ${pyNum(Number(c.threshold ?? 0), true)})` };
    case 'LeakyReLU':
      return { call: (x) => `F.leaky_relu(${x[0]}, ${pyNum(Number(c.alpha ?? 0.3), true)})` };
    case 'ELU':
      return { call: (x) => `F.elu(${x[0]}, ${pyNum(Number(c.alpha ?? 1), true)})` };
    case 'Softmax':
      return { call: (x) => `torch.softmax(${x[0]}, dim=${Number(Array.isArray(c.axis) ? c.axis[0] : (c.axis ?? -1))})` };
    case 'PReLU': {
      const shared = new Set((Array.isArray(c.shared_axes) ? c.shared_axes : c.shared_axes == null ? [] : [c.shared_axes]) as number[]);
      const shape = info.inputShapes[0].slice(1).map((d, i) => (shared.has(i + 1) ? 1 : Number(d)));
      return {
        init: `nn.Parameter(torch.zeros(${tuple(shape)}))`,
        call: (x, m) => `torch.where(${x[0]} >= 0, ${x[0]}, ${m} * ${x[0]})`,
        load: (m, w) => [`${m}.copy_(torch.from_numpy(${w(0)}))`],
      };
    }
  }
  return { unsupported: 'no PyTorch translation' };
}

/** Keras operations (core/layers/operations.ts) as torch functions; axes are Keras' (tensors keep its layout). */
const TORCH_ELEMENTWISE: Record<string, string> = {
  Absolute: 'abs', Negative: 'neg', Sqrt: 'sqrt', Exp: 'exp', Log: 'log', Square: 'square', Reciprocal: 'reciprocal',
  Floor: 'floor', Ceil: 'ceil', Sign: 'sign', Sin: 'sin', Cos: 'cos', Tan: 'tan', Erf: 'erf',
};
const TORCH_REDUCTIONS: Record<string, string> = { Sum: 'sum', Mean: 'mean', Max: 'amax', Min: 'amin' };

function operation(cls: string, c: JsonObject, info: LayerInfo): TorchResult | undefined {
  const fn = TORCH_ELEMENTWISE[cls];
  if (fn) return { call: (x) => `torch.${fn}(${x[0]})` };
  if (cls === 'Divide') return { call: (x) => `torch.div(${x[0]}, ${x[1]})` };
  // numpy's clip order: the upper bound wins when the bounds cross (torch.clamp does the same).
  if (cls === 'Clip') return { call: (x) => `torch.clamp(${x[0]}, min=${pyNum(Number(c.x_min), true)}, max=${pyNum(Number(c.x_max), true)})` };
  const reduce = TORCH_REDUCTIONS[cls];
  if (!reduce) return undefined;
  const axes = reductionAxes(info.inputShapes[0]!, c);
  const call = (x: string) => `torch.${reduce}(${x}, dim=${tuple(axes)}, keepdim=${c.keepdims === true ? 'True' : 'False'})`;
  if (typeof c.initial !== 'number') return { call: (x) => call(x[0]!) };
  return { call: (x) => `torch.clamp(${call(x[0]!)}, ${cls === 'Max' ? 'min' : 'max'}=${pyNum(c.initial as number, true)})` };
}

/** The PyTorch translation of one layer, or why there is none. */
export function torchLayer(info: LayerInfo, config: JsonObject): TorchResult {
  const cls = info.className;
  const c = withDefaults(cls, config);
  const op = operation(cls, c, info);
  if (op) return op;
  if (cls === 'Dense') return dense(c, info);
  // Conv1D..Conv3D(Transpose), not ConvLSTM*D (a recurrent layer: no translation yet).
  if (/^(Conv\d|SeparableConv|DepthwiseConv)/.test(cls)) return conv(cls, c, info);
  if (/Pooling/.test(cls)) return pooling(cls, c);
  if (cls === 'SimpleRNN' || cls === 'LSTM' || cls === 'GRU') return recurrent(cls, c, info);
  if (cls === 'Bidirectional') return bidirectional(c, info);
  if (cls === 'TimeDistributed') {
    const inner = c.layer as JsonObject | undefined;
    if (inner?.class_name !== 'Dense') return { unsupported: 'only a wrapped Dense (it acts on the last axis)' };
    return dense(withDefaults('Dense', (inner.config ?? {}) as JsonObject), info);
  }
  if (cls === 'BatchNormalization' || cls === 'LayerNormalization') return normalization(cls, c, info);
  // F.normalize is x / max(|x|_p, eps), which Keras' order-2 form x * min(rsqrt(sum(x²)), 1 / eps) equals.
  if (cls === 'Normalize') return { call: (x) => `F.normalize(${x[0]}, p=${Number(c.order)}, dim=${Number(c.axis)}, eps=${pyNum(typeof c.epsilon === 'number' ? c.epsilon : KERAS_EPSILON, true)})` };
  if (cls === 'Tril' || cls === 'Triu') return { call: (x) => `torch.${cls.toLowerCase()}(${x[0]}, diagonal=${Number(c.k ?? 0)})` };
  if (cls === 'RMSNormalization') {
    // torch's RMSNorm (2.4+): x * rsqrt(mean(x²) + eps) * weight over the trailing normalized_shape, as Keras.
    const dims = rmsAxes(info.inputShapes[0]!, c).dims;
    return { init: `nn.RMSNorm((${dims.join(', ')},), eps=${pyNum(Number(c.epsilon ?? 1e-6), true)})`, call: (x, m) => `${m}(${x[0]})`, load: (m, w) => [`${m}.weight.copy_(torch.from_numpy(${w(0)}))`] };
  }
  if (cls === 'Dropout') return { init: `nn.Dropout(${pyNum(Number(c.rate), true)})`, call: (x, m) => `${m}(${x[0]})` };
  if (cls === 'Embedding') {
    return { init: `nn.Embedding(${c.input_dim}, ${c.output_dim})`, call: (x, m) => `${m}(${x[0]}.long())`, load: (m, w) => [`${m}.weight.copy_(torch.from_numpy(${w(0)}))`] };
  }
  if (MERGES[cls]) return { call: (xs) => MERGES[cls](xs, c) };
  if (cls === 'Dot') {
    if (info.inputShapes.some((s) => s.length !== 2)) return { unsupported: 'Dot of inputs with more than one feature axis' };
    const norm = (x: string) => (c.normalize ? `F.normalize(${x}, dim=-1)` : x);
    return { call: (xs) => `(${norm(xs[0])} * ${norm(xs[1])}).sum(dim=-1, keepdim=True)` };
  }
  const r = reshaping(cls, c);
  if (!('unsupported' in r) || !/^(Activation|ReLU|LeakyReLU|ELU|Softmax|PReLU)$/.test(cls)) return r;
  return activationLayer(cls, c, info);
}
