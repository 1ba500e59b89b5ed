/**
 * ONNX ModelProto -> ModelFile: the graphs keras2onnx, tf2onnx, torch.onnx.export and our own exporter write
 * for the operators the catalog can express, turned back into Keras layers with weights.
 *
 * Every ONNX tensor is tracked as a view of a Keras tensor: `axes[i]` says which axis of the Keras layer's
 * output ONNX axis i is, or 'u' for an inserted axis of size 1. Transposes, Squeeze/Unsqueeze and the
 * reshapes that only add or drop size-1 axes therefore create no layers, so the Transpose pairs converters
 * put around Conv (NHWC -> NCHW -> NHWC) fold back into a plain channels-last Keras graph; a Permute or
 * Reshape layer is only added where the data really is reordered.
 */
import { getSpec, withDefaults } from '../../core/layers';
import { snakeCase } from '../../core/graph';
import { UserError, type JsonObject, type LayerNode, type ModelFile, type NamedTensor, type Shape } from '../../core/types';
import { toFirstPerm, transposeData, reorderGates } from './emitter';
import { Attrs, decodeModel, DT, onnx, tensorValues, toNum } from './proto';

type Axis = number | 'u';
interface KT {
  layer: string;
  axes: Axis[];
}
interface Const {
  dims: number[];
  data: Float32Array | Float64Array;
}

const UNARY: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Selu: 'selu',
  Exp: 'exponential',
};
const RNN_ACT: Record<string, string> = { Tanh: 'tanh', Sigmoid: 'sigmoid', Relu: 'relu', HardSigmoid: 'hard_sigmoid' };

class Importer {
  readonly layers: LayerNode[] = [];
  readonly weights: NamedTensor[] = [];
  readonly shapes = new Map<string, Shape>();
  readonly tensors = new Map<string, KT>();
  readonly consts = new Map<string, Const>();
  readonly consumers = new Map<string, number>();
  readonly problems: string[] = [];
  private readonly names = new Set<string>();
  private readonly opset: number;

