/**
 * Building an ONNX graph node by node: unique names, initializers, and values that know their layout.
 *
 * Keras tensors are channels-last (N, ..., C); ONNX's Conv, pooling and BatchNormalization want
 * channels-first (N, C, ...). A `Val` holds a Keras tensor in either layout (or both) and makes the other one
 * on demand with one Transpose, cached, so a Conv followed by a Conv never transposes in between: adjacent
 * Transpose pairs cancel by never being written.
 */
import { attr, floatTensor, int64Tensor, onnx, type AttrValue } from './proto';

export interface Val {
  /** Rank of the Keras tensor, batch included. */
  rank: number;
  /** ONNX name of the tensor in Keras (channels-last) layout. */
  last?: string;
  /** ONNX name of the same tensor moved to channels-first; for rank <= 2 the two are one. */
  first?: string;
  /** The element type when not float: Keras' comparisons and logic give booleans, Argmax and int inputs int32. */
  dtype?: 'bool' | 'int32';
}

/** Keras (N, d1..dk, C) -> (N, C, d1..dk). */
export function toFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** (N, C, d1..dk) -> Keras (N, d1..dk, C). */
function toLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

export class Emitter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  constructor(readonly opset: number) {}

  /** Names that exist before any node (graph inputs) must not be reused. */
  reserve(name: string): void {
    this.used.add(name);
  }

  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its output names (`count` of them), named after the node. */
  op(opType: string, inputs: string[], scope: string, attrs: Record<string, AttrValue> = {}, count = 1): string[] {
    const name = this.unique(`${scope}/${opType}`);
    const outputs = count === 1 ? [name] : Array.from({ length: count }, (_, i) => this.unique(`${name}:${i}`));
    this.nodes.push({ name, opType, input: inputs, output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) });
    return outputs;
  }

  op1(opType: string, inputs: string[], scope: string, attrs: Record<string, AttrValue> = {}): string {
    return this.op(opType, inputs, scope, attrs)[0]!;
  }

  f32(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    const n = this.unique(name);
    this.initializers.push(floatTensor(n, dims, data));
    return n;
  }

  i64(name: string, dims: readonly number[], data: readonly number[]): string {
    const n = this.unique(name);
    this.initializers.push(int64Tensor(n, dims, data));
    return n;
  }

  scalar(name: string, v: number): string {
    return this.f32(name, [], [v]);
  }

  /** The value in Keras layout, transposing once (cached) if only channels-first exists. */
  last(v: Val, scope: string): string {
    if (v.last) return v.last;
    if (v.rank <= 2) return (v.last = v.first!);
    v.last = this.op1('Transpose', [v.first!], scope, { perm: toLastPerm(v.rank) });
    return v.last;
  }

  first(v: Val, scope: string): string {
    if (v.first) return v.first;
    if (v.rank <= 2) return (v.first = v.last!);
    v.first = this.op1('Transpose', [v.last!], scope, { perm: toFirstPerm(v.rank) });
    return v.first;
  }

  /** Applies a layout-independent (elementwise) op in whichever layout the value already has. */
  elementwise(v: Val, scope: string, fn: (x: string) => string): Val {
    if (v.first && !v.last && v.rank > 2) return { rank: v.rank, first: fn(v.first) };
    return { rank: v.rank, last: fn(this.last(v, scope)) };
  }
}

/** Data of a row-major tensor with its axes permuted (numpy `transpose(perm)`). */
export function transposeData(data: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i]!;
  }
  const strides = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k]! * strides[k]!;
    out[o] = data[src]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** Reorders gate blocks along the last axis of a (rows, gates*units) matrix: block j of the result is block order[j]. */
export function reorderGates(data: ArrayLike<number>, rows: number, units: number, order: readonly number[]): Float32Array {
  const g = order.length;
  const out = new Float32Array(rows * g * units);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < g; j++) {
      const src = r * g * units + order[j]! * units;
      out.set(Array.prototype.slice.call(data, src, src + units) as number[], r * g * units + j * units);
    }
  }
  return out;
}
