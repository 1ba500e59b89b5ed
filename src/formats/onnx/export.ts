/**
 * ModelFile -> ONNX ModelProto bytes. One emitter per Keras layer class, each writing the ONNX operators that
 * compute exactly what Keras (and TF.js, which Model Studio runs) computes; `verifyOnnxExport` in
 * src/engine/verify.ts checks that on random inputs after every export.
 *
 * Semantics references: keras/src/layers (Keras 2.x and 3), tfjs-layers src/layers, and the ONNX operator
 * specification (https://onnx.ai/onnx/operators/). Keras 'same' padding puts the odd pixel at the end
 * (tf.nn's SAME), which is ONNX SAME_UPPER; we write it as explicit pads when the sizes are known.
 */
import { analyze } from '../../core/analysis';
import { withDefaults } from '../../core/layers';
import { UserError, type Json, type JsonObject, type LayerNode, type ModelFile, type NamedTensor, type Shape } from '../../core/types';
import { version } from '../../../package.json';
import { Emitter, reorderGates, toFirstPerm, transposeData, type Val } from './emitter';
import { DT, onnx } from './proto';

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

export interface OnnxExportOptions {
  opset?: number;
  docString?: string;
  /**
   * Image inputs (see `isNchwInput`) are declared channels-first, (N, C, H, W), the layout PyTorch users feed;
   * the leading Transpose disappears. Outputs keep the Keras layout.
   */
  inputsNchw?: boolean;
}

/** Layers that consume channels-first data in ONNX: a rank-3 input feeding only these counts as an image input. */
const SPATIAL_CONSUMERS = /^(Conv|SeparableConv|DepthwiseConv|MaxPooling|AveragePooling|GlobalMaxPooling|GlobalAveragePooling|ZeroPadding|Cropping|UpSampling)/;

/**
 * The inputs `inputsNchw` moves to channels-first: float inputs of rank 4 or more (images), and rank-3 ones
 * (1-D signals) whose every consumer is a convolution, pooling, padding or upsampling layer. A rank-3 input
 * into an RNN or a Dense stays (batch, steps, features), which is also PyTorch's batch_first layout.
 */
export function isNchwInput(model: ModelFile, input: string, shape: Shape): boolean {
  const layer = model.graph.layers.find((l) => l.name === input);
  if (!layer || layer.config.dtype === 'int32' || layer.config.dtype === 'int64') return false;
  if (shape.length >= 4) return true;
  if (shape.length !== 3) return false;
  const consumers = model.graph.layers.filter((l) => l.inbound.includes(input));
  return consumers.length > 0 && consumers.every((l) => SPATIAL_CONSUMERS.test(l.className));
}

const ACTIVATIONS = new Set([
  'linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'log_softmax', 'softplus', 'softsign',
  'selu', 'elu', 'exponential', 'swish', 'silu', 'gelu', 'mish', 'leaky_relu',
]);
/** ONNX's RNN operators take these activations by name (HardSigmoid's defaults 0.2/0.5 are Keras 2's and TF.js'). */
const RNN_ACTIVATIONS: Record<string, string> = { tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu', hard_sigmoid: 'HardSigmoid' };
const PASS_THROUGH = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'SpatialDropout2D', 'ActivityRegularization']);
const RNNS = new Set(['SimpleRNN', 'LSTM', 'GRU']);

/** ir_version that goes with an opset (onnx/helper.py VERSION_TABLE). */
function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

const asNums = (v: Json | undefined, n: number, d: number): number[] => {
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? x : d));
  return new Array<number>(n).fill(d);
};

function activationOf(c: JsonObject): string {
  const a = c.activation;
  if (a === null || a === undefined) return 'linear';
  if (typeof a === 'string') return a;
  if (typeof a === 'object' && !Array.isArray(a) && typeof a.class_name === 'string') return a.class_name;
  return String(a);
}

function innerOf(layer: LayerNode): { className: string; config: JsonObject } | undefined {
  const inner = layer.config.layer;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner) || typeof inner.class_name !== 'string') return undefined;
  const cfg = inner.config && typeof inner.config === 'object' && !Array.isArray(inner.config) ? (inner.config as JsonObject) : {};
  return { className: inner.class_name, config: withDefaults(inner.class_name, cfg) };
}