  constructor(private readonly model: onnx.ModelProto, private readonly fileName: string) {
    this.opset = toNum((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version as never) || 13;
  }

  // ------------------------------------------------------------------------------------------ layers
  uniqueName(hint: string, cls: string): string {
    const base = hint.replace(/:\d+$/, '').split('/').filter((s) => s && !/^(MatMul|BiasAdd|Conv2D|Relu|Softmax|Add|Reshape|Conv|Gemm)$/.test(s));
    let name = (base.length ? base[base.length - 1]! : snakeCase(cls)).replace(/[^A-Za-z0-9_.-]/g, '_');
    if (!name || /^\d/.test(name)) name = snakeCase(cls);
    let n = name;
    for (let i = 1; this.names.has(n); i++) n = `${name}_${i}`;
    this.names.add(n);
    return n;
  }

  addLayer(cls: string, config: JsonObject, inbound: string[], hint: string): string {
    const name = this.uniqueName(hint, cls);
    const spec = getSpec(cls)!;
    const shape = cls === 'InputLayer' ? (config.batch_input_shape as Shape) : spec.outputShape(inbound.map((i) => this.shapes.get(i)!), withDefaults(cls, config));
    this.layers.push({ name, className: cls, config, inbound });
    this.shapes.set(name, shape);
    return name;
  }

  /** A layer by name (fusing a bias or an activation changes its config, never its shape). */
  layer(name: string): LayerNode {
    return this.layers.find((l) => l.name === name)!;
  }

  addWeight(layer: string, w: string, shape: number[], data: ArrayLike<number>): void {
    this.weights.push({ name: `${layer}/${w}`, shape, dtype: 'float32', data: Float32Array.from(data) });
  }

  kt(name: string, node: onnx.INodeProto): KT {
    const t = this.tensors.get(name);
    if (!t) throw new Skip(`${node.opType} ${node.name ?? ''}: input "${name}" is not a tensor Model Studio can follow`);
    return t;
  }

  onnxShape(t: KT): Shape {
    const s = this.shapes.get(t.layer)!;
    return t.axes.map((a) => (a === 'u' ? 1 : s[a]!));
  }

  identity(layer: string): KT {
    return { layer, axes: this.shapes.get(layer)!.map((_, i) => i) };
  }

  /** A Keras tensor equal to the ONNX tensor (same axes order), adding a Permute / Reshape layer if needed. */
  plain(t: KT, hint: string): string {
    const r = this.shapes.get(t.layer)!.length;
    if (t.axes.length === r && t.axes.every((a, i) => a === i)) return t.layer;
    if (t.axes[0] !== 0) throw new Skip(`the batch axis is moved (${hint}), which Keras layers cannot express`);
    const real = t.axes.filter((a): a is number => a !== 'u');
    let layer = t.layer;
    if (real.some((a, i) => a !== i) || real.length !== r) {
      if (real.length !== r) throw new Skip(`a size-1 axis is dropped (${hint})`);
      layer = this.addLayer('Permute', { dims: real.slice(1) }, [layer], `${hint}_permute`);
    }
    if (t.axes.includes('u')) {
      const shape = this.onnxShape(t);
      layer = this.addLayer('Reshape', { target_shape: shape.slice(1).map((d) => d ?? -1) }, [layer], `${hint}_reshape`);
    }
    return layer;
  }

  /** A Keras tensor K' with onnx = transpose(K', perm) (e.g. toFirstPerm for an NCHW operator input). */
  viewAs(t: KT, perm: number[], hint: string): string {
    if (t.axes.length === perm.length && t.axes.every((a, i) => a === perm[i])) return t.layer;
    const p = this.plain(t, hint);
    // onnx = transpose(K', perm)  <=>  K' = transpose(onnx, inverse(perm)).
    const inv = perm.map((_, i) => perm.indexOf(i));
    return this.addLayer('Permute', { dims: inv.slice(1) }, [p], `${hint}_permute`);
  }

  // ------------------------------------------------------------------------------------------ driver
  run(): ModelFile {
    const g = this.model.graph!;
    for (const t of g.initializer ?? []) {
      const v = tensorValues(t);
      this.consts.set(t.name!, { dims: v.dims, data: v.data });
    }
    const nodes = sortNodes(g.node ?? [], new Set([...(g.input ?? []).map((i) => i.name!), ...this.consts.keys()]), this.fileName);
    for (const n of nodes) for (const i of n.input ?? []) if (i) this.consumers.set(i, (this.consumers.get(i) ?? 0) + 1);
    for (const o of g.output ?? []) this.consumers.set(o.name!, (this.consumers.get(o.name!) ?? 0) + 1);

    const inputs: string[] = [];
    for (const i of g.input ?? []) {
      if (this.consts.has(i.name!)) continue;
      const tt = i.type?.tensorType;
      const dims = (tt?.shape?.dim ?? []).map((d, k) => (k === 0 ? null : d.dimValue !== null && d.dimValue !== undefined && toNum(d.dimValue as never) > 0 ? toNum(d.dimValue as never) : null));
      const int = tt?.elemType === DT.INT32 || tt?.elemType === DT.INT64;
      const name = this.addLayer('InputLayer', { batch_input_shape: dims, dtype: int ? 'int32' : 'float32', sparse: false }, [], i.name!);
      this.tensors.set(i.name!, this.identity(name));
      inputs.push(name);
    }

    for (const n of nodes) {
      try {
        this.node(n);
      } catch (e) {
        if (e instanceof Skip) this.problems.push(e.message);
        else if (e instanceof UserError) throw e;
        else this.problems.push(`${n.opType} ${n.name ?? ''}: ${(e as Error).message}`);
      }
    }
    const outputs: string[] = [];
    if (this.problems.length === 0) {
      for (const o of g.output ?? []) {
        const t = this.tensors.get(o.name!);
        if (!t) {
          this.problems.push(`output ${o.name} is not computed by a supported operator`);
          continue;
        }
        try {
          outputs.push(this.plain(t, o.name!));
        } catch (e) {
          this.problems.push((e as Error).message);
        }
      }
    }
    if (this.problems.length > 0) {
      const unique = [...new Set(this.problems)];
      throw new UserError(
        `${this.fileName} uses ONNX operators Model Studio cannot turn into Keras layers: ${unique.slice(0, 12).join('; ')}${unique.length > 12 ? `; and ${unique.length - 12} more` : ''}`,
        'Model Studio imports Dense/Gemm, Conv, pooling, BatchNormalization, activations, reshapes, merges, Embedding and RNN operators',
        'onnx-unsupported',
      );
    }
    // Name clashes between an input and a layer are avoided by uniqueName; order layers as computed.
    const graph = { name: (g.name || 'model').replace(/[^A-Za-z0-9_.-]/g, '_'), kind: 'Functional' as const, layers: this.layers, inputs, outputs };
    const producer = [this.model.producerName, this.model.producerVersion].filter(Boolean).join(' ');
    return { graph, weights: this.weights, producer: { format: 'onnx', generatedBy: producer || undefined } };
  }

  // ------------------------------------------------------------------------------------------ operators
  private alias(out: string | undefined, t: KT): void {
    if (out) this.tensors.set(out, t);
  }

  private constOf(name: string | undefined): Const | undefined {
    return name ? this.consts.get(name) : undefined;
  }

  /** The single-use Keras layer that produced `t` in plain form, to fuse a bias or activation into. */
  private fusable(t: KT, tensorName: string, classes: string[]): LayerNode | undefined {
    if ((this.consumers.get(tensorName) ?? 0) !== 1) return undefined;
    const l = this.layer(t.layer);
    if (!classes.includes(l.className)) return undefined;
    if (this.layers[this.layers.length - 1] !== l) return undefined;
    return l;
  }

  private node(n: onnx.INodeProto): void {
    const op = n.opType!;
    const a = new Attrs(n);
    const ins = n.input ?? [];
    const out = n.output?.[0];
    const hint = n.name || out || op;
    switch (op) {
      case 'Identity':
      case 'Dropout':
      case 'Cast':
        if (this.consts.has(ins[0]!)) this.consts.set(out!, this.consts.get(ins[0]!)!);
        else this.alias(out, this.kt(ins[0]!, n));
        return;
      case 'Constant': {
        const v = (n.attribute ?? []).find((x) => x.name === 'value')?.t;
        if (!v) throw new Skip(`Constant ${hint}: only tensor values are supported`);
        const tv = tensorValues(v);
        this.consts.set(out!, { dims: tv.dims, data: tv.data });
        return;
      }
      case 'Transpose': {
        const t = this.kt(ins[0]!, n);
        const perm = a.ints('perm') ?? t.axes.map((_, i) => t.axes.length - 1 - i);
        this.alias(out, { layer: t.layer, axes: perm.map((i) => t.axes[i]!) });
        return;
      }
      case 'MatMul':
      case 'Gemm':
        return this.dense(n, a);
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Sum':
      case 'Max':
      case 'Min':
      case 'Mean':
        return this.binary(n);
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Softplus':
      case 'Softsign':
      case 'Selu':
      case 'Exp':
        return this.activation(n, UNARY[op]!);
      case 'Elu':
      case 'LeakyRelu': {
        const alpha = a.float('alpha', op === 'Elu' ? 1 : 0.01);
        const t = this.kt(ins[0]!, n);
        const cls = op === 'Elu' ? 'ELU' : 'LeakyReLU';
        this.alias(out, { layer: this.addLayer(cls, { alpha }, [t.layer], hint), axes: t.axes });
        return;
      }
      case 'HardSigmoid':
        if (Math.abs(a.float('alpha', 0.2) - 0.2) > 1e-6 || Math.abs(a.float('beta', 0.5) - 0.5) > 1e-6) throw new Skip(`HardSigmoid ${hint}: only alpha 0.2, beta 0.5`);
        return this.activation(n, 'hard_sigmoid');
      case 'Softmax':
      case 'LogSoftmax': {
        const t = this.kt(ins[0]!, n);
        const r = t.axes.length;
        let axis = a.int('axis', this.opset >= 13 ? -1 : 1);
        if (axis < 0) axis += r;
        // Before opset 13 Softmax flattens from `axis` on; that equals a last-axis softmax only at the last axis.
        if (this.opset < 13 && axis !== r - 1) throw new Skip(`${op} ${hint}: axis ${axis} of a rank-${r} tensor (opset ${this.opset})`);
        const k = t.axes[axis];
        if (k === 'u' || k === undefined) throw new Skip(`${op} ${hint}: over a size-1 axis`);
        const kr = this.shapes.get(t.layer)!.length;
        const name = op === 'Softmax' ? 'softmax' : 'log_softmax';
        if (k === kr - 1) return this.activation(n, name);
        this.alias(out, { layer: this.addLayer('Softmax', { axis: k }, [t.layer], hint), axes: t.axes });
        if (op === 'LogSoftmax') throw new Skip(`LogSoftmax ${hint}: only over the last axis`);
        return;
      }
      case 'Conv':
        return this.conv(n, a);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(n, a);
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const t = this.kt(ins[0]!, n);
        const r = t.axes.length;
        const k = this.viewAs(t, toFirstPerm(r), hint);
        const cls = `Global${op === 'GlobalMaxPool' ? 'Max' : 'Average'}Pooling${r - 2}D`;
        const layer = this.addLayer(cls, {}, [k], hint);
        // ONNX keeps the spatial axes with size 1: (N, C, 1, ...).
        this.alias(out, { layer, axes: [0, 1, ...new Array<Axis>(r - 2).fill('u')] });
        return;
      }
      case 'Flatten':
      case 'Reshape':
      case 'Squeeze':
      case 'Unsqueeze':
        return this.reshape(n, a);
      case 'BatchNormalization':
        return this.batchNorm(n, a);
      case 'Concat': {
        const ts = ins.map((i) => this.kt(i, n));
        const t0 = ts[0]!;
        let axis = a.int('axis', 1);
        if (axis < 0) axis += t0.axes.length;
        const layers = ts.map((t, i) => (i === 0 ? t.layer : this.viewAs(t, t0.axes as number[], hint)));
        if (t0.axes.includes('u')) throw new Skip(`Concat ${hint}: of tensors with size-1 axes`);
        const k = t0.axes[axis] as number;
        const layer = this.addLayer('Concatenate', { axis: k === this.shapes.get(t0.layer)!.length - 1 ? -1 : k }, layers, hint);
        this.alias(out, { layer, axes: t0.axes });
        return;
      }
      case 'Gather': {
        const table = this.constOf(ins[0]);
        if (!table || table.dims.length !== 2 || a.int('axis', 0) !== 0) throw new Skip(`Gather ${hint}: only a lookup in a constant (rows, features) table (Embedding)`);
        const t = this.kt(ins[1]!, n);
        const idx = this.plain(t, hint);
        const layer = this.addLayer('Embedding', { input_dim: table.dims[0]!, output_dim: table.dims[1]! }, [idx], hint);
        this.addWeight(layer, 'embeddings', table.dims, table.data);
        this.alias(out, this.identity(layer));
        return;
      }
      case 'LSTM':
      case 'GRU':
      case 'RNN':
        return this.recurrent(n, a);
      default:
        throw new Skip(`${op}${n.name ? ` (${n.name})` : ''}`);
    }
  }

