/**
 * Shape arithmetic shared by the layer specs, written after Keras' `conv_utils` (keras/utils/conv_utils.py)
 * and the small config readers the shape rules use.
 */
import type { Dim, JsonObject, Shape } from '../types';
import { ShapeError } from './spec';

/** Python's tuple repr of a shape: `(None, 28, 28, 1)`, `(None,)`. */
export function formatShape(shape: readonly Dim[] | null | undefined): string {
  if (!shape) return '?';
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** `5x5` for a kernel or spatial size. */
export function formatSize(dims: readonly Dim[]): string {
  return dims.map((d) => (d === null ? '?' : String(d))).join('x');
}

// ---- config readers (the config has every default filled in; validation has checked the types) ----

export function num(c: JsonObject, key: string): number {
  const v = c[key];
  if (typeof v !== 'number') throw new ShapeError(`${key} must be a number`, `set ${key}`, key);
  return v;
}

export function bool(c: JsonObject, key: string): boolean {
  return c[key] === true;
}

export function str(c: JsonObject, key: string): string {
  const v = c[key];
  return typeof v === 'string' ? v : '';
}

/** An int or a list of ints broadcast to `n` entries, as Keras' `conv_utils.normalize_tuple`. */
export function tuple(c: JsonObject, key: string, n: number): number[] {
  const v = c[key];
  if (typeof v === 'number') return Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return Array(n).fill(v[0]);
  throw new ShapeError(`${key} must be an integer or a list of ${n} integers`, `set ${key} to e.g. ${n === 1 ? '3' : `[${Array(n).fill(3).join(', ')}]`}`, key);
}

export function isChannelsFirst(c: JsonObject): boolean {
  return c.data_format === 'channels_first';
}

// ---- shape checks ----

export function requireRank(input: Shape, rank: number, what: string, hint?: string): void {
  if (input.length !== rank) {
    throw new ShapeError(
      `expects ${rank}D input ${what}, got ${formatShape(input)} (${input.length}D)`,
      hint ?? (rank === 3 ? 'add a Reshape before it, or use the 2D variant' : 'add a Reshape or Flatten before it'),
    );
  }
}

export function requireMinRank(input: Shape, rank: number, what: string): void {
  if (input.length < rank) {
    throw new ShapeError(`expects input of rank ${rank} or more ${what}, got ${formatShape(input)}`, 'add a Reshape before it');
  }
}

/** The last dimension, which Keras requires to be defined for weight shapes. */
export function knownDim(input: Shape, axis: number, what: string): number {
  const a = axis < 0 ? input.length + axis : axis;
  const d = input[a];
  if (d === null || d === undefined) {
    throw new ShapeError(
      `the ${what} dimension (axis ${a}) of input ${formatShape(input)} must be known`,
      'give the Input a fixed size on that axis',
    );
  }
  return d;
}

/** Keras' `conv_output_length` (padding valid/same/causal/full). */
export function convOutputLength(input: Dim, filter: number, padding: string, stride: number, dilation = 1): Dim {
  if (input === null) return null;
  const dilated = (filter - 1) * dilation + 1;
  let out: number;
  if (padding === 'same' || padding === 'causal') out = input;
  else if (padding === 'full') out = input + dilated - 1;
  else out = input - dilated + 1;
  return Math.floor((out + stride - 1) / stride);
}

/** Keras' `deconv_output_length` (Conv2DTranspose). */
export function deconvOutputLength(
  input: Dim,
  filter: number,
  padding: string,
  outputPadding: number | null,
  stride: number,
  dilation = 1,
): Dim {
  if (input === null) return null;
  const f = filter + (filter - 1) * (dilation - 1);
  if (outputPadding === null) {
    if (padding === 'valid') return input * stride + Math.max(f - stride, 0);
    if (padding === 'full') return input * stride - (stride + f - 2);
    return input * stride;
  }
  const pad = padding === 'same' ? Math.floor(f / 2) : padding === 'valid' ? 0 : f - 1;
  return (input - 1) * stride + f - 2 * pad + outputPadding;
}

/**
 * Spatial output sizes of a sliding window; throws the plain-language error users need when the window
 * does not fit (Keras would fail later with a negative dimension).
 */
export function slidingWindow(
  spatial: Dim[],
  window: number[],
  strides: number[],
  padding: string,
  dilation: number[],
  what: 'kernel' | 'pool',
): Dim[] {
  const out = spatial.map((d, i) => convOutputLength(d, window[i], padding, strides[i], dilation[i]));
  if (out.some((d) => d !== null && d <= 0)) {
    const eff = window.map((k, i) => (k - 1) * dilation[i] + 1);
    const dil = dilation.some((d) => d > 1) ? ` (${formatSize(eff)} with dilation)` : '';
    throw new ShapeError(
      `${what} ${formatSize(window)}${dil} is larger than its ${formatSize(spatial)} input`,
      what === 'kernel'
        ? "use padding='same' or a smaller kernel"
        : "use padding='same' or a smaller pool_size",
      what === 'kernel' ? 'kernel_size' : 'pool_size',
    );
  }
  return out;
}

export function product(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Normalize a negative axis against a rank (batch included); throws when out of range. */
export function normAxis(axis: number, rank: number, field = 'axis'): number {
  const a = axis < 0 ? rank + axis : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`axis ${axis} is out of range for an input of rank ${rank}`, `use an axis between ${-rank} and ${rank - 1}`, field);
  }
  return a;
}