/** Why a layer cannot be exported, or undefined when it can. */
function unsupportedReason(layer: LayerNode, c: JsonObject, inShapes: Shape[]): string | undefined {
  const cls = layer.className;
  if (c.data_format === 'channels_first') return 'channels_first data is not supported';
  if ('activation' in c && !ACTIVATIONS.has(activationOf(c))) return `activation "${activationOf(c)}" has no ONNX form here`;
  switch (cls) {
    case 'InputLayer':
    case 'Dense':
    case 'Activation':
    case 'Flatten':
    case 'Reshape':
    case 'Permute':
    case 'RepeatVector':
    case 'UpSampling1D':
    case 'ZeroPadding1D':
    case 'ZeroPadding2D':
    case 'Cropping1D':
    case 'Cropping2D':
    case 'Conv1D':
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv1D':
    case 'SeparableConv2D':
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling1D':
    case 'AveragePooling2D':
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
    case 'Concatenate':
    case 'LeakyReLU':
    case 'PReLU':
    case 'ELU':
    case 'Softmax':
      return undefined;
    case 'Conv2DTranspose':
      return c.output_padding === null || c.output_padding === undefined ? undefined : 'output_padding is not supported';
    case 'UpSampling2D':
      return c.interpolation === 'nearest' || c.interpolation === undefined ? undefined : `interpolation "${String(c.interpolation)}" is not supported (only nearest)`;
    case 'ReLU': {
      const threshold = typeof c.threshold === 'number' ? c.threshold : 0;
      const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
      if (threshold !== 0) return 'threshold other than 0 is not supported';
      if (slope !== 0 && c.max_value !== null && c.max_value !== undefined) return 'negative_slope together with max_value is not supported';
      return undefined;
    }
    case 'BatchNormalization':
      return typeof c.axis === 'number' || (Array.isArray(c.axis) && c.axis.length === 1) ? undefined : 'several axes are not supported';
    case 'LayerNormalization': {
      const rank = inShapes[0]?.length ?? 0;
      const axes = (Array.isArray(c.axis) ? c.axis : [c.axis]).map((a) => (typeof a === 'number' && a < 0 ? rank + a : Number(a))).sort((a, b) => a - b);
      return axes.every((a, i) => a === rank - axes.length + i) ? undefined : 'only trailing axes can be normalized';
    }
    case 'Embedding':
      return c.mask_zero === true ? 'mask_zero=true (masking of later layers) has no ONNX form' : undefined;
    case 'Dot': {
      const axes = Array.isArray(c.axes) ? c.axes : [c.axes, c.axes];
      const ok = inShapes.length === 2 && inShapes.every((s) => s.length === 2) && axes.every((a) => a === 1 || a === -1);
      return ok ? undefined : 'only the dot product of two (batch, features) inputs is supported';
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return rnnReason(cls, c);
    case 'Bidirectional': {
      const inner = innerOf(layer);
      if (!inner || !RNNS.has(inner.className)) return 'only Bidirectional SimpleRNN, LSTM or GRU is supported';
      if (inner.config.go_backwards === true) return 'an inner layer with go_backwards=true is not supported';
      if (!['concat', 'sum', 'ave', 'mul'].includes(String(c.merge_mode))) return `merge_mode ${JSON.stringify(c.merge_mode)} is not supported`;
      return rnnReason(inner.className, inner.config);
    }
    case 'TimeDistributed': {
      const inner = innerOf(layer);
      if (!inner || inner.className !== 'Dense') return 'only TimeDistributed(Dense) is supported';
      return ACTIVATIONS.has(activationOf(inner.config)) ? undefined : `activation "${activationOf(inner.config)}" has no ONNX form here`;
    }
    default:
      return PASS_THROUGH.has(cls) ? undefined : 'ONNX export does not support this layer';
  }
}

function rnnReason(cls: string, c: JsonObject): string | undefined {
  if (c.return_state === true) return 'return_state=true is not supported';
  if (c.stateful === true) return 'stateful=true is not supported';
  if (c.time_major === true) return 'time_major=true is not supported';
  const acts = [activationOf(c), ...(cls === 'SimpleRNN' ? [] : [String(c.recurrent_activation ?? 'sigmoid')])];
  const bad = acts.find((a) => !(a in RNN_ACTIVATIONS));
  return bad ? `activation "${bad}" is not supported in ONNX recurrent operators` : undefined;
}

/** Explicit ONNX pads [begins..., ends...] for Keras padding on the given spatial sizes, or SAME_UPPER when unknown. */
function convPads(
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

const BIG = 2 ** 62;

/** Writes the ONNX ModelProto for `model`. Throws one UserError listing every layer that cannot be exported. */
export function exportOnnx(model: ModelFile, opts: OnnxExportOptions = {}): Uint8Array {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new UserError(`ONNX opset ${opset} is not supported`, `choose an opset from ${MIN_OPSET} to ${MAX_OPSET}`, 'onnx-opset');
  }
  const g = model.graph;
  const a = analyze(g);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new UserError(`The model has errors and cannot be exported: ${errors[0]!.message}`, errors[0]!.hint ?? 'fix the model first', 'onnx-invalid-model');
  }
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  const configs = new Map(g.layers.map((l) => [l.name, withDefaults(l.className, l.config)]));

  // Only what leads to an output is exported (Keras' Model(inputs, outputs) does the same).
  const used = new Set<string>();
  const stack = [...g.outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (used.has(n)) continue;
    used.add(n);
    stack.push(...(byName.get(n)?.inbound ?? []));
  }
  const order = a.order.filter((n) => used.has(n));

  const unsupported: string[] = [];
  for (const n of order) {
    const l = byName.get(n)!;
    const why = unsupportedReason(l, configs.get(n)!, a.layers.get(n)?.inputShapes ?? []);
    if (why) unsupported.push(`${n} (${l.className}): ${why}`);
  }
  if (unsupported.length > 0) {
    throw new UserError(
      `ONNX export does not support ${unsupported.length === 1 ? 'this layer' : `these ${unsupported.length} layers`}: ${unsupported.join('; ')}`,
      'replace or remove them, or export to TF.js or Keras instead',
      'onnx-unsupported',
    );
  }

  const weights = new Map(model.weights.map((w) => [w.name, w]));
  const missing = a.layers.size > 0 ? order.filter((n) => (a.layers.get(n)?.weights.length ?? 0) > 0 && !model.weights.some((w) => w.name.startsWith(`${n}/`))) : [];
  if (missing.length > 0) {
    throw new UserError(`The model has no weights for ${missing.join(', ')}`, 'initialise or train the model before exporting it to ONNX', 'onnx-no-weights');
  }

  const e = new Emitter(opset);
  const vals = new Map<string, Val>();
  const inputs: onnx.IValueInfoProto[] = [];
  for (const n of g.inputs) e.reserve(n);
  for (const n of g.outputs) e.reserve(n);

  for (const n of order) {
    const layer = byName.get(n)!;
    const info = a.layers.get(n)!;
    const c = configs.get(n)!;
    if (layer.className === 'InputLayer') {
      const shape = info.outputShape!;
      const int = c.dtype === 'int32' || c.dtype === 'int64';
      if (opts.inputsNchw && isNchwInput(model, n, shape)) {
        inputs.push(valueInfo(n, toFirstPerm(shape.length).map((i) => shape[i]!), DT.FLOAT));
        vals.set(n, { rank: shape.length, first: n });
      } else {
        inputs.push(valueInfo(n, shape, int ? DT.INT32 : DT.FLOAT));
        vals.set(n, { rank: shape.length, last: n });
      }
      continue;
    }
    const ins = layer.inbound.map((s) => vals.get(s)!);
    const ctx = new LayerContext(e, layer, c, info.inputShapes, info.outputShape!, weights);
    const before = e.nodes.length;
    vals.set(n, emitLayer(ctx, ins));
    // Names the Keras layer class on its nodes: import uses it to choose between spellings of the same
    // computation (a ReLU layer or Activation('relu'); a Softmax layer or an activation), never to compute.
    for (const node of e.nodes.slice(before)) node.docString = `Keras ${layer.className} layer ${n}`;
  }

  const outputs: onnx.IValueInfoProto[] = [];
  for (const n of g.outputs) {
    const v = vals.get(n)!;
    e.nodes.push({ name: e.unique(`${n}/Identity`), opType: 'Identity', input: [e.last(v, n)], output: [n] });
    outputs.push(valueInfo(n, a.layers.get(n)!.outputShape!, DT.FLOAT));
  }

  const proto: onnx.IModelProto = {
    irVersion: irVersionFor(opset),
    producerName: 'Model Studio',
    producerVersion: version,
    domain: 'com.modelstudio',
    modelVersion: 1,
    docString: opts.docString ?? `${g.name}: a Keras ${g.kind} model exported by Model Studio ${version}`,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: g.name, node: e.nodes, initializer: e.initializers, input: inputs, output: outputs },
  };
  return onnx.ModelProto.encode(proto).finish();
}

