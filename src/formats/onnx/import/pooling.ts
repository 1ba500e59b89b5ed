/** Pooling: MaxPool / AveragePool and their global forms. */
import { toFirstPerm } from '../emitter';
import type { Shape } from '../../../core/types';
import type { Attrs, onnx } from '../proto';
import { padding, samePadsOf } from './convolution';
import { Skip, type Axis, type Importer, type OpImporter, type OpImporters } from './importer';

/** Layers whose output is never negative, so zeros padded around it never win a max (torch's ReLU -> MaxPool). */
const NON_NEGATIVE = new Set(['relu', 'relu6', 'sigmoid', 'softmax', 'hard_sigmoid', 'softplus', 'exponential']);
const KEEPS_SIGN = new Set(['Permute', 'Reshape', 'Flatten', 'Dropout', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D']);

function nonNegative(imp: Importer, name: string): boolean {
  const l = imp.layer(name);
  if (l.className === 'ReLU') return !l.config.negative_slope && !l.config.threshold;
  if (typeof l.config.activation === 'string' && NON_NEGATIVE.has(l.config.activation)) return true;
  return KEEPS_SIGN.has(l.className) && nonNegative(imp, l.inbound[0]!);
}

/**
 * Output sizes ONNX (and torch) give with ceil_mode=1: ceil instead of floor, except that a last window
 * starting beyond the input and its left padding is dropped (onnx/reference/ops/op_pool_common.py).
 */
function ceilExtra(size: number, k: number, s: number, pb: number, pe: number): number {
  let out = Math.ceil((size + pb + pe - k) / s) + 1;
  if ((out - 1) * s >= size + pb) out--;
  return Math.max((out - 1) * s + k - (size + pb + pe), 0);
}

/**
 * MaxPool / AveragePool -> Max/AveragePooling1D/2D/3D. Explicit pads and ceil_mode become a ZeroPadding layer
 * and 'valid' pooling where zeros are what ONNX counts: an average with count_include_pad=1 (pads only), a
 * max over data that is never negative.
 */
function pool(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const r = t.axes.length;
  const nsp = r - 2;
  if (nsp < 1 || nsp > 3) throw new Skip(`${n.opType} ${hint}: ${nsp}-D pooling`);
  let x = imp.viewAs(t, toFirstPerm(r), hint);
  const kernel = a.ints('kernel_shape')!;
  const strides = a.ints('strides') ?? new Array<number>(nsp).fill(1);
  const dil = a.ints('dilations') ?? new Array<number>(nsp).fill(1);
  if (dil.some((d) => d !== 1)) throw new Skip(`${n.opType} ${hint}: dilations`);
  const sizes = imp.shapes.get(x)!.slice(1, -1);
  const pad = padding(a, sizes, kernel, strides, dil, `${n.opType} ${hint}`);
  const max = n.opType === 'MaxPool';
  const includePad = a.int('count_include_pad', 0) !== 0;
  const ceil = a.int('ceil_mode', 0) !== 0;
  /** An average's last window runs past the input (ceil_mode): ONNX counts only what is inside. */
  let partial = false;
  let pads = pad.pads ?? (pad.padding === 'same' && includePad ? samePads(a, sizes, kernel, strides, `${n.opType} ${hint}`) : undefined);
  if (ceil && (pad.padding === 'valid' || pad.pads)) {
    if (sizes.some((v) => v === null)) throw new Skip(`${n.opType} ${hint}: ceil_mode=1 on a dimension of unknown size`);
    const p = pads ?? new Array<number>(2 * nsp).fill(0);
    const extra = sizes.map((v, i) => ceilExtra(v!, kernel[i]!, strides[i]!, p[i]!, p[i + nsp]!));
    if (extra.some((e) => e > 0)) {
      partial = !max;
      pads = [...p.slice(0, nsp), ...p.slice(nsp).map((e, i) => e + extra[i]!)];
    }
  } else if (ceil) throw new Skip(`${n.opType} ${hint}: ceil_mode=1 with 'same' padding`);
  // Pads that are Keras' 'same' split (often ceil_mode's extra): Keras' 'same' pooling leaves the padding out
  // of the max and of the average's count, as ONNX does for MaxPool and AveragePool with count_include_pad=0.
  if (pads && (max || !includePad) && sizes.every((v) => v !== null) && sameSplit(sizes, kernel, strides, hint).every((v, i) => v === pads![i])) {
    const layer = imp.addLayer(`${max ? 'Max' : 'Average'}Pooling${nsp}D`, { pool_size: kernel, strides, padding: 'same' }, [x], hint);
    return imp.alias(n.output![0], { layer, axes: toFirstPerm(r) });
  }
  if (partial) throw new Skip(`AveragePool ${hint}: ceil_mode=1 with a partial last window`);
  if (pads && pads.some((v) => v > 0)) {
    if (max && !nonNegative(imp, x)) throw new Skip(`MaxPool ${hint}: explicit pads on data that may be negative (ONNX pads with -inf)`);
    if (!max && !includePad) throw new Skip(`AveragePool ${hint}: explicit pads with count_include_pad=0`);
    const pairs = Array.from({ length: nsp }, (_, i) => [pads![i]!, pads![i + nsp]!]);
    x = imp.addLayer(`ZeroPadding${nsp}D`, { padding: nsp === 1 ? pairs[0]! : pairs }, [x], `${hint}_pad`);
  }
  const cls = `${max ? 'Max' : 'Average'}Pooling${nsp}D`;
  const layer = imp.addLayer(cls, { pool_size: kernel, strides, padding: pads ? 'valid' : pad.padding }, [x], hint);
  imp.alias(n.output![0], { layer, axes: toFirstPerm(r) });
}

const sameSplit = (sizes: Shape, kernel: number[], strides: number[], hint: string) => samePadsOf(sizes, kernel, strides, kernel.map(() => 1), hint);

/** The explicit pads a 'same' padding stands for (the attribute, or SAME_UPPER's split). */
function samePads(a: Attrs, sizes: Shape, kernel: number[], strides: number[], hint: string): number[] {
  return a.ints('pads') ?? sameSplit(sizes, kernel, strides, hint);
}

const globalPool: OpImporter = (imp, n) => {
  const op = n.opType!;
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const t = imp.kt(ins[0]!, n);
  const r = t.axes.length;
  const k = imp.viewAs(t, toFirstPerm(r), hint);
  const cls = `Global${op === 'GlobalMaxPool' ? 'Max' : 'Average'}Pooling${r - 2}D`;
  const layer = imp.addLayer(cls, {}, [k], hint);
  // ONNX keeps the spatial axes with size 1: (N, C, 1, ...).
  imp.alias(out, { layer, axes: [0, 1, ...new Array<Axis>(r - 2).fill('u')] });
};

/**
 * ReduceMean / ReduceMax over every spatial axis, leaving the batch and one channel axis: a global pooling
 * layer (torch.onnx's dynamo exporter writes AdaptiveAvgPool2d(1) so; tf2onnx its NHWC mean). Axes come from
 * the attribute (before opset 18) or a constant second input; keepdims keeps them as size-1 views.
 */
export const reduceAsGlobalPool: OpImporter = (imp, n, a) => {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const r = t.axes.length;
  const given = a.ints('axes') ?? (n.input?.[1] ? Array.from(imp.constOf(n.input[1])?.data ?? [], Number) : undefined);
  const axes = [...new Set((given ?? []).map((x) => (x < 0 ? x + r : x)))].sort();
  const kept = Array.from({ length: r }, (_, i) => i).filter((i) => !axes.includes(i));
  if (r < 3 || r > 4 || kept.length !== 2 || kept[0] !== 0) throw new Skip(`${n.opType} ${hint}: over axes [${given ?? 'all'}] of a rank-${r} tensor (only every spatial axis, a global pooling)`);
  const c = kept[1]!;
  // K' = (N, spatial axes in ONNX order, C); perm[i] is the K' axis ONNX axis i is.
  const perm = Array.from({ length: r }, (_, i) => (i === 0 ? 0 : i === c ? r - 1 : axes.indexOf(i) + 1));
  const x = imp.viewAs(t, perm, hint);
  const cls = `Global${n.opType === 'ReduceMax' ? 'Max' : 'Average'}Pooling${r - 2}D`;
  const layer = imp.addLayer(cls, {}, [x], hint);
  const keep = a.int('keepdims', 1) !== 0;
  imp.alias(n.output![0], { layer, axes: Array.from({ length: r }, (_, i): Axis => (i === 0 ? 0 : i === c ? 1 : 'u')).filter((v, i) => keep || i === 0 || i === c) });
};

export const poolingImporters: OpImporters = {
  ReduceMean: reduceAsGlobalPool,
  ReduceMax: reduceAsGlobalPool,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
};
