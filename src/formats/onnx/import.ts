/**
 * ONNX ModelProto -> ModelFile: the graphs keras2onnx, tf2onnx, torch.onnx.export and our own exporter write
 * for the operators the catalog can express, turned back into Keras layers with weights.
 *
 * Every ONNX tensor is tracked as a view of a Keras tensor: `axes[i]` says which axis of the Keras layer's
 * output ONNX axis i is, or 'u' for an inserted axis of size 1. Transposes, Squeeze/Unsqueeze and the
 * reshapes that only add or drop size-1 axes therefore create no layers, so the Transpose pairs converters
 * put around Conv (NHWC -> NCHW -> NHWC) fold back into a plain channels-last Keras graph; a Permute or
 * Reshape layer is only added where the data really is reordered.
 *
 * NCHW graphs as torch.onnx.export writes them (no Transposes) come in as a channels-first InputLayer and
 * one Permute to channels-last, shared by every layer reading it: the Keras layers stay channels_last,
 * which is what Model Studio's ONNX export and TF.js' backends all run. A Flatten of NCHW data gets a Permute
 * back first, so features come out in torch's (C, H, W) order.
 *
 * Multi-node patterns (gelu, swish, mish, Dot, decomposed LayerNormalization, bidirectional and reverse
 * RNN outputs, separable convolutions) are folded first by `foldPatterns` (import-patterns.ts). Files we
 * export name each node's Keras class in its doc string; that only chooses between spellings of the same
 * computation (a ReLU layer or Activation('relu'); fused or separate activations follow node scopes).
 */
