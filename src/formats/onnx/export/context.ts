/**
 * What every layer exporter shares: the `LayerExporter` contract, the context an emitter writes through
 * (emitter, config, shapes, weights) and the small readers of Keras configs the families use.
 */
import { withDefaults } from '../../../core/layers';
import { UserError, type Json, type JsonObject, type LayerNode, type NamedTensor, type Shape } from '../../../core/types';
import { transposeData, type Emitter, type Val } from '../emitter';

/**
 * How one Keras layer class becomes ONNX operators. A class is exportable exactly when it has an exporter;
 * `check` says why particular settings of it are not (undefined when they are).
 */
export interface LayerExporter {
  check?(layer: LayerNode, c: JsonObject, inShapes: Shape[]): string | undefined;
  emit(ctx: LayerContext, ins: Val[]): Val;
}

/** The exporters of one layer family, by Keras class name. */
export type LayerExporters = Record<string, LayerExporter>;

/** The Keras activations `activation()` (activations.ts) can write. */
export const ACTIVATIONS = new Set([
  'linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'log_softmax', 'softplus', 'softsign',
  'selu', 'elu', 'exponential', 'swish', 'silu', 'gelu', 'mish', 'leaky_relu',
]);

/** An int64 Slice bound meaning "to the end". */
export const BIG = 2 ** 62;

export const asNums = (v: Json | undefined, n: number, d: number): number[] => {
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? x : d));
  return new Array<number>(n).fill(d);
};

export function activationOf(c: JsonObject): string {
  const a = c.activation;
  if (a === null || a === undefined) return 'linear';
  if (typeof a === 'string') return a;
  if (typeof a === 'object' && !Array.isArray(a) && typeof a.class_name === 'string') return a.class_name;
  return String(a);
}

export function innerOf(layer: LayerNode): { className: string; config: JsonObject } | undefined {
  const inner = layer.config.layer;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner) || typeof inner.class_name !== 'string') return undefined;
  const cfg = inner.config && typeof inner.config === 'object' && !Array.isArray(inner.config) ? (inner.config as JsonObject) : {};
  return { className: inner.class_name, config: withDefaults(inner.class_name, cfg) };
}

/** Explicit ONNX pads [begins..., ends...] for Keras padding on the given spatial sizes, or SAME_UPPER when unknown. */
export function convPads(
  padding: string,
  sizes: (number | null)[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): { pads: number[] } | { auto_pad: string } {
  const n = kernel.length;
  const eff = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  if (padding === 'valid') return { pads: new Array<number>(2 * n).fill(0) };
  if (padding === 'causal') return { pads: [...eff.map((e) => e - 1), ...new Array<number>(n).fill(0)] };
  if (sizes.some((s) => s === null)) return { auto_pad: 'SAME_UPPER' };
  const total = sizes.map((s, i) => {
    const out = Math.ceil(s! / strides[i]!);
    return Math.max((out - 1) * strides[i]! + eff[i]! - s!, 0);
  });
  return { pads: [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))] };
}

/** What a layer emitter needs: the emitter, its config, shapes and weights. */
export class LayerContext {
  readonly name: string;
  constructor(
    readonly e: Emitter,
    readonly layer: LayerNode,
    readonly c: JsonObject,
    readonly inShapes: Shape[],
    readonly outShape: Shape,
    private readonly weights: Map<string, NamedTensor>,
  ) {
    this.name = layer.name;
  }

  /** The layer's weight `<layer>/<suffix>`, or the one whose name ends with `/<suffix>` (files that name cells). */
  w(suffix: string): NamedTensor {
    const exact = this.weights.get(`${this.name}/${suffix}`);
    if (exact) return exact;
    for (const [k, v] of this.weights) if (k.startsWith(`${this.name}/`) && k.endsWith(`/${suffix}`)) return v;
    throw new UserError(`The model has no weight ${this.name}/${suffix}`, 'initialise or train the model before exporting it to ONNX', 'onnx-no-weights');
  }

  allWeights(): NamedTensor[] {
    return [...this.weights.values()];
  }

  has(suffix: string): boolean {
    return this.weights.has(`${this.name}/${suffix}`) || [...this.weights.keys()].some((k) => k.startsWith(`${this.name}/`) && k.endsWith(`/${suffix}`));
  }

  /** A weight as an initializer, optionally with its axes permuted. */
  init(suffix: string, perm?: number[], dims?: number[]): string {
    const t = this.w(suffix);
    if (perm) {
      const p = transposeData(t.data, t.shape, perm);
      return this.e.f32(`${this.name}/${suffix}`, dims ?? p.shape, p.data);
    }
    return this.e.f32(`${this.name}/${suffix}`, dims ?? t.shape, t.data);
  }

  op(opType: string, inputs: string[], attrs: Parameters<Emitter['op1']>[3] = {}): string {
    return this.e.op1(opType, inputs, this.name, attrs);
  }

  i64(label: string, data: number[]): string {
    return this.e.i64(`${this.name}/${label}`, [data.length], data);
  }
}