  private activation(n: onnx.INodeProto, name: string): void {
    const input = n.input![0]!;
    const t = this.kt(input, n);
    const l = this.fusable(t, input, ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D']);
    if (l && (l.config.activation === 'linear' || l.config.activation === undefined)) {
      l.config.activation = name;
      this.alias(n.output![0], t);
      return;
    }
    this.alias(n.output![0], { layer: this.addLayer('Activation', { activation: name }, [t.layer], n.name || name), axes: t.axes });
  }

  private dense(n: onnx.INodeProto, a: Attrs): void {
    const ins = n.input!;
    const hint = n.name || n.output![0]!;
    const w = this.constOf(ins[1]);
    if (!w || w.dims.length !== 2) throw new Skip(`${n.opType} ${hint}: only with a constant 2-D weight (Dense)`);
    if (n.opType === 'Gemm' && a.int('transA', 0) !== 0) throw new Skip(`Gemm ${hint}: transA=1`);
    const t = this.kt(ins[0]!, n);
    const x = this.plain(t, hint);
    let kernel = Float32Array.from(w.data);
    let [rows, units] = w.dims as [number, number];
    if (n.opType === 'Gemm' && a.int('transB', 0) === 1) {
      kernel = transposeData(w.data, w.dims, [1, 0]).data;
      [rows, units] = [units, rows];
    }
    const alpha = n.opType === 'Gemm' ? a.float('alpha', 1) : 1;
    if (alpha !== 1) kernel = kernel.map((v) => v * alpha);
    const c = this.constOf(ins[2]);
    const layer = this.addLayer('Dense', { units, activation: 'linear', use_bias: c !== undefined }, [x], hint);
    this.addWeight(layer, 'kernel', [rows, units], kernel);
    if (c) {
      const beta = a.float('beta', 1);
      if (c.data.length !== units) throw new Skip(`Gemm ${hint}: bias of ${c.data.length} values for ${units} units`);
      this.addWeight(layer, 'bias', [units], Float32Array.from(c.data, (v) => v * beta));
    }
    this.alias(n.output![0], this.identity(layer));
  }

  private binary(n: onnx.INodeProto): void {
    const ins = n.input!;
    const op = n.opType!;
    const hint = n.name || n.output![0]!;
    const constIdx = ins.findIndex((i) => this.consts.has(i));
    if (constIdx >= 0) {
      // A constant bias after a Dense / Conv without one: fold it in (Keras' use_bias).
      const c = this.consts.get(ins[constIdx]!)!;
      const other = ins[1 - constIdx]!;
      const t = this.kt(other, n);
      const l = op === 'Add' && ins.length === 2 ? this.fusable(t, other, ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D']) : undefined;
      if (l && l.config.use_bias === false && (l.config.activation ?? 'linear') === 'linear') {
        const shape = this.shapes.get(l.name)!;
        const ch = shape[shape.length - 1]!;
        // The bias runs along the channel axis: last for Dense (plain), axis 1 for NCHW conv outputs.
        const chAxis = t.axes.indexOf(shape.length - 1);
        const offset = t.axes.length - c.dims.length;
        const okShape = c.data.length === ch && c.dims.every((d, i) => d === 1 || i + offset === chAxis);
        if (okShape) {
          l.config.use_bias = true;
          this.addWeight(l.name, 'bias', [ch], c.data);
          this.alias(n.output![0], t);
          return;
        }
      }
      throw new Skip(`${op} ${hint}: with a constant operand (only a bias after Dense or Conv is supported)`);
    }
    const ts = ins.map((i) => this.kt(i, n));
    const t0 = ts[0]!;
    if (t0.axes.includes('u')) throw new Skip(`${op} ${hint}: of tensors with size-1 axes`);
    const layers = ts.map((t, i) => (i === 0 ? t.layer : this.viewAs(t, t0.axes as number[], hint)));
    const cls = { Add: 'Add', Sum: 'Add', Sub: 'Subtract', Mul: 'Multiply', Max: 'Maximum', Min: 'Minimum', Mean: 'Average' }[op];
    if (!cls) throw new Skip(`${op} ${hint}: of two tensors`);
    this.alias(n.output![0], { layer: this.addLayer(cls, {}, layers, hint), axes: t0.axes });
  }

  /** ONNX pads -> Keras padding for known sizes; a ZeroPadding layer when they are not 'same' or 'valid'. */
  private padding(a: Attrs, sizes: Shape, kernel: number[], strides: number[], dilations: number[], hint: string): { padding: string; pads?: number[] } {
    const autoPad = a.str('auto_pad', 'NOTSET');
    const n = kernel.length;
    if (autoPad === 'SAME_UPPER') return { padding: 'same' };
    if (autoPad === 'VALID') return { padding: 'valid' };
    if (autoPad === 'SAME_LOWER') throw new Skip(`${hint}: auto_pad SAME_LOWER`);
    const pads = a.ints('pads') ?? new Array<number>(2 * n).fill(0);
    if (pads.every((p) => p === 0)) return { padding: 'valid' };
    if (sizes.every((s) => s !== null)) {
      const same = sizes.map((s, i) => {
        const eff = (kernel[i]! - 1) * dilations[i]! + 1;
        const total = Math.max((Math.ceil(s! / strides[i]!) - 1) * strides[i]! + eff - s!, 0);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      });
      if (same.every((p, i) => p[0] === pads[i] && p[1] === pads[i + n])) return { padding: 'same' };
    }
    return { padding: 'valid', pads };
  }

  private conv(n: onnx.INodeProto, a: Attrs): void {
    const ins = n.input!;
    const hint = n.name || n.output![0]!;
    const w = this.constOf(ins[1]);
    if (!w) throw new Skip(`Conv ${hint}: the weight must be a constant`);
    const nsp = w.dims.length - 2;
    if (nsp < 1 || nsp > 2) throw new Skip(`Conv ${hint}: ${nsp}-D convolution`);
    const t = this.kt(ins[0]!, n);
    let x = this.viewAs(t, toFirstPerm(nsp + 2), hint);
    const kernel = a.ints('kernel_shape') ?? w.dims.slice(2);
    const strides = a.ints('strides') ?? new Array<number>(nsp).fill(1);
    const dilations = a.ints('dilations') ?? new Array<number>(nsp).fill(1);
    const inShape = this.shapes.get(x)!;
    const pad = this.padding(a, inShape.slice(1, -1), kernel, strides, dilations, `Conv ${hint}`);
    if (pad.pads) {
      const pairs = Array.from({ length: nsp }, (_, i) => [pad.pads![i]!, pad.pads![i + nsp]!]);
      x = this.addLayer(`ZeroPadding${nsp}D`, { padding: nsp === 1 ? pairs[0]! : pairs }, [x], `${hint}_pad`);
    }
    const group = a.int('group', 1);
    const cin = this.shapes.get(x)![nsp + 1]!;
    const [out, inPerGroup] = w.dims as [number, number];
    const common = { kernel_size: kernel, strides, padding: pad.padding, dilation_rate: dilations, activation: 'linear', use_bias: false };
    let layer: string;
    if (group === 1) {
      layer = this.addLayer(`Conv${nsp}D`, { filters: out, ...common }, [x], hint);
      this.addWeight(layer, 'kernel', [...kernel, inPerGroup, out], transposeData(w.data, w.dims, [...Array.from({ length: nsp }, (_, i) => i + 2), 1, 0]).data);
    } else if (nsp === 2 && group === cin && inPerGroup === 1) {
      const mult = out / cin;
      layer = this.addLayer('DepthwiseConv2D', { ...common, depth_multiplier: mult }, [x], hint);
      // (cin*mult, 1, kh, kw) -> (cin, mult, kh, kw) -> Keras (kh, kw, cin, mult).
      this.addWeight(layer, 'depthwise_kernel', [...kernel, cin, mult], transposeData(w.data, [cin, mult, ...kernel], [2, 3, 0, 1]).data);
    } else throw new Skip(`Conv ${hint}: group=${group}`);
    const b = this.constOf(ins[2]);
    if (b) {
      this.layer(layer).config.use_bias = true;
      this.addWeight(layer, 'bias', [b.data.length], b.data);
    }
    this.alias(n.output![0], { layer, axes: toFirstPerm(nsp + 2) });
  }

  private pool(n: onnx.INodeProto, a: Attrs): void {
    const hint = n.name || n.output![0]!;
    const t = this.kt(n.input![0]!, n);
    const r = t.axes.length;
    const nsp = r - 2;
    if (nsp < 1 || nsp > 2) throw new Skip(`${n.opType} ${hint}: ${nsp}-D pooling`);
    const x = this.viewAs(t, toFirstPerm(r), hint);
    const kernel = a.ints('kernel_shape')!;
    const strides = a.ints('strides') ?? new Array<number>(nsp).fill(1);
    const dil = a.ints('dilations') ?? new Array<number>(nsp).fill(1);
    if (dil.some((d) => d !== 1)) throw new Skip(`${n.opType} ${hint}: dilations`);
    const pad = this.padding(a, this.shapes.get(x)!.slice(1, -1), kernel, strides, dil, `${n.opType} ${hint}`);
    if (pad.pads) throw new Skip(`${n.opType} ${hint}: padding that is neither 'same' nor 'valid'`);
    const max = n.opType === 'MaxPool';
    if (!max && pad.padding === 'same' && a.int('count_include_pad', 0) !== 0) throw new Skip(`AveragePool ${hint}: count_include_pad=1 with padding`);
    if (a.int('ceil_mode', 0) !== 0 && pad.padding === 'valid') {
      const sizes = this.shapes.get(x)!.slice(1, -1);
      if (sizes.some((s, i) => s === null || (s - kernel[i]!) % strides[i]! !== 0)) throw new Skip(`${n.opType} ${hint}: ceil_mode=1`);
    }
    const cls = `${max ? 'Max' : 'Average'}Pooling${nsp}D`;
    const layer = this.addLayer(cls, { pool_size: kernel, strides, padding: pad.padding }, [x], hint);
    this.alias(n.output![0], { layer, axes: toFirstPerm(r) });
  }

  private reshape(n: onnx.INodeProto, a: Attrs): void {
    const hint = n.name || n.output![0]!;
    const op = n.opType!;
    const t = this.kt(n.input![0]!, n);
    const inShape = this.onnxShape(t);
    let target: (number | null)[];
    if (op === 'Flatten') {
      const axis = a.int('axis', 1);
      if (axis !== 1) throw new Skip(`Flatten ${hint}: axis ${axis}`);
      const rest = inShape.slice(1);
      target = [null, rest.some((d) => d === null) ? null : rest.reduce<number>((p, q) => p * q!, 1)];
    } else if (op === 'Squeeze' || op === 'Unsqueeze') {
      const axesConst = this.constOf(n.input![1]);
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
      const s = this.constOf(n.input![1]);
      if (!s) throw new Skip(`Reshape ${hint}: the shape must be a constant`);
      const raw = Array.from(s.data).map(Number);
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
        this.alias(n.output![0], { layer: t.layer, axes });
        return;
      }
    }
    const x = this.plain(t, hint);
    if (target.length === 2) {
      this.alias(n.output![0], this.identity(this.addLayer('Flatten', {}, [x], hint)));
      return;
    }
    const layer = this.addLayer('Reshape', { target_shape: target.slice(1).map((d) => d ?? -1) }, [x], hint);
    this.alias(n.output![0], this.identity(layer));
  }

  private batchNorm(n: onnx.INodeProto, a: Attrs): void {
    const ins = n.input!;
    const hint = n.name || n.output![0]!;
    const [scale, bias, mean, variance] = ins.slice(1, 5).map((i) => this.constOf(i));
    if (!scale || !bias || !mean || !variance) throw new Skip(`BatchNormalization ${hint}: parameters must be constants`);
    const t = this.kt(ins[0]!, n);
    // Channel axis 1 of the ONNX tensor, as an axis of the Keras tensor.
    const k = t.axes[1];
    if (k === undefined || k === 'u' || t.axes.includes('u')) throw new Skip(`BatchNormalization ${hint}: on this layout`);
    const r = this.shapes.get(t.layer)!.length;
    const layer = this.addLayer('BatchNormalization', { axis: k === r - 1 ? -1 : k, epsilon: a.float('epsilon', 1e-5), momentum: 0.99, center: true, scale: true }, [t.layer], hint);
    const ch = scale.data.length;
    this.addWeight(layer, 'gamma', [ch], scale.data);
    this.addWeight(layer, 'beta', [ch], bias.data);
    this.addWeight(layer, 'moving_mean', [ch], mean.data);
    this.addWeight(layer, 'moving_variance', [ch], variance.data);
    this.alias(n.output![0], { layer, axes: t.axes });
  }

  /** ONNX RNN / LSTM / GRU, one direction, input (steps, batch, features) -> Keras SimpleRNN / LSTM / GRU. */
  private recurrent(n: onnx.INodeProto, a: Attrs): void {
    const ins = n.input!;
    const outs = n.output ?? [];
    const hint = n.name || outs[0] || n.opType!;
    const op = n.opType!;
    const W = this.constOf(ins[1]);
    const R = this.constOf(ins[2]);
    const B = ins[3] ? this.constOf(ins[3]) : undefined;
    if (!W || !R || (ins[3] && !B)) throw new Skip(`${op} ${hint}: weights must be constants`);
    if (ins.slice(4).some((i) => i)) throw new Skip(`${op} ${hint}: sequence lengths, initial states or peepholes`);
    const direction = a.str('direction', 'forward');
    if (direction === 'bidirectional') throw new Skip(`${op} ${hint}: bidirectional (import supports one direction)`);
    if (a.has('clip') || a.int('input_forget', 0) !== 0 || a.int('layout', 0) !== 0) throw new Skip(`${op} ${hint}: clip, input_forget or layout`);
    const units = a.int('hidden_size', R.dims[2]!);
    const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
    const order = op === 'LSTM' ? [0, 2, 3, 1] : op === 'GRU' ? [0, 1, 2] : [0]; // ONNX i,o,f,c -> Keras i,f,c,o
    const acts = (a.strs('activations') ?? (op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'])).map((s) => RNN_ACT[s]);
    if (acts.some((s) => !s) || (op === 'LSTM' && acts[1] !== acts[2])) throw new Skip(`${op} ${hint}: activations ${a.strs('activations')?.join(', ')}`);
    const t = this.kt(ins[0]!, n);
    // X is (steps, batch, features): the Keras tensor must be (batch, steps, features).
    const x = this.viewAs(t, [1, 0, 2], hint);
    const inDim = W.dims[2]!;
    const cls = op === 'RNN' ? 'SimpleRNN' : op;
    const seqUsed = outs[0] && (this.consumers.get(outs[0]) ?? 0) > 0;
    const stateUsed = outs.slice(1).some((o) => o && (this.consumers.get(o) ?? 0) > 0);
    if (seqUsed && stateUsed) throw new Skip(`${op} ${hint}: both the sequence and the final state are used`);
    if (outs[2] && (this.consumers.get(outs[2]) ?? 0) > 0) throw new Skip(`${op} ${hint}: the cell state output is used`);
    const reverse = direction === 'reverse';
    if (reverse && seqUsed) throw new Skip(`${op} ${hint}: reverse direction with the whole sequence used`);
    const config: JsonObject = { units, activation: op === 'LSTM' ? acts[1]! : op === 'GRU' ? acts[1]! : acts[0]!, use_bias: true, return_sequences: !!seqUsed, go_backwards: reverse };
    if (op !== 'RNN') config.recurrent_activation = acts[0]!;
    const lbr = op === 'GRU' && a.int('linear_before_reset', 0) === 1;
    if (op === 'GRU') config.reset_after = lbr;
    const layer = this.addLayer(cls, config, [x], hint);
    // ONNX W (1, gates*units, in) -> Keras kernel (in, gates*units) in Keras gate order.
    const kernel = reorderGates(transposeData(W.data, [gates * units, inDim], [1, 0]).data, inDim, units, order);
    const rec = reorderGates(transposeData(R.data, [gates * units, units], [1, 0]).data, units, units, order);
    this.addWeight(layer, 'kernel', [inDim, gates * units], kernel);
    this.addWeight(layer, 'recurrent_kernel', [units, gates * units], rec);
    const bw = B ? B.data.slice(0, gates * units) : new Float32Array(gates * units);
    const br = B ? B.data.slice(gates * units) : new Float32Array(gates * units);
    if (lbr) {
      this.addWeight(layer, 'bias', [2, gates * units], [...reorderGates(bw, 1, units, order), ...reorderGates(br, 1, units, order)]);
    } else {
      this.addWeight(layer, 'bias', [gates * units], reorderGates(Float32Array.from(bw, (v, i) => v + br[i]!), 1, units, order));
    }
    // Y (steps, 1, batch, units) and Y_h (1, batch, units) as views of the Keras output.
    if (outs[0]) this.alias(outs[0], { layer, axes: [1, 'u', 0, 2] });
    if (outs[1]) this.alias(outs[1], { layer, axes: ['u', 0, 1] });
  }
}

class Skip extends Error {}

/** Kahn's algorithm over data dependencies: some files (keras2onnx) store nodes in reverse order. */
function sortNodes(nodes: onnx.INodeProto[], available: Set<string>, fileName: string): onnx.INodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producer.set(o, i)));
  const indeg = nodes.map((n) => (n.input ?? []).filter((i) => i && !available.has(i) && producer.has(i)).length);
  const users = new Map<number, number[]>();
  nodes.forEach((n, i) =>
    (n.input ?? []).forEach((inp) => {
      const p = inp && !available.has(inp) ? producer.get(inp) : undefined;
      if (p !== undefined) users.set(p, [...(users.get(p) ?? []), i]);
    }),
  );
  const ready = nodes.map((_, i) => i).filter((i) => indeg[i] === 0);
  const out: onnx.INodeProto[] = [];
  while (ready.length) {
    const i = ready.shift()!;
    out.push(nodes[i]!);
    for (const u of users.get(i) ?? []) if (--indeg[u]! === 0) ready.push(u);
  }
  if (out.length !== nodes.length) throw new UserError(`${fileName} has a cycle in its graph`, 'the file is damaged', 'onnx-invalid');
  return out;
}

export function importOnnx(bytes: Uint8Array, fileName: string): ModelFile {
  const model = decodeModel(bytes, fileName);
  return new Importer(model, fileName).run();
}