import { getSpec, withDefaults } from '../../core/layers';
import { snakeCase } from '../../core/graph';
import { UserError, type JsonObject, type LayerNode, type ModelFile, type NamedTensor, type Shape } from '../../core/types';
import { toFirstPerm, transposeData, reorderGates } from './emitter';
import { foldPatterns, UNIT_AXIS } from './import-patterns';
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
  /** The node-name scope each layer came from (`sequential/dense` of `sequential/dense/MatMul`). */
  private readonly scopes = new Map<string, string>();
  /** Permute layers already made, by source tensor view and permutation. */
  private readonly views = new Map<string, string>();
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
    this.scopes.set(name, scopeOf(hint));
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
    // Two convolutions reading one NCHW input share one Permute.
    const key = `${t.layer}|${t.axes.join()}|${perm.join()}`;
    const known = this.views.get(key);
    if (known) return known;
    const p = this.plain(t, hint);
    // onnx = transpose(K', perm)  <=>  K' = transpose(onnx, inverse(perm)).
    const inv = perm.map((_, i) => perm.indexOf(i));
    const layer = this.addLayer('Permute', { dims: inv.slice(1) }, [p], `${hint}_permute`);
    this.views.set(key, layer);
    return layer;
  }

  // ------------------------------------------------------------------------------------------ driver
  run(): ModelFile {
    const g = this.model.graph!;
    for (const t of g.initializer ?? []) {
      const v = tensorValues(t);
      this.consts.set(t.name!, { dims: v.dims, data: v.data });
    }
    // Constant nodes are known up front: the pattern pass below reads their values.
    for (const n of g.node ?? []) {
      const v = n.opType === 'Constant' ? (n.attribute ?? []).find((x) => x.name === 'value')?.t : undefined;
      if (v && n.output?.[0]) this.consts.set(n.output[0], tensorValues(v));
    }
    const sorted = sortNodes(g.node ?? [], new Set([...(g.input ?? []).map((i) => i.name!), ...this.consts.keys()]), this.fileName);
    const nodes = foldPatterns(sorted, (name) => this.consts.get(name), (g.output ?? []).map((o) => o.name!), this.opset);
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
        'Model Studio imports Dense (Gemm/MatMul), Conv/ConvTranspose, pooling, Batch/LayerNormalization, activations, Pad/Slice/Resize/Tile, reshapes, merges, Embedding (Gather) and RNN/LSTM/GRU operators',
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
  private fusable(t: KT, tensorName: string, classes: string[], node: onnx.INodeProto): LayerNode | undefined {
    if ((this.consumers.get(tensorName) ?? 0) !== 1) return undefined;
    const l = this.layer(t.layer);
    if (!classes.includes(l.className)) return undefined;
    if (this.layers[this.layers.length - 1] !== l) return undefined;
    // Nodes of two named scopes are two layers (torch's `/fc1/Gemm` then `/act/Relu`; ours `l0/Gemm`, `l1/Relu`).
    const a = scopeOf(node.name ?? '');
    const b = this.scopes.get(l.name) ?? '';
    if (a && b && a !== b) return undefined;
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
        // Keras' 'elu' and 'leaky_relu' activations have alpha 1 and 0.2 (keras/src/activations/activations.py).
        const asActivation = op === 'Elu' ? (near(alpha, 1) ? 'elu' : undefined) : near(alpha, 0.2) ? 'leaky_relu' : undefined;
        const layer: [string, JsonObject] =
          op === 'Elu' ? ['ELU', { alpha }] : classHint(n) === 'ReLU' ? ['ReLU', { negative_slope: alpha }] : ['LeakyReLU', { alpha }];
        // Only an Activation layer or a fused activation is spelled by name; ELU / LeakyReLU / ReLU layers keep their class.
        const hinted = classHint(n);
        return this.activation(n, hinted && hinted !== 'Activation' && !FUSES_ACTIVATION.includes(hinted) ? undefined : asActivation, layer);
      }
      case 'Clip': {
        const lo = this.constOf(ins[1])?.data[0] ?? (a.has('min') ? a.float('min', 0) : undefined);
        const hi = this.constOf(ins[2])?.data[0] ?? (a.has('max') ? a.float('max', 0) : undefined);
        if (lo !== 0) throw new Skip(`Clip ${hint}: only with a minimum of 0 (ReLU)`);
        if (hi === undefined) return this.activation(n, 'relu', ['ReLU', {}]);
        const hinted = classHint(n);
        const relu6 = near(hi, 6) && (!hinted || hinted === 'Activation' || FUSES_ACTIVATION.includes(hinted)) ? 'relu6' : undefined;
        // A ReLU(max_value) layer, unless this is Keras' relu6 activation (fused, or an Activation layer).
        return this.activation(n, relu6, ['ReLU', { max_value: hi }]);
      }
      case 'MsActivation':
        return this.activation(n, a.str('activation', ''));
      case 'PRelu':
        return this.prelu(n);
      case 'ConvTranspose':
        return this.convTranspose(n, a);
      case 'Pad':
        return this.pad(n, a);
      case 'Slice':
        return this.slice(n, a);
      case 'Resize':
        return this.resize(n, a);
      case 'Tile':
        return this.tile(n);
      case 'LayerNormalization':
        return this.layerNorm(n, a);
      case 'MsDot': {
        const [p, q] = ins.map((i) => this.plain(this.kt(i, n), hint));
        if (this.shapes.get(p!)!.length !== 2 || this.shapes.get(q!)!.length !== 2) throw new Skip(`ReduceSum ${hint}: a dot product of tensors of rank > 2`);
        this.alias(out, this.identity(this.addLayer('Dot', { axes: 1 }, [p!, q!], hint)));
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
      case 'MsSeparableConv':
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

  /**
   * A Keras activation: fused into the Dense / Conv that computed its input when the two belong together,
   * else a layer. `layer` is the standalone layer to make (default Activation(name)); our own files name the
   * class they came from (a ReLU layer and Activation('relu') are the same Relu node).
   */
  private activation(n: onnx.INodeProto, name: string | undefined, layer?: [cls: string, config: JsonObject]): void {
    const input = n.input![0]!;
    const t = this.kt(input, n);
    const hint = classHint(n);
    const l = name && (!hint || FUSES_ACTIVATION.includes(hint)) ? this.fusable(t, input, FUSES_ACTIVATION, n) : undefined;
    if (l && (l.config.activation === 'linear' || l.config.activation === undefined)) {
      l.config.activation = name!;
      this.alias(n.output![0], t);
      return;
    }
    let [cls, config] = layer ?? ['Activation', { activation: name! }];
    if (name && hint === 'Activation') [cls, config] = ['Activation', { activation: name }];
    else if (hint === 'ReLU' && name === 'relu') [cls, config] = ['ReLU', {}];
    else if (hint === 'Softmax' && name === 'softmax') [cls, config] = ['Softmax', { axis: -1 }];
    this.alias(n.output![0], { layer: this.addLayer(cls, config, [t.layer], n.name || name || cls), axes: t.axes });
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
      const l = op === 'Add' && ins.length === 2 ? this.fusable(t, other, FUSES_BIAS, n) : undefined;
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
    const spatialFirst = Array.from({ length: nsp }, (_, i) => i + 2);
    const pointwise = n.opType === 'MsSeparableConv' ? this.constOf(ins[2]) : undefined;
    let layer: string;
    if (pointwise && group === cin && inPerGroup === 1) {
      const mult = out / cin;
      const filters = pointwise.dims[0]!;
      layer = this.addLayer(`SeparableConv${nsp}D`, { filters, ...common, depth_multiplier: mult }, [x], hint);
      // (cin*mult, 1, k...) -> (cin, mult, k...) -> Keras (k..., cin, mult); pointwise (filters, cin*mult, 1...) -> (1..., cin*mult, filters).
      this.addWeight(layer, 'depthwise_kernel', [...kernel, cin, mult], transposeData(w.data, [cin, mult, ...kernel], [...spatialFirst, 0, 1]).data);
      this.addWeight(layer, 'pointwise_kernel', [...new Array<number>(nsp).fill(1), cin * mult, filters], transposeData(pointwise.data, pointwise.dims, [...spatialFirst, 1, 0]).data);
    } else if (pointwise) {
      throw new Skip(`Conv ${hint}: group=${group} before a pointwise Conv`);
    } else if (group === 1) {
      layer = this.addLayer(`Conv${nsp}D`, { filters: out, ...common }, [x], hint);
      this.addWeight(layer, 'kernel', [...kernel, inPerGroup, out], transposeData(w.data, w.dims, [...spatialFirst, 1, 0]).data);
    } else if (nsp === 2 && group === cin && inPerGroup === 1) {
      const mult = out / cin;
      layer = this.addLayer('DepthwiseConv2D', { ...common, depth_multiplier: mult }, [x], hint);
      // (cin*mult, 1, kh, kw) -> (cin, mult, kh, kw) -> Keras (kh, kw, cin, mult).
      this.addWeight(layer, 'depthwise_kernel', [...kernel, cin, mult], transposeData(w.data, [cin, mult, ...kernel], [2, 3, 0, 1]).data);
    } else throw new Skip(`Conv ${hint}: group=${group}`);
    const b = this.constOf(ins[pointwise ? 3 : 2]);
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

  /**
   * The Keras tensor to apply a spatial layer (padding, cropping, upsampling) to, given the ONNX axes it acts
   * on: the tensor itself when those are its spatial axes (NHWC graphs), else its channels-first view (NCHW).
   * `keras[j]` is the Keras axis of `onnxAxes[j]`; `axes` is how the layer's output appears in ONNX.
   */
  private spatialView(t: KT, onnxAxes: number[], what: string): { layer: string; axes: Axis[]; keras: number[] } {
    const r = this.shapes.get(t.layer)!.length;
    const direct = onnxAxes.map((i) => t.axes[i]);
    if (direct.every((k) => typeof k === 'number' && k >= 1 && k <= r - 2)) return { layer: t.layer, axes: t.axes, keras: direct as number[] };
    const rr = t.axes.length;
    if (rr >= 3 && onnxAxes.every((i) => i >= 2)) return { layer: this.viewAs(t, toFirstPerm(rr), what), axes: toFirstPerm(rr), keras: onnxAxes.map((i) => i - 1) };
    throw new Skip(`${what}: acts on the batch or channel axis`);
  }

  /** Inputs 1.. of a node as constant integer lists, or the attributes older opsets use instead. */
  private intsIn(n: onnx.INodeProto, index: number, a: Attrs, attrName: string): number[] | undefined {
    const c = this.constOf(n.input?.[index]);
    if (c) return Array.from(c.data, Number);
    if (n.input?.[index]) throw new Skip(`${n.opType} ${n.name ?? ''}: input ${index} must be a constant`);
    return a.ints(attrName);
  }

  private pad(n: onnx.INodeProto, a: Attrs): void {
    const hint = n.name || n.output![0]!;
    const t = this.kt(n.input![0]!, n);
    const r = t.axes.length;
    const raw = this.intsIn(n, 1, a, 'pads');
    const value = this.constOf(n.input?.[2])?.data[0] ?? a.float('value', 0);
    if (a.str('mode', 'constant') !== 'constant' || value !== 0 || !raw) throw new Skip(`Pad ${hint}: only zero padding with constant pads`);
    const axesIn = this.intsIn(n, 3, a, '__none__')?.map((x) => (x < 0 ? x + r : x)) ?? Array.from({ length: r }, (_, i) => i);
    const k = axesIn.length;
    if (raw.some((p) => p < 0)) throw new Skip(`Pad ${hint}: negative pads`);
    const padded = axesIn.filter((_, j) => raw[j] !== 0 || raw[j + k] !== 0);
    if (padded.length === 0) return this.alias(n.output![0], t);
    const v = this.spatialView(t, padded, `Pad ${hint}`);
    const nsp = this.shapes.get(v.layer)!.length - 2;
    if (nsp < 1 || nsp > 2) throw new Skip(`Pad ${hint}: ${nsp}-D padding`);
    const pairs = Array.from({ length: nsp }, () => [0, 0]);
    padded.forEach((ax, j) => (pairs[v.keras[j]! - 1] = [raw[axesIn.indexOf(ax)]!, raw[axesIn.indexOf(ax) + k]!]));
    const layer = this.addLayer(`ZeroPadding${nsp}D`, { padding: nsp === 1 ? pairs[0]! : pairs }, [v.layer], hint);
    this.alias(n.output![0], { layer, axes: v.axes });
  }

  private slice(n: onnx.INodeProto, a: Attrs): void {
    const hint = n.name || n.output![0]!;
    const t = this.kt(n.input![0]!, n);
    const shape = this.onnxShape(t);
    const r = shape.length;
    const starts = this.intsIn(n, 1, a, 'starts');
    const ends = this.intsIn(n, 2, a, 'ends');
    const axes = (this.intsIn(n, 3, a, 'axes') ?? starts?.map((_, i) => i))?.map((x) => (x < 0 ? x + r : x));
    const steps = this.intsIn(n, 4, a, '__none__') ?? starts?.map(() => 1);
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
    if (crops.length === 0) return this.alias(n.output![0], t);
    const v = this.spatialView(t, crops.map((c) => c.axis), `Slice ${hint}`);
    const nsp = this.shapes.get(v.layer)!.length - 2;
    if (nsp < 1 || nsp > 2) throw new Skip(`Slice ${hint}: ${nsp}-D cropping`);
    const pairs = Array.from({ length: nsp }, () => [0, 0]);
    crops.forEach((c, j) => (pairs[v.keras[j]! - 1] = c.pair));
    const layer = this.addLayer(`Cropping${nsp}D`, { cropping: nsp === 1 ? pairs[0]! : pairs }, [v.layer], hint);
    this.alias(n.output![0], { layer, axes: v.axes });
  }

  /** Nearest-neighbour Resize by whole factors is UpSampling; the coordinate modes that pick the same pixels. */
  private resize(n: onnx.INodeProto, a: Attrs): void {
    const hint = n.name || n.output![0]!;
    const t = this.kt(n.input![0]!, n);
    const shape = this.onnxShape(t);
    const ctm = a.str('coordinate_transformation_mode', 'half_pixel');
    const nm = a.str('nearest_mode', 'round_prefer_floor');
    // For a whole factor s, half_pixel + round_prefer_* and asymmetric + floor both map output i to input floor(i / s).
    const modeOk = (ctm === 'asymmetric' && nm === 'floor') || ((ctm === 'half_pixel' || ctm === 'pytorch_half_pixel') && nm.startsWith('round_prefer'));
    if (a.str('mode', 'nearest') !== 'nearest' || !modeOk) throw new Skip(`Resize ${hint}: only nearest-neighbour upsampling (mode ${a.str('mode', 'nearest')}, ${ctm}, ${nm})`);
    let scales = this.constOf(n.input?.[this.opset >= 11 ? 2 : 1])?.data;
    const sizes = this.opset >= 11 ? this.constOf(n.input?.[3])?.data : undefined;
    if ((!scales || scales.length === 0) && sizes) scales = Float64Array.from(sizes, (s, i) => (shape[i] ? Number(s) / shape[i]! : NaN));
    if (!scales || scales.length !== shape.length || Array.from(scales).some((s) => !Number.isInteger(Math.round(s * 1e6) / 1e6) || s < 1)) throw new Skip(`Resize ${hint}: scales must be constant whole numbers`);
    const factors = Array.from(scales, (s) => Math.round(s));
    const scaled = factors.map((f, i) => (f !== 1 ? i : -1)).filter((i) => i >= 0);
    if (scaled.length === 0) return this.alias(n.output![0], t);
    const v = this.spatialView(t, scaled, `Resize ${hint}`);
    const nsp = this.shapes.get(v.layer)!.length - 2;
    if (nsp < 1 || nsp > 2) throw new Skip(`Resize ${hint}: ${nsp}-D upsampling`);
    const size = new Array<number>(nsp).fill(1);
    scaled.forEach((ax, j) => (size[v.keras[j]! - 1] = factors[ax]!));
    const layer = this.addLayer(`UpSampling${nsp}D`, { size: nsp === 1 ? size[0]! : size }, [v.layer], hint);
    this.alias(n.output![0], { layer, axes: v.axes });
  }

  /** Tile of a (batch, features) tensor along an inserted size-1 axis: RepeatVector. */
  private tile(n: onnx.INodeProto): void {
    const hint = n.name || n.output![0]!;
    const t = this.kt(n.input![0]!, n);
    const reps = this.constOf(n.input?.[1]);
    const unit = t.axes.indexOf('u');
    const ok = reps && this.shapes.get(t.layer)!.length === 2 && t.axes.filter((x) => x === 'u').length === 1 && Array.from(reps.data).every((v, i) => v === 1 || i === unit);
    if (!ok) throw new Skip(`Tile ${hint}: only the repetition of a (batch, features) tensor along a new axis (RepeatVector)`);
    const layer = this.addLayer('RepeatVector', { n: Number(reps!.data[unit]) }, [t.layer], hint);
    this.alias(n.output![0], { layer, axes: t.axes.map((x) => (x === 'u' ? 1 : x === 1 ? 2 : x)) });
  }

  /** PRelu: the slope broadcast over the ONNX tensor becomes Keras' alpha (with shared_axes where it is 1). */
  private prelu(n: onnx.INodeProto): void {
    const hint = n.name || n.output![0]!;
    const t = this.kt(n.input![0]!, n);
    const slope = this.constOf(n.input?.[1]);
    if (!slope) throw new Skip(`PRelu ${hint}: the slope must be a constant`);
    const R = t.axes.length;
    if (slope.dims.length > R) throw new Skip(`PRelu ${hint}: slope of higher rank than its input`);
    const sd = [...new Array<number>(R - slope.dims.length).fill(1), ...slope.dims];
    const inShape = this.shapes.get(t.layer)!;
    const r = inShape.length;
    const alphaDims = new Array<number>(r - 1).fill(1);
    const strides = new Array<number>(R).fill(0);
    for (let i = R - 1, st = 1; i >= 0; i--) {
      strides[i] = sd[i] === 1 ? 0 : st;
      st *= sd[i]!;
    }
    const kStride = new Array<number>(r).fill(0);
    for (let i = 0; i < R; i++) {
      const k = t.axes[i]!;
      if (sd[i] === 1) continue;
      if (k === 'u' || k === 0) throw new Skip(`PRelu ${hint}: slope along the batch or an inserted axis`);
      alphaDims[k - 1] = sd[i]!;
      kStride[k] = strides[i]!;
    }
    const total = alphaDims.reduce((p, q) => p * q, 1);
    const data = new Float32Array(total);
    const idx = new Array<number>(r - 1).fill(0);
    for (let o = 0; o < total; o++) {
      data[o] = Number(slope.data[idx.reduce((p, v, j) => p + v * kStride[j + 1]!, 0)]);
      for (let j = r - 2; j >= 0; j--) {
        if (++idx[j]! < alphaDims[j]!) break;
        idx[j] = 0;
      }
    }
    const shared = alphaDims.map((d, j) => (d === 1 && inShape[j + 1] !== 1 ? j + 1 : 0)).filter((j) => j > 0);
    const layer = this.addLayer('PReLU', { shared_axes: shared.length ? shared : null }, [t.layer], hint);
    this.addWeight(layer, 'alpha', alphaDims, data);
    this.alias(n.output![0], { layer, axes: t.axes });
  }

  /**
   * ConvTranspose -> Conv2DTranspose. Keras 'same' is one choice of pads and output_padding; any other
   * (e.g. torch's padding=1, output_padding=1) is the 'valid' result cropped, so a Cropping2D follows.
   */
  private convTranspose(n: onnx.INodeProto, a: Attrs): void {
    const ins = n.input!;
    const hint = n.name || n.output![0]!;
    const w = this.constOf(ins[1]);
    if (!w || w.dims.length !== 4) throw new Skip(`ConvTranspose ${hint}: only 2-D with a constant weight`);
    if (a.int('group', 1) !== 1 || a.has('output_shape')) throw new Skip(`ConvTranspose ${hint}: group or output_shape`);
    const autoPad = a.str('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new Skip(`ConvTranspose ${hint}: auto_pad ${autoPad}`);
    const nsp = 2;
    const t = this.kt(ins[0]!, n);
    const x = this.viewAs(t, toFirstPerm(4), hint);
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
    let layer = this.addLayer('Conv2DTranspose', { filters: cout, kernel_size: kernel, strides, padding: same ? 'same' : 'valid', activation: 'linear', use_bias: false }, [x], hint);
    // ONNX (in, out, kh, kw) -> Keras (kh, kw, out, in).
    this.addWeight(layer, 'kernel', [...kernel, cout, cin], transposeData(w.data, w.dims, [2, 3, 1, 0]).data);
    const b = this.constOf(ins[2]);
    if (b) {
      this.layer(layer).config.use_bias = true;
      this.addWeight(layer, 'bias', [b.data.length], b.data);
    }
    if (!same && crops.flat().some((c) => c > 0)) layer = this.addLayer('Cropping2D', { cropping: crops }, [layer], `${hint}_crop`);
    this.alias(n.output![0], { layer, axes: toFirstPerm(4) });
  }

  private layerNorm(n: onnx.INodeProto, a: Attrs): void {
    const hint = n.name || n.output![0]!;
    let t = this.kt(n.input![0]!, n);
    const R = t.axes.length;
    const first = a.int('axis', -1) < 0 ? a.int('axis', -1) + R : a.int('axis', -1);
    const onnxAxes = Array.from({ length: R - first }, (_, i) => first + i);
    const declared = a.ints('ms_axes');
    if (declared && declared.join() !== onnxAxes.join()) throw new Skip(`ReduceMean ${hint}: normalization over axes ${declared.join(', ')}, not the trailing ones`);
    const r = this.shapes.get(t.layer)!.length;
    const trailing = onnxAxes.every((ax, j) => t.axes[ax] === r - onnxAxes.length + j);
    if (!trailing) t = this.identity(this.plain(t, hint));
    const shape = this.shapes.get(t.layer)!;
    const dims = shape.slice(shape.length - onnxAxes.length);
    if (dims.some((d) => d === null)) throw new Skip(`LayerNormalization ${hint}: over axes of unknown size`);
    const size = (dims as number[]).reduce((p, q) => p * q, 1);
    const scale = this.constOf(n.input?.[1]);
    const bias = this.constOf(n.input?.[2]);
    if (!scale || scale.data.length !== size || (bias && bias.data.length !== size)) throw new Skip(`LayerNormalization ${hint}: scale and bias must be constants of the normalized shape`);
    const axis = onnxAxes.length === 1 ? -1 : onnxAxes.map((_, j) => shape.length - onnxAxes.length + j);
    const layer = this.addLayer('LayerNormalization', { axis, epsilon: a.float('epsilon', 1e-5), center: true, scale: true }, [t.layer], hint);
    this.addWeight(layer, 'gamma', dims as number[], scale.data);
    this.addWeight(layer, 'beta', dims as number[], bias ? bias.data : new Float32Array(size));
    this.alias(n.output![0], { layer, axes: t.axes });
  }

  /**
   * ONNX RNN / LSTM / GRU, input (steps, batch, features) -> Keras SimpleRNN / LSTM / GRU, or Bidirectional
   * around one. Forward ones use Y (whole sequence) or Y_h (last state) directly; reverse and bidirectional
   * ones come through `foldPatterns` with `ms_view` saying which tensor is the Keras output.
   */
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
    const view = a.int('ms_view', 0) === 1;
    if (direction === 'bidirectional' && !view) throw new Skip(`${op} ${hint}: bidirectional, with outputs not merged the way Keras' Bidirectional merges them`);
    if (a.has('clip') || a.int('input_forget', 0) !== 0 || a.int('layout', 0) !== 0) throw new Skip(`${op} ${hint}: clip, input_forget or layout`);
    const units = a.int('hidden_size', R.dims[2]!);
    const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
    const order = op === 'LSTM' ? [0, 2, 3, 1] : op === 'GRU' ? [0, 1, 2] : [0]; // ONNX i,o,f,c -> Keras i,f,c,o
    const nd = direction === 'bidirectional' ? 2 : 1;
    const defaults = op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    const allActs = a.strs('activations') ?? [...defaults, ...(nd === 2 ? defaults : [])];
    const acts = allActs.slice(0, defaults.length).map((x) => RNN_ACT[x]);
    const sameBothWays = allActs.length === defaults.length * nd && allActs.slice(defaults.length).every((x, i) => x === allActs[i]);
    if (acts.some((x) => !x) || (op === 'LSTM' && acts[1] !== acts[2]) || !sameBothWays) throw new Skip(`${op} ${hint}: activations ${allActs.join(', ')}`);
    const t = this.kt(ins[0]!, n);
    // X is (steps, batch, features): the Keras tensor must be (batch, steps, features).
    const x = this.viewAs(t, [1, 0, 2], hint);
    const inDim = W.dims[2]!;
    const cls = op === 'RNN' ? 'SimpleRNN' : op;
    let seqUsed: boolean;
    if (view) {
      seqUsed = a.int('ms_seq', 0) === 1;
    } else {
      seqUsed = !!outs[0] && (this.consumers.get(outs[0]) ?? 0) > 0;
      const stateUsed = outs.slice(1).some((o) => o && (this.consumers.get(o) ?? 0) > 0);
      if (seqUsed && stateUsed) throw new Skip(`${op} ${hint}: both the sequence and the final state are used`);
      if (outs[2] && (this.consumers.get(outs[2]) ?? 0) > 0) throw new Skip(`${op} ${hint}: the cell state output is used`);
      if (direction === 'reverse' && seqUsed) throw new Skip(`${op} ${hint}: reverse direction with the whole sequence used in ONNX' (input-aligned) order`);
    }
    const config: JsonObject = { units, activation: op === 'RNN' ? acts[0]! : acts[1]!, use_bias: true, return_sequences: seqUsed, go_backwards: direction === 'reverse' };
    if (op !== 'RNN') config.recurrent_activation = acts[0]!;
    const lbr = op === 'GRU' && a.int('linear_before_reset', 0) === 1;
    if (op === 'GRU') config.reset_after = lbr;
    const G = gates * units;
    const addDirection = (layer: string, prefix: string, d: number) => {
      // ONNX W (dirs, gates*units, in) -> Keras kernel (in, gates*units) in Keras gate order.
      const w = W.data.subarray(d * G * inDim, (d + 1) * G * inDim);
      const r = R.data.subarray(d * G * units, (d + 1) * G * units);
      this.addWeight(layer, `${prefix}kernel`, [inDim, G], reorderGates(transposeData(w, [G, inDim], [1, 0]).data, inDim, units, order));
      this.addWeight(layer, `${prefix}recurrent_kernel`, [units, G], reorderGates(transposeData(r, [G, units], [1, 0]).data, units, units, order));
      const bw = B ? B.data.subarray(d * 2 * G, d * 2 * G + G) : new Float32Array(G);
      const br = B ? B.data.subarray(d * 2 * G + G, (d + 1) * 2 * G) : new Float32Array(G);
      if (lbr) this.addWeight(layer, `${prefix}bias`, [2, G], [...reorderGates(bw, 1, units, order), ...reorderGates(br, 1, units, order)]);
      else this.addWeight(layer, `${prefix}bias`, [G], reorderGates(Float32Array.from(bw, (v, i) => v + br[i]!), 1, units, order));
    };
    let layer: string;
    if (nd === 2) {
      const inner = snakeCase(cls);
      const merge = a.str('ms_merge', 'concat');
      layer = this.addLayer('Bidirectional', { layer: { class_name: cls, config: { name: inner, ...config } }, merge_mode: merge }, [x], hint);
      addDirection(layer, `forward_${inner}/`, 0);
      addDirection(layer, `backward_${inner}/`, 1);
    } else {
      layer = this.addLayer(cls, config, [x], hint);
      addDirection(layer, '', 0);
    }
    if (view) {
      this.alias(outs[0], { layer, axes: (a.ints('ms_axes') ?? []).map((v) => (v === UNIT_AXIS ? 'u' : v)) });
      return;
    }
    // Y (steps, 1, batch, units) and Y_h (1, batch, units) as views of the Keras output.
    if (outs[0]) this.alias(outs[0], { layer, axes: [1, 'u', 0, 2] });
    if (outs[1]) this.alias(outs[1], { layer, axes: ['u', 0, 1] });
  }
}

class Skip extends Error {}

/** Layers an activation or a bias node may be folded into. */
const FUSES_ACTIVATION = ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'Conv2DTranspose'];
const FUSES_BIAS = ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'Conv2DTranspose'];

