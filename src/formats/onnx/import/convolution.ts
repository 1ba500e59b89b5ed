/** Convolutions: Conv (Conv1D/2D/3D with groups, DepthwiseConv2D, with a pointwise Conv SeparableConv1D/2D) and ConvTranspose. */
import type { Shape } from '../../../core/types';
import { toFirstPerm, transposeData } from '../emitter';
import type { Attrs, onnx } from '../proto';
import { Skip, type Importer, type OpImporters } from './importer';

/** ONNX pads -> Keras padding for known sizes; a ZeroPadding layer when they are not 'same' or 'valid'. */
export function padding(a: Attrs, sizes: Shape, kernel: number[], strides: number[], dilations: number[], hint: string): { padding: string; pads?: number[] } {
  const autoPad = a.str('auto_pad', 'NOTSET');
  const n = kernel.length;
  if (autoPad === 'SAME_UPPER') return { padding: 'same' };
  if (autoPad === 'VALID') return { padding: 'valid' };
  if (autoPad === 'SAME_LOWER') throw new Skip(`${hint}: auto_pad SAME_LOWER`);
  const pads = a.ints('pads') ?? new Array<number>(2 * n).fill(0);
  if (pads.every((p) => p === 0)) return { padding: 'valid' };
  if (sizes.every((s) => s !== null)) {
    const same = samePadsOf(sizes, kernel, strides, dilations, hint);
    if (same.every((p, i) => p === pads[i])) return { padding: 'same' };
  }
  return { padding: 'valid', pads };
}

