/**
 * Catalog layers as PyTorch code with Keras' semantics: tensors stay channels-last between layers (as in
 * Keras), convolutions and pooling move the channels for torch and back, 'same' pads as TensorFlow does (the
 * extra pixel at the end), LSTM gates keep Keras' order (i, f, c, o, which is torch's), GRU gates are reordered
 * (Keras z, r, h; torch r, z, n) and only `reset_after=True` (torch's formula) is supported, BatchNormalization
 * momentum m becomes torch's 1 - m. A layer or option without a faithful equivalent is reported, not approximated.
 */
import { withDefaults } from '../layers';
import type { LayerInfo } from '../analysis';
import type { Json, JsonObject } from '../types';
import { pyNum, pyValue } from './python';

export interface TorchLayer {
  /** `nn.Module` constructor, when the layer has one (`self.<attr> = ...`). */
  init?: string;
  /** The forward expression from the input variables; `m` is `self.<attr>`. */
  call(ins: string[], m: string): string;
  /** Lines that copy our weights into `m`; `w(i)` is the expression of the layer's i-th weight (numpy). */
  load?(m: string, w: (i: number) => string): string[];
}

export type TorchResult = TorchLayer | { unsupported: string };

const ACTIVATIONS: Record<string, (x: string) => string> = {
  linear: (x) => x,
  relu: (x) => `F.relu(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softmax: (x) => `torch.softmax(${x}, dim=-1)`,
  elu: (x) => `F.elu(${x})`,
  selu: (x) => `F.selu(${x})`,
  softplus: (x) => `F.softplus(${x})`,
  softsign: (x) => `F.softsign(${x})`,
  hard_sigmoid: (x) => `F.hardsigmoid(${x})`, // Keras 3: relu6(x + 3) / 6
  exponential: (x) => `torch.exp(${x})`,
  swish: (x) => `F.silu(${x})`,
  silu: (x) => `F.silu(${x})`,
  gelu: (x) => `F.gelu(${x})`, // Keras 3 default: approximate=False
  relu6: (x) => `F.relu6(${x})`,
};

function act(name: Json | undefined): ((x: string) => string) | string {
  const n = typeof name === 'string' ? name : name === null || name === undefined ? 'linear' : '';
  return ACTIVATIONS[n] ?? `activation ${JSON.stringify(name)} has no PyTorch function here`;
}

const ints = (v: Json | undefined, n: number): number[] => (Array.isArray(v) ? (v as number[]) : Array(n).fill(v as number));
const tuple = (xs: readonly number[]) => pyValue([...xs]);
const lastDim = (info: LayerInfo, i = 0) => info.inputShapes[i]?.[info.inputShapes[i].length - 1] ?? null;
const T = (w: string) => `${w}.T`;

function channelsLast(c: JsonObject): string | null {
  return (c.data_format ?? 'channels_last') === 'channels_last' ? null : "data_format='channels_first' (only channels-last is written)";
}

function conv(className: string, c: JsonObject, info: LayerInfo): TorchResult {
  const rank = Number(/(\d)D/.exec(className)![1]);
  const bad = channelsLast(c);
  if (bad) return { unsupported: bad };
  const a = act(c.activation);
  if (typeof a === 'string') return { unsupported: a };
  const k = ints(c.kernel_size, rank);
  const s = ints(c.strides, rank);
  const d = ints(c.dilation_rate, rank);
  const inC = lastDim(info);
  const useBias = c.use_bias !== false;
  const perm = [rank + 1, rank, ...Array.from({ length: rank }, (_, i) => i)];
  if (className.startsWith('Separable') || className.startsWith('Depthwise')) {
    const dm = Number(c.depth_multiplier ?? 1);
    const depth = `nn.Conv${rank}d(${inC}, ${Number(inC) * dm}, ${tuple(k)}, stride=${tuple(s)}, dilation=${tuple(d)}, groups=${inC}, bias=${className.startsWith('Depthwise') && useBias ? 'True' : 'False'})`;
    // Keras' depthwise kernel (*k, in, dm) -> torch (in * dm, 1, *k); channel c * dm + m, as Keras orders them.
    const depthLoad = (m: string, w: string) => `${m}.weight.copy_(torch.from_numpy(np.ascontiguousarray(${w}.reshape(${tuple([...k, -1])}).transpose(${tuple([rank, ...Array.from({ length: rank }, (_, i) => i)])})[:, None])))`;
    if (className.startsWith('Depthwise')) {
      return {
        init: depth,
        call: (x, m) => a(`conv_channels_last(${m}, ${x[0]}, ${pyValue(String(c.padding ?? 'valid'))})`),
        load: (m, w) => [depthLoad(m, w(0)), ...(useBias ? [`${m}.bias.copy_(torch.from_numpy(${w(1)}))`] : [])],
      };
    }
    const filters = Number(c.filters);
    return {
      init: `nn.ModuleList([${depth}, nn.Conv${rank}d(${Number(inC) * dm}, ${filters}, 1, bias=${useBias ? 'True' : 'False'})])`,
      call: (x, m) => a(`${m}[1](conv_channels_last(${m}[0], ${x[0]}, ${pyValue(String(c.padding ?? 'valid'))}).movedim(-1, 1)).movedim(1, -1)`),
      load: (m, w) => [
        depthLoad(`${m}[0]`, w(0)),
        `${m}[1].weight.copy_(torch.from_numpy(np.ascontiguousarray(${w(1)}.transpose(${tuple(perm)}))))`,
        ...(useBias ? [`${m}[1].bias.copy_(torch.from_numpy(${w(2)}))`] : []),
      ],
    };
  }
  if (className.includes('Transpose')) return { unsupported: 'Conv2DTranspose is not written for PyTorch yet' };
  const groups = Number(c.groups ?? 1);
  return {
    init: `nn.Conv${rank}d(${inC}, ${c.filters}, ${tuple(k)}, stride=${tuple(s)}, dilation=${tuple(d)}${groups > 1 ? `, groups=${groups}` : ''}, bias=${useBias ? 'True' : 'False'})`,
    call: (x, m) => a(`conv_channels_last(${m}, ${x[0]}, ${pyValue(String(c.padding ?? 'valid'))})`),
    // Keras' kernel (*k, in, out) -> torch (out, in, *k).
    load: (m, w) => [`${m}.weight.copy_(torch.from_numpy(np.ascontiguousarray(${w(0)}.transpose(${tuple(perm)}))))`, ...(useBias ? [`${m}.bias.copy_(torch.from_numpy(${w(1)}))`] : [])],
  };
}

function pooling(className: string, c: JsonObject): TorchResult {
  const bad = channelsLast(c);
  if (bad) return { unsupported: bad };
  const spatial = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  if (className.startsWith('Global')) {
    const rank = Number(/(\d)D/.exec(className)![1]);
    const fn = className.includes('Max') ? 'amax' : 'mean';
    return { call: (x) => `${x[0]}.${fn}(dim=${tuple(spatial(rank))}${c.keepdims ? ', keepdim=True' : ''})` };
  }
  const rank = Number(/(\d)D/.exec(className)![1]);
  const size = ints(c.pool_size, rank);
  const strides = c.strides === null || c.strides === undefined ? size : ints(c.strides, rank);
  const kind = className.startsWith('Max') ? 'max' : 'avg';
  return { call: (x) => `pool_channels_last(${x[0]}, "${kind}", ${tuple(size)}, ${tuple(strides)}, ${pyValue(String(c.padding ?? 'valid'))})` };
}

function recurrent(className: string, c: JsonObject, info: LayerInfo, weightBase = 0): TorchResult {
  if (c.activation !== undefined && c.activation !== 'tanh') return { unsupported: `activation=${JSON.stringify(c.activation)} (torch's recurrent layers use tanh)` };
  if (className !== 'SimpleRNN' && (c.recurrent_activation ?? 'sigmoid') !== 'sigmoid') return { unsupported: `recurrent_activation=${JSON.stringify(c.recurrent_activation)}` };
  if (className === 'GRU' && c.reset_after === false) return { unsupported: 'reset_after=False (torch.nn.GRU computes the reset_after=True formula)' };
  if (Number(c.dropout ?? 0) > 0 || Number(c.recurrent_dropout ?? 0) > 0) return { unsupported: 'dropout on the inputs or the recurrent state' };
  if (c.return_state || c.stateful) return { unsupported: 'return_state or stateful' };
  const cls = { SimpleRNN: 'RNN', LSTM: 'LSTM', GRU: 'GRU' }[className];
  if (!cls) return { unsupported: `${className} inside a wrapper` };
  const useBias = c.use_bias !== false;
  const units = Number(c.units);
  // Keras' GRU blocks are (z, r, h); torch's are (r, z, n).
  const order = className === 'GRU' ? `gru_order(${units})` : ':';
  const flip = (x: string) => (c.go_backwards ? `torch.flip(${x}, dims=(1,))` : x);
  return {
    init: `nn.${cls}(${lastDim(info)}, ${units}, batch_first=True, bias=${useBias ? 'True' : 'False'})`,
    call: (x, m) => `${m}(${flip(x[0])})[0]${c.return_sequences ? '' : '[:, -1]'}`,
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
  const fwd = recurrent(inner.class_name, { ...ic, go_backwards: false }, info, 0);
  if ('unsupported' in fwd) return fwd;
  const n = ic.use_bias === false ? 2 : 3;
  const bwd = recurrent(inner.class_name, { ...ic, go_backwards: true }, info, n);
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
    call: (x, m) => merged[merge](fwd.call(x, `${m}[0]`), seq ? `torch.flip(${bwd.call(x, `${m}[1]`)}, dims=(1,))` : bwd.call(x, `${m}[1]`)),
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

function reshaping(className: string, c: JsonObject): TorchResult {
  const bad = channelsLast(c);
  switch (className) {
    case 'Flatten':
      return bad ? { unsupported: bad } : { call: (x) => `torch.flatten(${x[0]}, 1)` };
    case 'Reshape':
      return { call: (x) => `${x[0]}.reshape((${x[0]}.shape[0],) + ${pyValue(c.target_shape as Json)})` };
    case 'Permute':
      return { call: (x) => `${x[0]}.permute((0,) + ${pyValue(c.dims as Json)})` };
    case 'RepeatVector':
      return { call: (x) => `${x[0]}.unsqueeze(1).repeat(1, ${c.n}, 1)` };
    case 'UpSampling1D':
      return { call: (x) => `${x[0]}.repeat_interleave(${c.size}, dim=1)` };
    case 'UpSampling2D': {
      if (bad) return { unsupported: bad };
      if ((c.interpolation ?? 'nearest') !== 'nearest') return { unsupported: `interpolation=${JSON.stringify(c.interpolation)}` };
      const [h, w] = ints(c.size, 2);
      return { call: (x) => `${x[0]}.repeat_interleave(${h}, dim=1).repeat_interleave(${w}, dim=2)` };
    }
    case 'ZeroPadding1D': {
      const [l, r] = ints(c.padding, 2);
      return { call: (x) => `F.pad(${x[0]}, (0, 0, ${l}, ${r}))` };
    }
    case 'ZeroPadding2D': {
      if (bad) return { unsupported: bad };
      const p = (Array.isArray(c.padding) ? c.padding : [c.padding, c.padding]) as Json[];
      const [[t, b], [l, r]] = p.map((q) => ints(q, 2));
      return { call: (x) => `F.pad(${x[0]}, (0, 0, ${l}, ${r}, ${t}, ${b}))` };
    }
    case 'Cropping1D': {
      const [a, b] = ints(c.cropping, 2);
      return { call: (x) => `${x[0]}[:, ${a}:${x[0]}.shape[1] - ${b}]` };
    }
    case 'Cropping2D': {
      if (bad) return { unsupported: bad };
      const [[t, b], [l, r]] = (c.cropping as Json[]).map((q) => ints(q, 2));
      return { call: (x) => `${x[0]}[:, ${t}:${x[0]}.shape[1] - ${b}, ${l}:${x[0]}.shape[2] - ${r}]` };
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

/** The PyTorch translation of one layer, or why there is none. */
export function torchLayer(info: LayerInfo, config: JsonObject): TorchResult {
  const cls = info.className;
  const c = withDefaults(cls, config);
  if (cls === 'Dense') return dense(c, info);
  if (/^(Conv|SeparableConv|DepthwiseConv)/.test(cls)) return conv(cls, c, info);
  if (/Pooling/.test(cls)) return pooling(cls, c);
  if (cls === 'SimpleRNN' || cls === 'LSTM' || cls === 'GRU') return recurrent(cls, c, info);
  if (cls === 'Bidirectional') return bidirectional(c, info);
  if (cls === 'TimeDistributed') {
    const inner = c.layer as JsonObject | undefined;
    if (inner?.class_name !== 'Dense') return { unsupported: 'only a wrapped Dense (it acts on the last axis)' };
    return dense(withDefaults('Dense', (inner.config ?? {}) as JsonObject), info);
  }
  if (cls === 'BatchNormalization' || cls === 'LayerNormalization') return normalization(cls, c, info);
  if (cls === 'Dropout') return { init: `nn.Dropout(${pyNum(Number(c.rate), true)})`, call: (x, m) => `${m}(${x[0]})` };
  if (cls === 'Embedding') {
    if (c.mask_zero) return { unsupported: 'mask_zero=True (torch has no masks for the layers that follow)' };
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
