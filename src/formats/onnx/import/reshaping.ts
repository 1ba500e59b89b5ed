/** Reshaping: Flatten / Reshape / Squeeze / Unsqueeze, Pad, Slice, Resize and Tile. */
import { toFirstPerm } from '../emitter';
import type { Attrs, onnx } from '../proto';
import { Skip, type Axis, type Importer, type KT, type OpImporters } from './importer';

function reshape(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const op = n.opType!;
  const t = imp.kt(n.input![0]!, n);
  const inShape = imp.onnxShape(t);
  let target: (number | null)[];
  if (op === 'Flatten') {
    const given = a.int('axis', 1);
    const axis = given < 0 ? given + inShape.length : given;
    // Any other axis folds the batch axis into the rows, which no Keras layer does.
    if (axis !== 1) throw new Skip(`Flatten ${hint}: axis ${given}`);
    const rest = inShape.slice(1);
    target = [null, rest.some((d) => d === null) ? null : rest.reduce<number>((p, q) => p * q!, 1)];
  } else if (op === 'Squeeze' || op === 'Unsqueeze') {
    const axesConst = imp.constOf(n.input![1]);
    const axes = (a.ints('axes') ?? (axesConst ? Array.from(axesConst.data) : undefined))?.map(Number);
    if (!axes) throw new Skip(`${op} ${hint}: without constant axes`);
    if (op === 'Squeeze') {
      const norm = axes.map((x) => (x < 0 ? x + inShape.length : x));
      target = inShape.filter((_, i) => !norm.includes(i));
    } else {
      const r = inShape.length + axes.length;
      const norm = axes.map((x) => (x < 0 ? x + r : x));
      const rest = [...inShape];
      target = Array.from({ length: r }, (_, i) => (norm.includes(i) ? 1 : rest.shift()!));
    }
  } else {
    // Index 0 may be the batch size folded from Shape (NaN): the batch axis, as -1 would be.
    const s = imp.consts.get(n.input![1] ?? '');
    if (!s) throw new Skip(`Reshape ${hint}: the shape must be a constant`);
    const raw = Array.from(s.data, (d, i) => (i === 0 && Number.isNaN(d) ? -1 : Number(d)));
    if (raw.some((d) => Number.isNaN(d))) throw new Skip(`Reshape ${hint}: a shape that moves the batch size to another axis`);
    target = raw.map((d, i) => (d === 0 ? inShape[i]! : d === -1 ? -1 : d));
    const known = inShape.slice(1).every((d) => d !== null);
    const total = known ? inShape.slice(1).reduce<number>((p, q) => p * q!, 1) : null;
    const fixed = target.slice(1).filter((d) => d !== -1 && d !== null).reduce<number>((p, q) => p * q!, 1);
    if (target[0] === -1 || target[0] === null || target[0] === inShape[0]) {
      target[0] = null;
      target = target.map((d, i) => (i > 0 && d === -1 ? (total !== null ? total / fixed : null) : d));
    } else if (total !== null) {
      // A fixed batch size in the file (e.g. [-1, 98] written as [1, 98]): only the rest is the reshape.
      target[0] = null;
      target = target.map((d, i) => (i > 0 && d === -1 ? total / fixed : d));
    }
  }
  const nonUnit = (s: (number | null)[]) => s.map((d, i) => ({ d, i })).filter((x) => x.d !== 1);
  const src = nonUnit(inShape);
  const dst = nonUnit(target);
  if (src.length === dst.length && src.every((x, k) => x.d === dst[k]!.d || (x.i === 0 && dst[k]!.i === 0))) {
    // Only size-1 axes are added or dropped: a new view of the same Keras tensor.
    let k = 0;
    const axes = target.map((d) => (d === 1 ? ('u' as const) : t.axes[src[k++]!.i]!));
    if (axes[0] === 0) {
      imp.alias(n.output![0], { layer: t.layer, axes });
      return;
    }
  }
  const x = imp.plain(t, hint);
  if (target.length === 2) {
    imp.alias(n.output![0], imp.identity(imp.addLayer('Flatten', {}, [x], hint)));
    return;
  }
  const layer = imp.addLayer('Reshape', { target_shape: target.slice(1).map((d) => d ?? -1) }, [x], hint);
  imp.alias(n.output![0], imp.identity(layer));
}

