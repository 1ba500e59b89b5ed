/**
 * Element-wise arithmetic with a constant operand (x / 255, x - mean, x * scale + shift, -x) as Keras'
 * preprocessing layers (keras/src/layers/preprocessing):
 * - one value: Rescaling, x * scale + offset (Neg is scale -1; x / c is scale 1 / c, within one rounding);
 * - one value per position of one Keras axis (a feature or an NCHW channel): Normalization with `mean` and `variance` given, which
 *   computes (x - mean) / sqrt(variance) (x + c, x - c exactly; x / c with variance c², c > 0) or, with
 *   `invert`, mean + x * sqrt(variance) (x * s with variance s², s > 0, and the shift of a following Add:
 *   the Unsqueeze + Mul + Add form of an inference BatchNormalization).
 * A following scalar or per-feature Add / Sub folds into the layer just made, as Keras computes it in one
 * step. Anything else (integer data, a constant that broadcasts over the batch axis or grows the tensor, a
 * negative or zero per-feature scale, c / x) is refused with the reason.
 */
import type { JsonObject } from '../../../core/types';
import type { onnx } from '../proto';
import { Skip, type Importer, type KT, type OpImporter, type OpImporters } from './importer';

/** One value, or one value per position of the Keras axis `axis` (-1: the last). */
type Layout = { scalar: number } | { perFeature: number[]; axis: number };

interface Const {
  dims: number[];
  data: Float32Array | Float64Array;
}

/** Keras' backend.epsilon(): Normalization divides by max(sqrt(variance), 1e-7). */
const EPSILON = 1e-7;

/** A constant as one value, or one value per feature of the Keras last axis, as `t` sees it; else why not. */
export function constantLayout(imp: Importer, t: KT, c: Const): Layout | { why: string } {
  if (c.data.length === 1) return c.dims.length <= t.axes.length ? { scalar: c.data[0]! } : { why: 'a constant of higher rank than the tensor' };
  const R = t.axes.length;
  if (c.dims.length > R) return { why: 'a constant of higher rank than the tensor' };
  const dims = [...new Array<number>(R - c.dims.length).fill(1), ...c.dims];
  const varying = dims.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
  const i = varying[0]!;
  const k = t.axes[i];
  if (varying.length !== 1 || i === 0 || typeof k !== 'number') return { why: `a constant of shape [${c.dims.join(', ')}] that is not one value per position of one axis` };
  if (imp.onnxShape(t)[i] !== dims[i]) return { why: `a constant of ${dims[i]} values for ${imp.onnxShape(t)[i] ?? 'an unknown number of'} positions` };
  const last = imp.shapes.get(t.layer)!.length - 1;
  return { perFeature: Array.from(c.data), axis: k === last ? -1 : k };
}

/**
 * Whether `t` may hold integers: it descends from an integer ONNX input (through any layers: ONNX keeps the
 * integer type where Keras layers compute in float, so Div truncates and Rescaling would not), other than
 * through an Embedding.
 */
export function isIntInput(imp: Importer, t: KT): boolean {
  const seen = new Set<string>();
  const todo = [t.layer];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (imp.integerInputs.has(name)) return true;
    // An Embedding looks integer ids up into float vectors (Gather from a float table in ONNX too).
    if (imp.layer(name).className !== 'Embedding') todo.push(...imp.layer(name).inbound);
  }
  return false;
}