function valueInfo(name: string, shape: Shape, elemType: number): onnx.IValueInfoProto {
  const dim = shape.map((d, i) => (i === 0 ? { dimParam: 'batch' } : d === null ? { dimParam: `${name}_dim${i}` } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** What a layer emitter needs: the emitter, its config, shapes and weights. */
class LayerContext {
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

/** Applies a Keras activation (by name) to an ONNX tensor of rank `rank`; softmax runs over the last Keras axis. */
function activation(ctx: LayerContext, v: Val, name: string): Val {
  const { e } = ctx;
  const unary = (fn: (x: string) => string) => e.elementwise(v, ctx.name, fn);
  switch (name) {
    case 'linear':
      return v;
    case 'relu':
      return unary((x) => ctx.op('Relu', [x]));
    case 'relu6':
      return unary((x) => ctx.op('Clip', [x, e.scalar(`${ctx.name}/zero`, 0), e.scalar(`${ctx.name}/six`, 6)]));
    case 'sigmoid':
      return unary((x) => ctx.op('Sigmoid', [x]));
    case 'hard_sigmoid':
      // TF.js and Keras 2: clip(0.2 x + 0.5, 0, 1) (tfjs-layers backend/tfjs_backend.ts hardSigmoid).
      return unary((x) => ctx.op('HardSigmoid', [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } }));
    case 'tanh':
      return unary((x) => ctx.op('Tanh', [x]));
    case 'softplus':
      return unary((x) => ctx.op('Softplus', [x]));
    case 'softsign':
      return unary((x) => ctx.op('Softsign', [x]));
    case 'selu':
      return unary((x) => ctx.op('Selu', [x]));
    case 'elu':
      return unary((x) => ctx.op('Elu', [x], { alpha: { float: 1 } }));
    case 'exponential':
      return unary((x) => ctx.op('Exp', [x]));
    case 'leaky_relu':
      return unary((x) => ctx.op('LeakyRelu', [x], { alpha: { float: 0.2 } }));
    case 'swish':
    case 'silu':
      return unary((x) => ctx.op('Mul', [x, ctx.op('Sigmoid', [x])]));
    case 'mish':
      return unary((x) => ctx.op('Mul', [x, ctx.op('Tanh', [ctx.op('Softplus', [x])])]));
    case 'gelu':
      // The exact form TF.js uses: x * 0.5 * (1 + erf(x / sqrt(2))) (tfjs-layers activations.ts Gelu).
      return unary((x) => {
        const erf = ctx.op('Erf', [ctx.op('Div', [x, e.scalar(`${ctx.name}/sqrt2`, Math.SQRT2)])]);
        const cdf = ctx.op('Mul', [ctx.op('Add', [erf, e.scalar(`${ctx.name}/one`, 1)]), e.scalar(`${ctx.name}/half`, 0.5)]);
        return ctx.op('Mul', [x, cdf]);
      });
    case 'softmax':
    case 'log_softmax':
      return { rank: v.rank, last: ctx.op(name === 'softmax' ? 'Softmax' : 'LogSoftmax', [e.last(v, ctx.name)], { axis: -1 }) };
    default:
      throw new Error(`activation ${name} reached the emitter`);
  }
}

function emitLayer(ctx: LayerContext, ins: Val[]): Val {
  const { e, c, layer } = ctx;
  const x = ins[0]!;
  const rankOut = ctx.outShape.length;
  const cls = layer.className;
  if (PASS_THROUGH.has(cls)) return x;
  switch (cls) {
    case 'Dense':
      return dense(ctx, x, c, '');
    case 'TimeDistributed':
      return dense(ctx, x, innerOf(layer)!.config, '');
    case 'Activation':
      return activation(ctx, x, activationOf(c));
    case 'ReLU': {
      const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
      if (slope !== 0) return e.elementwise(x, ctx.name, (t) => ctx.op('LeakyRelu', [t], { alpha: { float: slope } }));
      if (typeof c.max_value === 'number') {
        const max = c.max_value;
        return e.elementwise(x, ctx.name, (t) => ctx.op('Clip', [t, e.scalar(`${ctx.name}/min`, 0), e.scalar(`${ctx.name}/max`, max)]));
      }
      return e.elementwise(x, ctx.name, (t) => ctx.op('Relu', [t]));
    }
    case 'LeakyReLU': {
      const alpha = typeof c.alpha === 'number' ? c.alpha : typeof c.negative_slope === 'number' ? c.negative_slope : 0.3;
      return e.elementwise(x, ctx.name, (t) => ctx.op('LeakyRelu', [t], { alpha: { float: alpha } }));
    }
    case 'ELU': {
      const alpha = typeof c.alpha === 'number' ? c.alpha : 1;
      return e.elementwise(x, ctx.name, (t) => ctx.op('Elu', [t], { alpha: { float: alpha } }));
    }
    case 'PReLU':
      // alpha has the input's shape without the batch axis (1 on shared axes): it broadcasts in Keras layout.
      return { rank: x.rank, last: ctx.op('PRelu', [e.last(x, ctx.name), ctx.init('alpha')]) };
    case 'Softmax': {
      const axis = typeof c.axis === 'number' ? c.axis : Array.isArray(c.axis) && c.axis.length === 1 ? Number(c.axis[0]) : -1;
      return { rank: x.rank, last: ctx.op('Softmax', [e.last(x, ctx.name)], { axis }) };
    }
    case 'Conv1D':
    case 'Conv2D':
      return conv(ctx, x);
    case 'Conv2DTranspose':
      return convTranspose(ctx, x);
    case 'DepthwiseConv2D':
      return depthwise(ctx, x);
    case 'SeparableConv1D':
    case 'SeparableConv2D':
      return separable(ctx, x);
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling1D':
    case 'AveragePooling2D':
      return pool(ctx, x, cls.startsWith('Max'));
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D': {
      const y = ctx.op(cls.startsWith('GlobalMax') ? 'GlobalMaxPool' : 'GlobalAveragePool', [e.first(x, ctx.name)]);
      if (c.keepdims === true) return { rank: x.rank, first: y };
      return { rank: 2, last: ctx.op('Flatten', [y], { axis: 1 }) };
    }
    case 'BatchNormalization':
      return batchNorm(ctx, x);
    case 'LayerNormalization':
      return layerNorm(ctx, x);
    case 'Flatten':
      // Keras flattens channels-last data: back to (N, H, W, C) first, then rows in that order.
      return x.rank <= 2 ? x : { rank: 2, last: ctx.op('Flatten', [e.last(x, ctx.name)], { axis: 1 }) };
    case 'Reshape': {
      const target = (c.target_shape as number[]).map((d) => (d === null ? -1 : d));
      return { rank: rankOut, last: ctx.op('Reshape', [e.last(x, ctx.name), ctx.i64('shape', [0, ...target])]) };
    }
    case 'Permute':
      return { rank: rankOut, last: ctx.op('Transpose', [e.last(x, ctx.name)], { perm: [0, ...(c.dims as number[])] }) };
    case 'RepeatVector': {
      const n = c.n as number;
      const y = ctx.op('Reshape', [e.last(x, ctx.name), ctx.i64('shape', [0, 1, -1])]);
      return { rank: 3, last: ctx.op('Tile', [y, ctx.i64('repeats', [1, n, 1])]) };
    }
    case 'UpSampling1D':
    case 'UpSampling2D': {
      // Nearest neighbour repeats each pixel `size` times: Resize with asymmetric coordinates and floor.
      const size = asNums(c.size, x.rank - 2, 2);
      const scales = e.f32(`${ctx.name}/scales`, [x.rank], [1, 1, ...size]);
      const y = ctx.op('Resize', [e.first(x, ctx.name), '', scales], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      return { rank: x.rank, first: y };
    }
    case 'ZeroPadding1D':
    case 'ZeroPadding2D': {
      const pairs = paddingPairs(c.padding, x.rank - 2);
      const pads = [0, 0, ...pairs.map((p) => p[0]), 0, 0, ...pairs.map((p) => p[1])];
      return { rank: x.rank, first: ctx.op('Pad', [e.first(x, ctx.name), ctx.i64('pads', pads)], { mode: 'constant' }) };
    }
    case 'Cropping1D':
    case 'Cropping2D': {
      const pairs = paddingPairs(c.cropping, x.rank - 2);
      const sizes = ctx.inShapes[0]!.slice(1, -1);
      const starts = pairs.map((p) => p[0]);
      const ends = pairs.map((p, i) => (sizes[i] !== null ? sizes[i]! - p[1] : p[1] > 0 ? -p[1] : BIG));
      const axes = pairs.map((_, i) => i + 2);
      const y = ctx.op('Slice', [e.first(x, ctx.name), ctx.i64('starts', starts), ctx.i64('ends', ends), ctx.i64('axes', axes)]);
      return { rank: x.rank, first: y };
    }
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return merge(ctx, ins);
    case 'Concatenate': {
      const axis = typeof c.axis === 'number' ? c.axis : -1;
      const a = axis < 0 ? x.rank + axis : axis;
      if (x.rank > 2 && ins.every((v) => v.first && !v.last)) {
        const onnxAxis = a === 0 ? 0 : a === x.rank - 1 ? 1 : a + 1;
        return { rank: x.rank, first: ctx.op('Concat', ins.map((v) => v.first!), { axis: onnxAxis }) };
      }
      return { rank: x.rank, last: ctx.op('Concat', ins.map((v) => e.last(v, ctx.name)), { axis: a }) };
    }
    case 'Dot': {
      let [p, q] = ins.map((v) => e.last(v, ctx.name)) as [string, string];
      if (c.normalize === true) [p, q] = [l2Normalize(ctx, p), l2Normalize(ctx, q)];
      return { rank: 2, last: ctx.op('ReduceSum', [ctx.op('Mul', [p, q]), ctx.i64('axes', [1])], { keepdims: 1 }) };
    }
    case 'Embedding': {
      const idx = ctx.op('Cast', [e.last(x, ctx.name)], { to: DT.INT64 });
      return { rank: x.rank + 1, last: ctx.op('Gather', [ctx.init('embeddings'), idx], { axis: 0 }) };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrent(ctx, x, cls, c, null);
    case 'Bidirectional': {
      const inner = innerOf(layer)!;
      return recurrent(ctx, x, inner.className, inner.config, String(c.merge_mode));
    }
    default:
      throw new Error(`layer ${cls} reached the emitter`);
  }
}

function paddingPairs(v: Json | undefined, n: number): [number, number][] {
  if (typeof v === 'number') return Array.from({ length: n }, () => [v, v]);
  if (Array.isArray(v)) {
    if (n === 1 && v.length === 2 && v.every((x) => typeof x === 'number')) return [[v[0] as number, v[1] as number]];
    return v.map((p) => (typeof p === 'number' ? [p, p] : [Number((p as number[])[0]), Number((p as number[])[1])]));
  }
  return Array.from({ length: n }, () => [0, 0]);
}

function dense(ctx: LayerContext, x: Val, c: JsonObject, prefix: string): Val {
  const { e } = ctx;
  const kernel = ctx.init(`${prefix}kernel`);
  const input = e.last(x, ctx.name);
  let y: string;
  if (x.rank === 2) {
    y = ctx.op('Gemm', c.use_bias !== false ? [input, kernel, ctx.init(`${prefix}bias`)] : [input, kernel]);
  } else {
    y = ctx.op('MatMul', [input, kernel]);
    if (c.use_bias !== false) y = ctx.op('Add', [y, ctx.init(`${prefix}bias`)]);
  }
  return activation(ctx, { rank: x.rank, last: y }, activationOf(c));
}

function spatial(ctx: LayerContext, n: number) {
  const c = ctx.c;
  const kernel = asNums(c.kernel_size, n, 1);
  const strides = asNums(c.strides, n, 1);
  const dilations = asNums(c.dilation_rate, n, 1);
  const sizes = ctx.inShapes[0]!.slice(1, -1);
  return { kernel, strides, dilations, pads: convPads(String(c.padding), sizes, kernel, strides, dilations) };
}

/** Keras kernel (k..., in, out) -> ONNX (out, in, k...). */
const kernelPerm = (n: number) => [n + 1, n, ...Array.from({ length: n }, (_, i) => i)];

function conv(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const s = spatial(ctx, n);
  const inputs = [ctx.e.first(x, ctx.name), ctx.init('kernel', kernelPerm(n))];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const y = ctx.op('Conv', inputs, { kernel_shape: s.kernel, strides: s.strides, dilations: s.dilations, group: Number(ctx.c.groups ?? 1), ...s.pads });
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

function convTranspose(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const { kernel, strides, dilations } = spatial(ctx, n);
  // Keras output size: in*s for 'same', in*s + max(k - s, 0) for 'valid' (keras/src/utils/conv_utils.py
  // deconv_output_length). The transposed conv gives (in-1)*s + k_eff - pads + output_padding.
  const eff = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  const same = ctx.c.padding === 'same';
  const total = eff.map((k, i) => (same ? Math.max(k - strides[i]!, 0) : 0));
  const outputPadding = eff.map((k, i) => Math.max(strides[i]! - k, 0));
  const pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
  // Keras kernel (k..., out, in) -> ONNX ConvTranspose (in, out, k...).
  const inputs = [ctx.e.first(x, ctx.name), ctx.init('kernel', kernelPerm(n))];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const attrs: Record<string, number[]> = { kernel_shape: kernel, strides, dilations, pads };
  if (outputPadding.some((p) => p > 0)) attrs.output_padding = outputPadding;
  const y = ctx.op('ConvTranspose', inputs, attrs);
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

/** Keras depthwise kernel (k..., in, mult) -> ONNX grouped Conv weight (in*mult, 1, k...), output channel i*mult+m. */
function depthwiseWeight(ctx: LayerContext, n: number): { name: string; channels: number } {
  const t = ctx.w('depthwise_kernel');
  const [cin, mult] = t.shape.slice(n) as [number, number];
  const p = transposeData(t.data, t.shape, [n, n + 1, ...Array.from({ length: n }, (_, i) => i)]);
  return { name: ctx.e.f32(`${ctx.name}/depthwise_kernel`, [cin * mult, 1, ...t.shape.slice(0, n)], p.data), channels: cin };
}

function depthwise(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const s = spatial(ctx, n);
  const w = depthwiseWeight(ctx, n);
  const inputs = [ctx.e.first(x, ctx.name), w.name];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const y = ctx.op('Conv', inputs, { kernel_shape: s.kernel, strides: s.strides, dilations: s.dilations, group: w.channels, ...s.pads });
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

function separable(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const s = spatial(ctx, n);
  const w = depthwiseWeight(ctx, n);
  const d = ctx.op('Conv', [ctx.e.first(x, ctx.name), w.name], { kernel_shape: s.kernel, strides: s.strides, dilations: s.dilations, group: w.channels, ...s.pads });
  const inputs = [d, ctx.init('pointwise_kernel', kernelPerm(n))];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const ones = new Array<number>(n).fill(1);
  const y = ctx.op('Conv', inputs, { kernel_shape: ones, strides: ones, dilations: ones, group: 1, pads: new Array<number>(2 * n).fill(0) });
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

function pool(ctx: LayerContext, x: Val, max: boolean): Val {
  const n = x.rank - 2;
  const c = ctx.c;
  const kernel = asNums(c.pool_size, n, 2);
  const strides = c.strides === null || c.strides === undefined ? kernel : asNums(c.strides, n, 1);
  const pads = convPads(String(c.padding), ctx.inShapes[0]!.slice(1, -1), kernel, strides, new Array<number>(n).fill(1));
  // TF averages over the real pixels only when padding 'same': count_include_pad=0 (ONNX' default).
  const attrs = max ? { kernel_shape: kernel, strides, ...pads } : { kernel_shape: kernel, strides, count_include_pad: 0, ...pads };
  return { rank: x.rank, first: ctx.op(max ? 'MaxPool' : 'AveragePool', [ctx.e.first(x, ctx.name)], attrs) };
}

function batchNorm(ctx: LayerContext, x: Val): Val {
  const { e, c } = ctx;
  const axisRaw = Array.isArray(c.axis) ? Number(c.axis[0]) : Number(c.axis ?? -1);
  const axis = axisRaw < 0 ? x.rank + axisRaw : axisRaw;
  const mean = ctx.w('moving_mean');
  const variance = ctx.w('moving_variance');
  const ch = mean.data.length;
  const gamma = c.scale !== false ? ctx.w('gamma').data : new Float32Array(ch).fill(1);
  const beta = c.center !== false ? ctx.w('beta').data : new Float32Array(ch);
  const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  if (axis === x.rank - 1) {
    const input = x.rank > 2 ? e.first(x, ctx.name) : e.last(x, ctx.name);
    const y = ctx.op('BatchNormalization', [
      input,
      e.f32(`${ctx.name}/gamma`, [ch], gamma),
      e.f32(`${ctx.name}/beta`, [ch], beta),
      e.f32(`${ctx.name}/moving_mean`, [ch], mean.data),
      e.f32(`${ctx.name}/moving_variance`, [ch], variance.data),
    ], { epsilon: { float: eps } });
    return x.rank > 2 ? { rank: x.rank, first: y } : { rank: x.rank, last: y };
  }
  // Another axis: the same affine map, y = x * a + b, broadcast along that axis in Keras layout.
  const a = Float32Array.from(gamma, (gm, i) => gm / Math.sqrt(variance.data[i]! + eps));
  const b = Float32Array.from(beta, (bt, i) => bt - mean.data[i]! * a[i]!);
  const dims = Array.from({ length: x.rank - 1 }, (_, i) => (i + 1 === axis ? ch : 1));
  const y = ctx.op('Add', [ctx.op('Mul', [e.last(x, ctx.name), e.f32(`${ctx.name}/scale`, dims, a)]), e.f32(`${ctx.name}/offset`, dims, b)]);
  return { rank: x.rank, last: y };
}

function layerNorm(ctx: LayerContext, x: Val): Val {
  const { e, c } = ctx;
  const axes = (Array.isArray(c.axis) ? c.axis : [c.axis ?? -1]).map((v) => (Number(v) < 0 ? x.rank + Number(v) : Number(v)));
  const first = Math.min(...axes);
  const shape = ctx.inShapes[0]!.slice(first) as number[];
  const size = shape.reduce((p, q) => p * q, 1);
  const gamma = c.scale !== false ? ctx.init('gamma', undefined, shape) : e.f32(`${ctx.name}/gamma`, shape, new Float32Array(size).fill(1));
  const beta = c.center !== false ? ctx.init('beta', undefined, shape) : e.f32(`${ctx.name}/beta`, shape, new Float32Array(size));
  const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  const input = e.last(x, ctx.name);
  if (ctx.e.opset >= 17) {
    return { rank: x.rank, last: ctx.op('LayerNormalization', [input, gamma, beta], { axis: first, epsilon: { float: eps } }) };
  }
  // Before opset 17: (x - mean) / sqrt(var + eps) * gamma + beta, as tfjs-layers' LayerNormalization computes it.
  const reduceAxes = Array.from({ length: x.rank - first }, (_, i) => first + i);
  const mean = ctx.op('ReduceMean', [input], { axes: reduceAxes, keepdims: 1 });
  const d = ctx.op('Sub', [input, mean]);
  const variance = ctx.op('ReduceMean', [ctx.op('Mul', [d, d])], { axes: reduceAxes, keepdims: 1 });
  const std = ctx.op('Sqrt', [ctx.op('Add', [variance, e.scalar(`${ctx.name}/epsilon`, eps)])]);
  return { rank: x.rank, last: ctx.op('Add', [ctx.op('Mul', [ctx.op('Div', [d, std]), gamma]), beta]) };
}

function l2Normalize(ctx: LayerContext, x: string): string {
  const sq = ctx.op('ReduceSum', [ctx.op('Mul', [x, x]), ctx.i64('axes', [1])], { keepdims: 1 });
  const norm = ctx.op('Sqrt', [ctx.op('Max', [sq, ctx.e.scalar(`${ctx.name}/eps`, 1e-12)])]);
  return ctx.op('Div', [x, norm]);
}

function merge(ctx: LayerContext, ins: Val[]): Val {
  const { e } = ctx;
  const rank = ins[0]!.rank;
  const useFirst = rank > 2 && ins.every((v) => v.first && !v.last);
  const xs = ins.map((v) => (useFirst ? v.first! : e.last(v, ctx.name)));
  const chain = (op: string) => xs.slice(1).reduce((acc, t) => ctx.op(op, [acc, t]), xs[0]!);
  let y: string;
  switch (ctx.layer.className) {
    case 'Add':
      y = xs.length === 2 ? ctx.op('Add', xs) : ctx.op('Sum', xs);
      break;
    case 'Subtract':
      y = ctx.op('Sub', xs);
      break;
    case 'Multiply':
      y = chain('Mul');
      break;
    case 'Average':
      y = ctx.op('Mean', xs);
      break;
    case 'Maximum':
      y = ctx.op('Max', xs);
      break;
    default:
      y = ctx.op('Min', xs);
  }
  return useFirst ? { rank, first: y } : { rank, last: y };
}

/**
 * SimpleRNN / LSTM / GRU (and Bidirectional around them) as ONNX RNN / LSTM / GRU.
 * Keras gate order: LSTM i, f, c, o; GRU z, r, h. ONNX: LSTM i, o, f, c; GRU z, r, h. Keras GRU with
 * reset_after=true applies the reset gate after the recurrent matmul with its own bias: ONNX
 * linear_before_reset=1 with the bias' second row as Rb.
 */
function recurrent(ctx: LayerContext, x: Val, cls: string, c: JsonObject, mergeMode: string | null): Val {
  const { e } = ctx;
  const units = Number(c.units);
  const gates = cls === 'LSTM' ? 4 : cls === 'GRU' ? 3 : 1;
  const order = cls === 'LSTM' ? [0, 3, 1, 2] : cls === 'GRU' ? [0, 1, 2] : [0];
  const dirs = mergeMode ? ['forward_', 'backward_'] : [''];
  const weightOf = (dir: string, what: string): NamedTensor => {
    if (!dir) return ctx.w(what);
    // Bidirectional weights are `<layer>/forward_<inner>/<what>` and `<layer>/backward_<inner>/<what>`.
    const found = ctx.allWeights().find((w) => w.name.startsWith(`${ctx.name}/${dir}`) && w.name.endsWith(`/${what}`));
    if (!found) throw new UserError(`The model has no weight ${ctx.name}/${dir}.../${what}`, 'initialise or train the model before exporting it to ONNX', 'onnx-no-weights');
    return found;
  };
  const W: number[] = [];
  const R: number[] = [];
  const B: number[] = [];
  const useBias = c.use_bias !== false;
  for (const dir of dirs) {
    const k = weightOf(dir, 'kernel');
    const r = weightOf(dir, 'recurrent_kernel');
    const inDim = k.shape[0]!;
    W.push(...transposeData(reorderGates(k.data, inDim, units, order), [inDim, gates * units], [1, 0]).data);
    R.push(...transposeData(reorderGates(r.data, units, units, order), [units, gates * units], [1, 0]).data);
    if (useBias) {
      const b = weightOf(dir, 'bias');
      if (b.shape.length === 2) {
        // GRU reset_after: row 0 is the input bias, row 1 the recurrent bias.
        B.push(...reorderGates(b.data.slice(0, gates * units), 1, units, order), ...reorderGates(b.data.slice(gates * units), 1, units, order));
      } else {
        B.push(...reorderGates(b.data, 1, units, order), ...new Array<number>(gates * units).fill(0));
      }
    }
  }
  const nd = dirs.length;
  const inDim = W.length / (nd * gates * units);
  const xs = ctx.op('Transpose', [e.last(x, ctx.name)], { perm: [1, 0, 2] });
  const inputs = [
    xs,
    e.f32(`${ctx.name}/W`, [nd, gates * units, inDim], W),
    e.f32(`${ctx.name}/R`, [nd, gates * units, units], R),
    useBias ? e.f32(`${ctx.name}/B`, [nd, 2 * gates * units], B) : '',
  ];
  const act = RNN_ACTIVATIONS[activationOf(c)]!;
  const rec = RNN_ACTIVATIONS[String(c.recurrent_activation ?? 'sigmoid')]!;
  const perDir = cls === 'LSTM' ? [rec, act, act] : cls === 'GRU' ? [rec, act] : [act];
  const direction = mergeMode ? 'bidirectional' : c.go_backwards === true ? 'reverse' : 'forward';
  const attrs: Parameters<Emitter['op']>[3] = {
    hidden_size: units,
    direction,
    activations: { strings: dirs.flatMap(() => perDir) },
  };
  if (cls === 'GRU') attrs.linear_before_reset = c.reset_after === true ? 1 : 0;
  const opType = cls === 'SimpleRNN' ? 'RNN' : cls;
  const [Y, Yh] = e.op(opType, inputs, ctx.name, attrs, 2) as [string, string];
  const seq = c.return_sequences === true;
  const combine = (a: string, b: string): string => {
    if (mergeMode === 'sum') return ctx.op('Add', [a, b]);
    if (mergeMode === 'mul') return ctx.op('Mul', [a, b]);
    return ctx.op('Mul', [ctx.op('Add', [a, b]), e.scalar(`${ctx.name}/half`, 0.5)]);
  };
  const pick = (t: string, axis: number, i: number) => ctx.op('Gather', [t, e.i64(`${ctx.name}/index${i}`, [], [i])], { axis });
  if (seq) {
    // Y: (steps, directions, batch, units) -> (batch, steps, directions, units).
    let y = ctx.op('Transpose', [Y], { perm: [2, 0, 1, 3] });
    if (direction === 'reverse') {
      // Keras' go_backwards keeps the outputs in processing order (last input step first); ONNX aligns them
      // with the inputs, so the time axis is flipped back.
      y = ctx.op('Slice', [y, ctx.i64('starts', [-1]), ctx.i64('ends', [-BIG]), ctx.i64('axes', [1]), ctx.i64('steps', [-1])]);
    }
    if (nd === 1 || mergeMode === 'concat') return { rank: 3, last: ctx.op('Reshape', [y, ctx.i64('shape', [0, 0, -1])]) };
    return { rank: 3, last: combine(pick(y, 2, 0), pick(y, 2, 1)) };
  }
  // Y_h: (directions, batch, units).
  if (nd === 1) return { rank: 2, last: ctx.op('Reshape', [Yh, ctx.i64('shape', [-1, units])]) };
  if (mergeMode === 'concat') {
    const t = ctx.op('Transpose', [Yh], { perm: [1, 0, 2] });
    return { rank: 2, last: ctx.op('Reshape', [t, ctx.i64('shape', [0, -1])]) };
  }
  return { rank: 2, last: combine(pick(Yh, 0, 0), pick(Yh, 0, 1)) };
}