/**
 * The Keras tensor to apply a spatial layer (padding, cropping, upsampling) to, given the ONNX axes it acts
 * on: the tensor itself when those are its spatial axes (NHWC graphs), else its channels-first view (NCHW).
 * `keras[j]` is the Keras axis of `onnxAxes[j]`; `axes` is how the layer's output appears in ONNX.
 */
function spatialView(imp: Importer, t: KT, onnxAxes: number[], what: string): { layer: string; axes: Axis[]; keras: number[] } {
  const r = imp.shapes.get(t.layer)!.length;
  const direct = onnxAxes.map((i) => t.axes[i]);
  if (direct.every((k) => typeof k === 'number' && k >= 1 && k <= r - 2)) return { layer: t.layer, axes: t.axes, keras: direct as number[] };
  const rr = t.axes.length;
  if (rr >= 3 && onnxAxes.every((i) => i >= 2)) return { layer: imp.viewAs(t, toFirstPerm(rr), what), axes: toFirstPerm(rr), keras: onnxAxes.map((i) => i - 1) };
  throw new Skip(`${what}: acts on the batch or channel axis`);
}

/** Inputs 1.. of a node as constant integer lists, or the attributes older opsets use instead. */
function intsIn(imp: Importer, n: onnx.INodeProto, index: number, a: Attrs, attrName: string): number[] | undefined {
  const c = imp.constOf(n.input?.[index]);
  if (c) return Array.from(c.data, Number);
  if (n.input?.[index]) throw new Skip(`${n.opType} ${n.name ?? ''}: input ${index} must be a constant`);
  return a.ints(attrName);
}

function pad(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const r = t.axes.length;
  const raw = intsIn(imp, n, 1, a, 'pads');
  const value = imp.constOf(n.input?.[2])?.data[0] ?? a.float('value', 0);
  if (a.str('mode', 'constant') !== 'constant' || value !== 0 || !raw) throw new Skip(`Pad ${hint}: only zero padding with constant pads`);
  const axesIn = intsIn(imp, n, 3, a, '__none__')?.map((x) => (x < 0 ? x + r : x)) ?? Array.from({ length: r }, (_, i) => i);
  const k = axesIn.length;
  if (raw.some((p) => p < 0)) throw new Skip(`Pad ${hint}: negative pads`);
  const padded = axesIn.filter((_, j) => raw[j] !== 0 || raw[j + k] !== 0);
  if (padded.length === 0) return imp.alias(n.output![0], t);
  const v = spatialView(imp, t, padded, `Pad ${hint}`);
  const nsp = imp.shapes.get(v.layer)!.length - 2;
  if (nsp < 1 || nsp > 2) throw new Skip(`Pad ${hint}: ${nsp}-D padding`);
  const pairs = Array.from({ length: nsp }, () => [0, 0]);
  padded.forEach((ax, j) => (pairs[v.keras[j]! - 1] = [raw[axesIn.indexOf(ax)]!, raw[axesIn.indexOf(ax) + k]!]));
  const layer = imp.addLayer(`ZeroPadding${nsp}D`, { padding: nsp === 1 ? pairs[0]! : pairs }, [v.layer], hint);
  imp.alias(n.output![0], { layer, axes: v.axes });
}

function slice(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const shape = imp.onnxShape(t);
  const r = shape.length;
  const starts = intsIn(imp, n, 1, a, 'starts');
  const ends = intsIn(imp, n, 2, a, 'ends');
  const axes = (intsIn(imp, n, 3, a, 'axes') ?? starts?.map((_, i) => i))?.map((x) => (x < 0 ? x + r : x));
  const steps = intsIn(imp, n, 4, a, '__none__') ?? starts?.map(() => 1);
  if (!starts || !ends || !axes || !steps || steps.some((s) => s !== 1)) throw new Skip(`Slice ${hint}: only constant starts/ends with step 1 (Cropping)`);
  const crops: { axis: number; pair: [number, number] }[] = [];
  axes.forEach((ax, j) => {
    const size = shape[ax] ?? null;
    const start = starts[j]! < 0 ? (size === null ? NaN : size + starts[j]!) : starts[j]!;
    const end = ends[j]!;
    const cropEnd = end < 0 ? -end : size !== null && end >= size ? 0 : end >= 2 ** 31 - 1 ? 0 : size === null ? NaN : size - end;
    if (!Number.isFinite(start) || !Number.isFinite(cropEnd) || start < 0 || cropEnd < 0) throw new Skip(`Slice ${hint}: bounds that depend on an unknown size`);
    if (start !== 0 || cropEnd !== 0) crops.push({ axis: ax, pair: [start, cropEnd] });
  });
  if (crops.length === 0) return imp.alias(n.output![0], t);
  const v = spatialView(imp, t, crops.map((c) => c.axis), `Slice ${hint}`);
  const nsp = imp.shapes.get(v.layer)!.length - 2;
  if (nsp < 1 || nsp > 2) throw new Skip(`Slice ${hint}: ${nsp}-D cropping`);
  const pairs = Array.from({ length: nsp }, () => [0, 0]);
  crops.forEach((c, j) => (pairs[v.keras[j]! - 1] = c.pair));
  const layer = imp.addLayer(`Cropping${nsp}D`, { cropping: nsp === 1 ? pairs[0]! : pairs }, [v.layer], hint);
  imp.alias(n.output![0], { layer, axes: v.axes });
}