const near = (v: number, x: number) => Math.abs(v - x) <= 1e-6 * Math.max(1, Math.abs(x));

/** `a/b` of the node name `a/b/Op` (tf2onnx, ours) or `/a/b/Op` (torch); '' for unscoped names. */
function scopeOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i > 0 ? name.slice(0, i) : '';
}

/** The Keras class our exporter names in a node's doc string ("Keras ReLU layer re_lu"), if any. */
function classHint(n: onnx.INodeProto): string | undefined {
  return /^Keras (\w+) layer /.exec(n.docString ?? '')?.[1];
}

/**
 * Kahn's algorithm over data dependencies: some files (keras2onnx) store nodes in reverse order. Among the
 * nodes that are ready, the one stored first goes first, so a file already in order keeps its order (and
 * its layers come back in the order they were written).
 */
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
    for (const u of users.get(i) ?? []) {
      if (--indeg[u]! !== 0) continue;
      // Insert keeping `ready` sorted by position in the file.
      let lo = 0;
      let hi = ready.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ready[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      ready.splice(lo, 0, u);
    }
  }
  if (out.length !== nodes.length) throw new UserError(`${fileName} has a cycle in its graph`, 'the file is damaged', 'onnx-invalid');
  return out;
}

export function importOnnx(bytes: Uint8Array, fileName: string): ModelFile {
  const model = decodeModel(bytes, fileName);
  return new Importer(model, fileName).run();
}

