/**
 * Convolutions and pooling as PyTorch code with Keras' semantics, in either of Keras' data formats: a
 * channels-last tensor moves its channels for torch and back, a channels-first one is torch's layout already;
 * 'same' pads as TensorFlow does (the extra pixel at the end), a transposed convolution is torch's full output cut
 * or extended as Keras places it. The Python helpers named here live in ./torchHelpers.ts.
 */
import type { LayerInfo } from '../analysis';
import type { JsonObject } from '../types';
import { act, channelsFirst, ints, tuple, type TorchResult } from './torchCommon';
import { pyValue } from './python';

const rankOf = (className: string) => Number(/(\d)D/.exec(className)![1]);
const spatialAxes = (rank: number, first: boolean) => Array.from({ length: rank }, (_, i) => i + (first ? 2 : 1));
/** The `channels_last=False` argument of the helpers, for channels-first layers. */
const layout = (c: JsonObject) => (channelsFirst(c) ? ', channels_last=False' : '');
const channelsIn = (info: LayerInfo, c: JsonObject) => {
  const s = info.inputShapes[0] ?? [];
  return channelsFirst(c) ? s[1] : s[s.length - 1];
};
const bias = (useBias: boolean) => (useBias ? 'True' : 'False');
const copy = (m: string, w: string, transpose?: readonly number[]) =>
  transpose ? `${m}.copy_(torch.from_numpy(np.ascontiguousarray(${w}.transpose(${tuple(transpose)}))))` : `${m}.copy_(torch.from_numpy(${w}))`;

function separableOrDepthwise(className: string, c: JsonObject, info: LayerInfo, a: (x: string) => string): TorchResult {
  const rank = rankOf(className);
  const k = ints(c.kernel_size, rank);
  const inC = channelsIn(info, c);
  const useBias = c.use_bias !== false;
  const pad = pyValue(String(c.padding ?? 'valid'));
  const dm = Number(c.depth_multiplier ?? 1);
  const depth = `nn.Conv${rank}d(${inC}, ${Number(inC) * dm}, ${tuple(k)}, stride=${tuple(ints(c.strides, rank))}, dilation=${tuple(ints(c.dilation_rate, rank))}, groups=${inC}, bias=${bias(className.startsWith('Depthwise') && useBias)})`;
  // Keras' depthwise kernel (*k, in, dm) -> torch (in * dm, 1, *k); channel c * dm + m, as Keras orders them.
  const depthLoad = (m: string, w: string) => `${m}.weight.copy_(torch.from_numpy(np.ascontiguousarray(${w}.reshape(${tuple([...k, -1])}).transpose(${tuple([rank, ...Array.from({ length: rank }, (_, i) => i)])})[:, None])))`;
  if (className.startsWith('Depthwise')) {
    return {
      init: depth,
      call: (x, m) => a(`keras_conv(${m}, ${x[0]}, ${pad}${layout(c)})`),
      load: (m, w) => [depthLoad(m, w(0)), ...(useBias ? [copy(`${m}.bias`, w(1))] : [])],
    };
  }
  const perm = [rank + 1, rank, ...Array.from({ length: rank }, (_, i) => i)];
  // The pointwise step is a 1x1 convolution on the depthwise output, in the same layout.
  const pointwise = (m: string, y: string) => (channelsFirst(c) ? `${m}[1](${y})` : `${m}[1](${y}.movedim(-1, 1)).movedim(1, -1)`);
  return {
    init: `nn.ModuleList([${depth}, nn.Conv${rank}d(${Number(inC) * dm}, ${Number(c.filters)}, 1, bias=${bias(useBias)})])`,
    call: (x, m) => a(pointwise(m, `keras_conv(${m}[0], ${x[0]}, ${pad}${layout(c)})`)),
    load: (m, w) => [depthLoad(`${m}[0]`, w(0)), copy(`${m}[1].weight`, w(1), perm), ...(useBias ? [copy(`${m}[1].bias`, w(2))] : [])],
  };
}

/** Keras' ConvNDTranspose: kernel (*k, out, in) -> torch's (in, out, *k), the same taps (no flip). */
function convTranspose(className: string, c: JsonObject, info: LayerInfo, a: (x: string) => string): TorchResult {
  const rank = rankOf(className);
  const useBias = c.use_bias !== false;
  const op = c.output_padding === null || c.output_padding === undefined ? 'None' : tuple(ints(c.output_padding, rank));
  const perm = [rank + 1, rank, ...Array.from({ length: rank }, (_, i) => i)];
  return {
    init: `nn.ConvTranspose${rank}d(${channelsIn(info, c)}, ${c.filters}, ${tuple(ints(c.kernel_size, rank))}, stride=${tuple(ints(c.strides, rank))}, dilation=${tuple(ints(c.dilation_rate, rank))}, bias=${bias(useBias)})`,
    call: (x, m) => a(`keras_conv_transpose(${m}, ${x[0]}, ${pyValue(String(c.padding ?? 'valid'))}, ${op}${layout(c)})`),
    load: (m, w) => [copy(`${m}.weight`, w(0), perm), ...(useBias ? [copy(`${m}.bias`, w(1))] : [])],
  };
}

export function conv(className: string, c: JsonObject, info: LayerInfo): TorchResult {
  const a = act(c.activation);
  if (typeof a === 'string') return { unsupported: a };
  if (className.startsWith('Separable') || className.startsWith('Depthwise')) return separableOrDepthwise(className, c, info, a);
  if (className.includes('Transpose')) return convTranspose(className, c, info, a);
  const rank = rankOf(className);
  const useBias = c.use_bias !== false;
  const groups = Number(c.groups ?? 1);
  const perm = [rank + 1, rank, ...Array.from({ length: rank }, (_, i) => i)];
  return {
    init: `nn.Conv${rank}d(${channelsIn(info, c)}, ${c.filters}, ${tuple(ints(c.kernel_size, rank))}, stride=${tuple(ints(c.strides, rank))}, dilation=${tuple(ints(c.dilation_rate, rank))}${groups > 1 ? `, groups=${groups}` : ''}, bias=${bias(useBias)})`,
    call: (x, m) => a(`keras_conv(${m}, ${x[0]}, ${pyValue(String(c.padding ?? 'valid'))}${layout(c)})`),
    // Keras' kernel (*k, in, out) -> torch (out, in, *k).
    load: (m, w) => [copy(`${m}.weight`, w(0), perm), ...(useBias ? [copy(`${m}.bias`, w(1))] : [])],
  };
}

export function pooling(className: string, c: JsonObject): TorchResult {
  const rank = rankOf(className);
  if (className.startsWith('Global')) {
    const fn = className.includes('Max') ? 'amax' : 'mean';
    return { call: (x) => `${x[0]}.${fn}(dim=${tuple(spatialAxes(rank, channelsFirst(c)))}${c.keepdims ? ', keepdim=True' : ''})` };
  }
  const size = ints(c.pool_size, rank);
  const strides = c.strides === null || c.strides === undefined ? size : ints(c.strides, rank);
  const kind = className.startsWith('Max') ? 'max' : 'avg';
  return { call: (x) => `keras_pool(${x[0]}, "${kind}", ${tuple(size)}, ${tuple(strides)}, ${pyValue(String(c.padding ?? 'valid'))}${layout(c)})` };
}