/** Nearest-neighbour Resize by whole factors is UpSampling; the coordinate modes that pick the same pixels. */
function resize(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const shape = imp.onnxShape(t);
  const ctm = a.str('coordinate_transformation_mode', 'half_pixel');
  const nm = a.str('nearest_mode', 'round_prefer_floor');
  // For a whole factor s, half_pixel + round_prefer_* and asymmetric + floor both map output i to input floor(i / s).
  const modeOk = (ctm === 'asymmetric' && nm === 'floor') || ((ctm === 'half_pixel' || ctm === 'pytorch_half_pixel') && nm.startsWith('round_prefer'));
  if (a.str('mode', 'nearest') !== 'nearest' || !modeOk) throw new Skip(`Resize ${hint}: only nearest-neighbour upsampling (mode ${a.str('mode', 'nearest')}, ${ctm}, ${nm})`);
  let scales = imp.constOf(n.input?.[imp.opset >= 11 ? 2 : 1])?.data;
  const sizes = imp.opset >= 11 ? imp.constOf(n.input?.[3])?.data : undefined;
  if ((!scales || scales.length === 0) && sizes) scales = Float64Array.from(sizes, (s, i) => (shape[i] ? Number(s) / shape[i]! : NaN));
  if (!scales || scales.length !== shape.length || Array.from(scales).some((s) => !Number.isInteger(Math.round(s * 1e6) / 1e6) || s < 1)) throw new Skip(`Resize ${hint}: scales must be constant whole numbers`);
  const factors = Array.from(scales, (s) => Math.round(s));
  const scaled = factors.map((f, i) => (f !== 1 ? i : -1)).filter((i) => i >= 0);
  if (scaled.length === 0) return imp.alias(n.output![0], t);
  const v = spatialView(imp, t, scaled, `Resize ${hint}`);
  const nsp = imp.shapes.get(v.layer)!.length - 2;
  if (nsp < 1 || nsp > 2) throw new Skip(`Resize ${hint}: ${nsp}-D upsampling`);
  const size = new Array<number>(nsp).fill(1);
  scaled.forEach((ax, j) => (size[v.keras[j]! - 1] = factors[ax]!));
  const layer = imp.addLayer(`UpSampling${nsp}D`, { size: nsp === 1 ? size[0]! : size }, [v.layer], hint);
  imp.alias(n.output![0], { layer, axes: v.axes });
}

/** Tile of a (batch, features) tensor along an inserted size-1 axis: RepeatVector. */
function tile(imp: Importer, n: onnx.INodeProto): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const reps = imp.constOf(n.input?.[1]);
  const unit = t.axes.indexOf('u');
  const ok = reps && imp.shapes.get(t.layer)!.length === 2 && t.axes.filter((x) => x === 'u').length === 1 && Array.from(reps.data).every((v, i) => v === 1 || i === unit);
  if (!ok) throw new Skip(`Tile ${hint}: only the repetition of a (batch, features) tensor along a new axis (RepeatVector)`);
  const layer = imp.addLayer('RepeatVector', { n: Number(reps!.data[unit]) }, [t.layer], hint);
  imp.alias(n.output![0], { layer, axes: t.axes.map((x) => (x === 'u' ? 1 : x === 1 ? 2 : x)) });
}

export const reshapingImporters: OpImporters = {
  Flatten: reshape,
  Reshape: reshape,
  Squeeze: reshape,
  Unsqueeze: reshape,
  Pad: pad,
  Slice: slice,
  Resize: resize,
  Tile: tile,
};