/** The layer made for `x op c`, or a Skip; `constFirst` is `c op x`. */
function layerFor(op: string, at: Layout, constFirst: boolean, hint: string): [string, JsonObject] {
  if ('scalar' in at) {
    const v = at.scalar;
    if (op === 'Add') return ['Rescaling', { scale: 1, offset: v }];
    if (op === 'Mul') return ['Rescaling', { scale: v, offset: 0 }];
    if (op === 'Sub') return ['Rescaling', constFirst ? { scale: -1, offset: v } : { scale: 1, offset: -v }];
    if (op === 'Div' && !constFirst && v !== 0) return ['Rescaling', { scale: 1 / v, offset: 0 }];
    throw new Skip(`${op} ${hint}: ${constFirst ? 'a constant divided by a tensor' : 'a division by zero'}`);
  }
  const { perFeature: c, axis } = at;
  const ones = c.map(() => 1);
  if (op === 'Add' || (op === 'Sub' && !constFirst)) return ['Normalization', { axis, mean: c.map((v) => (op === 'Add' ? -v : v)), variance: ones, invert: false }];
  if (op === 'Mul' || (op === 'Div' && !constFirst)) {
    if (c.some((v) => !(v >= EPSILON))) throw new Skip(`${op} ${hint}: a per-feature ${op === 'Mul' ? 'scale' : 'divisor'} below 1e-7 (Keras' Normalization takes positive scales only)`);
    if (op === 'Div') return ['Normalization', { axis, mean: c.map(() => 0), variance: c.map((v) => v * v), invert: false }];
    return ['Normalization', { axis, mean: c.map(() => 0), variance: c.map((v) => v * v), invert: true }];
  }
  throw new Skip(`${op} ${hint}: a per-feature constant ${constFirst ? 'minus or divided by a tensor' : 'operand'}`);
}

/**
 * A shift added after a Rescaling or inverted Normalization made just before (single use, same scope) folds
 * into it: Keras computes x * scale + offset and mean + x * sqrt(variance) in that order, as the ONNX graph.
 */
function foldShift(imp: Importer, n: onnx.INodeProto, t: KT, other: string, op: string, at: Layout, constFirst: boolean): boolean {
  if (!(op === 'Add' || (op === 'Sub' && !constFirst))) return false;
  const l = imp.fusable(t, other, ['Rescaling', 'Normalization'], n);
  if (!l) return false;
  const sign = op === 'Sub' ? -1 : 1;
  if (l.className === 'Rescaling' && 'scalar' in at && Number(l.config.offset ?? 0) === 0) {
    l.config.offset = sign * at.scalar;
    return true;
  }
  const c = l.config;
  const sameAxis = 'scalar' in at || at.axis === c.axis;
  if (l.className === 'Normalization' && c.invert === true && sameAxis && Array.isArray(c.mean) && c.mean.every((v) => v === 0)) {
    c.mean = 'scalar' in at ? c.mean.map(() => sign * at.scalar) : at.perFeature.map((v) => sign * v);
    return true;
  }
  return false;
}

/** `x op c` or `c op x` (Add, Sub, Mul, Div) with a constant `c` and a tensor `x`, called by merge.ts. */
export function constantOperand(imp: Importer, n: onnx.INodeProto, c: Const, other: string, constFirst: boolean): void {
  const op = n.opType!;
  const hint = n.name || n.output![0]!;
  const t = imp.kt(other, n);
  if (isIntInput(imp, t)) throw new Skip(`${op} ${hint}: on integer data (Keras' Rescaling and Normalization compute in float)`);
  if (c.data.some((v) => !Number.isFinite(v))) throw new Skip(`${op} ${hint}: a constant that is not a finite number`);
  const at = constantLayout(imp, t, c);
  if ('why' in at) throw new Skip(`${op} ${hint}: ${at.why}`);
  if (foldShift(imp, n, t, other, op, at, constFirst)) return imp.alias(n.output![0], t);
  const [cls, config] = layerFor(op, at, constFirst, hint);
  imp.alias(n.output![0], { layer: imp.addLayer(cls, config, [t.layer], hint), axes: t.axes });
}

/** Neg: Rescaling(scale=-1). */
const neg: OpImporter = (imp, n) => {
  const t = imp.kt(n.input![0]!, n);
  if (isIntInput(imp, t)) throw new Skip(`Neg ${n.name || n.output![0]}: on integer data (Keras' Rescaling computes in float)`);
  imp.alias(n.output![0], { layer: imp.addLayer('Rescaling', { scale: -1, offset: 0 }, [t.layer], n.name || n.output![0]!), axes: t.axes });
};

export const scalingImporters: OpImporters = { Neg: neg };