/** The pads (ONNX order: begins, then ends) of 'same' for known sizes: ONNX SAME_UPPER, Keras 'same'. */
export function samePadsOf(sizes: Shape, kernel: number[], strides: number[], dilations: number[], hint: string): number[] {
  if (sizes.some((v) => v === null)) throw new Skip(`${hint}: 'same' padding on a dimension of unknown size`);
  const split = sizes.map((v, i) => {
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    const total = Math.max((Math.ceil(v! / strides[i]!) - 1) * strides[i]! + eff - v!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  return [...split.map((p) => p[0]!), ...split.map((p) => p[1]!)];
}

function conv(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const ins = n.input!;
  const hint = n.name || n.output![0]!;
  const w2 = imp.constOf(ins[1]);
  if (!w2) throw new Skip(`Conv ${hint}: the weight must be a constant`);
  // tf2onnx's Conv1D folded by patterns.ts: channels-last tensors, a 2-D weight with a size-1 spatial axis.
  const channelsLast = a.int('ms_channels_last', 0) === 1;
  const w = channelsLast ? { ...w2, dims: w2.dims.filter((_, i) => i !== 2 + a.int('ms_unit_axis', 0)) } : w2;
  const nsp = w.dims.length - 2;
  if (nsp < 1 || nsp > 3) throw new Skip(`Conv ${hint}: ${nsp}-D convolution`);
  const layout = channelsLast ? [0, 1, 2] : toFirstPerm(nsp + 2);
  const t = imp.kt(ins[0]!, n);
  let x = imp.viewAs(t, layout, hint);
  const kernel = a.ints('kernel_shape') ?? w.dims.slice(2);
  const strides = [...(a.ints('strides') ?? new Array<number>(nsp).fill(1))];
  const dilations = a.ints('dilations') ?? new Array<number>(nsp).fill(1);
  const inShape = imp.shapes.get(x)!;
  let pad = padding(a, inShape.slice(1, -1), kernel, strides, dilations, `Conv ${hint}`);
  // Keras refuses strides > 1 with dilation_rate > 1 (base_conv.py); the same output is the stride-1 dilated
  // convolution sampled every `stride` positions: explicit pads, then a 1-wide MaxPooling with those strides.
  const subsample = strides.some((v) => v > 1) && dilations.some((d) => d > 1) ? [...strides] : undefined;
  if (subsample && pad.padding === 'same') pad = { padding: 'valid', pads: samePadsOf(inShape.slice(1, -1), kernel, strides, dilations, `Conv ${hint}`) };
  if (subsample) strides.fill(1);
  if (pad.pads) {
    const pairs = Array.from({ length: nsp }, (_, i) => [pad.pads![i]!, pad.pads![i + nsp]!]);
    x = imp.addLayer(`ZeroPadding${nsp}D`, { padding: nsp === 1 ? pairs[0]! : pairs }, [x], `${hint}_pad`);
  }
  const group = a.int('group', 1);
  const cin = imp.shapes.get(x)![nsp + 1]!;
  const [out, inPerGroup] = w.dims as [number, number];
  const common = { kernel_size: kernel, strides, padding: pad.padding, dilation_rate: dilations, activation: 'linear', use_bias: false };
  const spatialFirst = Array.from({ length: nsp }, (_, i) => i + 2);
  const pointwise = n.opType === 'MsSeparableConv' ? imp.constOf(ins[2]) : undefined;
  let layer: string;
  if (pointwise && group === cin && inPerGroup === 1) {
    const mult = out / cin;
    const filters = pointwise.dims[0]!;
    layer = imp.addLayer(`SeparableConv${nsp}D`, { filters, ...common, depth_multiplier: mult }, [x], hint);
    // (cin*mult, 1, k...) -> (cin, mult, k...) -> Keras (k..., cin, mult); pointwise (filters, cin*mult, 1...) -> (1..., cin*mult, filters).
    imp.addWeight(layer, 'depthwise_kernel', [...kernel, cin, mult], transposeData(w.data, [cin, mult, ...kernel], [...spatialFirst, 0, 1]).data);
    imp.addWeight(layer, 'pointwise_kernel', [...new Array<number>(nsp).fill(1), cin * mult, filters], transposeData(pointwise.data, pointwise.dims, [...spatialFirst, 1, 0]).data);
  } else if (pointwise) {
    throw new Skip(`Conv ${hint}: group=${group} before a pointwise Conv`);
  } else if (group === 1) {
    layer = imp.addLayer(`Conv${nsp}D`, { filters: out, ...common }, [x], hint);
    imp.addWeight(layer, 'kernel', [...kernel, inPerGroup, out], transposeData(w.data, w.dims, [...spatialFirst, 1, 0]).data);
  } else if (nsp === 2 && group === cin && inPerGroup === 1) {
    const mult = out / cin;
    layer = imp.addLayer('DepthwiseConv2D', { ...common, depth_multiplier: mult }, [x], hint);
    // (cin*mult, 1, kh, kw) -> (cin, mult, kh, kw) -> Keras (kh, kw, cin, mult).
    imp.addWeight(layer, 'depthwise_kernel', [...kernel, cin, mult], transposeData(w.data, [cin, mult, ...kernel], [2, 3, 0, 1]).data);
  } else if (cin % group === 0 && out % group === 0 && inPerGroup === cin / group) {
    // Keras' groups: the same layout as ONNX's (each group's filters in turn, each seeing its channel slice).
    layer = imp.addLayer(`Conv${nsp}D`, { filters: out, ...common, groups: group }, [x], hint);
    imp.addWeight(layer, 'kernel', [...kernel, inPerGroup, out], transposeData(w.data, w.dims, [...spatialFirst, 1, 0]).data);
  } else throw new Skip(`Conv ${hint}: group=${group} does not divide ${cin} channels and ${out} filters`);
  const b = imp.constOf(ins[pointwise ? 3 : 2]);
  if (b) {
    imp.layer(layer).config.use_bias = true;
    imp.addWeight(layer, 'bias', [b.data.length], b.data);
  }
  if (subsample) layer = imp.addLayer(`MaxPooling${nsp}D`, { pool_size: new Array<number>(nsp).fill(1), strides: subsample, padding: 'valid' }, [layer], `${hint}_stride`);
  imp.alias(n.output![0], { layer, axes: layout });
}

/**
 * ConvTranspose -> Conv2DTranspose. Keras 'same' is one choice of pads and output_padding; any other
 * (e.g. torch's padding=1, output_padding=1) is the 'valid' result cropped, so a Cropping2D follows.
 */
function convTranspose(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const ins = n.input!;
  const hint = n.name || n.output![0]!;
  const w = imp.constOf(ins[1]);
  if (!w || w.dims.length !== 4) throw new Skip(`ConvTranspose ${hint}: only 2-D with a constant weight`);
  if (a.int('group', 1) !== 1 || a.has('output_shape')) throw new Skip(`ConvTranspose ${hint}: group or output_shape`);
  const autoPad = a.str('auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new Skip(`ConvTranspose ${hint}: auto_pad ${autoPad}`);
  const nsp = 2;
  const t = imp.kt(ins[0]!, n);
  const x = imp.viewAs(t, toFirstPerm(4), hint);
  const kernel = a.ints('kernel_shape') ?? w.dims.slice(2);
  const strides = a.ints('strides') ?? [1, 1];
  const dil = a.ints('dilations') ?? [1, 1];
  // tfjs' conv2dTranspose has no dilation.
  if (dil.some((d) => d !== 1)) throw new Skip(`ConvTranspose ${hint}: dilations`);
  const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (a.ints('pads') ?? [0, 0, 0, 0]);
  const outPad = a.ints('output_padding') ?? [0, 0];
  const same = kernel.every((k, i) => {
    const total = Math.max(k - strides[i]!, 0);
    return pads[i] === Math.floor(total / 2) && pads[i + nsp] === total - Math.floor(total / 2) && outPad[i] === Math.max(strides[i]! - k, 0);
  });
  const crops = kernel.map((k, i) => [pads[i]!, Math.max(k, strides[i]!) - k - outPad[i]! + pads[i + nsp]!]);
  if (!same && crops.flat().some((c) => c < 0)) throw new Skip(`ConvTranspose ${hint}: output_padding larger than Keras' 'valid' output`);
  const [cin, cout] = w.dims as [number, number];
  let layer = imp.addLayer('Conv2DTranspose', { filters: cout, kernel_size: kernel, strides, padding: same ? 'same' : 'valid', activation: 'linear', use_bias: false }, [x], hint);
  // ONNX (in, out, kh, kw) -> Keras (kh, kw, out, in).
  imp.addWeight(layer, 'kernel', [...kernel, cout, cin], transposeData(w.data, w.dims, [2, 3, 1, 0]).data);
  const b = imp.constOf(ins[2]);
  if (b) {
    imp.layer(layer).config.use_bias = true;
    imp.addWeight(layer, 'bias', [b.data.length], b.data);
  }
  if (!same && crops.flat().some((c) => c > 0)) layer = imp.addLayer('Cropping2D', { cropping: crops }, [layer], `${hint}_crop`);
  imp.alias(n.output![0], { layer, axes: toFirstPerm(4) });
}

export const convolutionImporters: OpImporters = {
  Conv: conv,
  MsSeparableConv: conv,
  ConvTranspose: convTranspose,
};
