/**
 * The state of one ONNX import: the Keras layers and weights made so far and, for every ONNX tensor, the view
 * of a Keras tensor it is (see the header of index.ts). The operator importers (one module per layer family)
 * add layers through it; `run` walks the nodes and hands each to the importer of its operator.
 */
import { getSpec, withDefaults } from '../../../core/layers';
import { snakeCase } from '../../../core/graph';
import { UserError, type JsonObject, type LayerNode, type ModelFile, type NamedTensor, type Shape } from '../../../core/types';
import { Attrs, DT, onnx, tensorValues, toNum } from '../proto';
import { foldPatterns } from './patterns';

/** An axis of a Keras tensor, or 'u' for an inserted axis of size 1. */
export type Axis = number | 'u';
/** An ONNX tensor as a view of a Keras layer's output: `axes[i]` is the Keras axis ONNX axis i is. */
export interface KT {
  layer: string;
  axes: Axis[];
}

/** A constant tensor the import knows: an initializer, a Constant node, or a folded value. */
export interface Const {
  dims: number[];
  data: Float32Array | Float64Array;
  /** The ONNX element type, where known (folding integer and float arithmetic apart). */
  dataType?: number;
}

/** Turns one ONNX node into Keras layers (or views), or throws a Skip saying why it cannot. */
export type OpImporter = (imp: Importer, n: onnx.INodeProto, a: Attrs) => void;
/** The importers of one layer family, by ONNX operator type. */
export type OpImporters = Record<string, OpImporter>;

/** A node Model Studio cannot import; the message says which and why. */
export class Skip extends Error {}
/** A node refused only because its input `tensor` was not imported (a node upstream was refused). */
export class Unfollowed extends Skip {
  constructor(
    message: string,
    readonly tensor: string,
  ) {
    super(message);
  }
}

/** Layers an activation or a bias node may be folded into. */
export const FUSES_ACTIVATION = ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'Conv2DTranspose'];
export const FUSES_BIAS = ['Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D', 'Conv2DTranspose'];

const INTEGER_TYPES = new Set<number>([DT.INT8, DT.INT16, DT.INT32, DT.INT64, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64, DT.BOOL]);
/** Integer types wider than float32 holds exactly: the Keras input is int32 (values beyond it are refused when fed). */
const WIDE_INTEGER_TYPES = new Set<number>([DT.INT32, DT.INT64, DT.UINT32, DT.UINT64]);

export const near = (v: number, x: number) => Math.abs(v - x) <= 1e-6 * Math.max(1, Math.abs(x));

/** `a/b` of the node name `a/b/Op` (tf2onnx, ours) or `/a/b/Op` (torch); '' for unscoped names. */
function scopeOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i > 0 ? name.slice(0, i) : '';
}

/** The Keras class our exporter names in a node's doc string ("Keras ReLU layer re_lu"), if any. */
export function classHint(n: onnx.INodeProto): string | undefined {
  return /^Keras (\w+) layer /.exec(n.docString ?? '')?.[1];
}

/** The Keras layer name our exporter writes in a node's doc string ("Keras ReLU layer re_lu"), if any. */
function layerHint(n: onnx.INodeProto): string | undefined {
  return /^Keras \w+ layer (\S+)$/.exec(n.docString ?? '')?.[1];
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

export class Importer {
  readonly layers: LayerNode[] = [];
  readonly weights: NamedTensor[] = [];
  readonly shapes = new Map<string, Shape>();
  readonly tensors = new Map<string, KT>();
  readonly consts = new Map<string, Const>();
  readonly consumers = new Map<string, number>();
  readonly problems: string[] = [];
  /** Why each node not imported was refused (a Skip, or what went wrong), for the read-only view of the graph. */
  readonly refused = new Map<onnx.INodeProto, Error>();
  /** InputLayers whose ONNX data is integers (int8 and bool too, read as float32 where no layer tells). */
  readonly integerInputs = new Set<string>();
  private readonly names = new Set<string>();
  /** The node-name scope each layer came from (`sequential/dense` of `sequential/dense/MatMul`). */
  private readonly scopes = new Map<string, string>();
  /** Permute layers already made, by source tensor view and permutation. */
  private readonly views = new Map<string, string>();
  /** While a node of our exporter is imported: its name and the Keras layer it came from, whose name wins. */
  private naming: { node: string; layer: string } | undefined;
  readonly opset: number;

  constructor(
    private readonly model: onnx.ModelProto,
    private readonly fileName: string,
    private readonly ops: ReadonlyMap<string, OpImporter>,
  ) {
    this.opset = toNum((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version as never) || 13;
  }

  // ------------------------------------------------------------------------------------------ layers
  uniqueName(hint: string, cls: string): string {
    const r = this.naming;
    // A node of Keras layer `l0` (node `l0/Pad`, hint `l0/Pad_pad`) makes `l0_pad`: the layer name comes back.
    const own = r && hint.startsWith(r.node) ? r.layer + hint.slice(r.node.length) : undefined;
    const base = hint.replace(/:\d+$/, '').split('/').filter((s) => s && !/^(MatMul|BiasAdd|Conv2D|Relu|Softmax|Add|Reshape|Conv|Gemm)$/.test(s));
    let name = (own ?? (base.length ? base[base.length - 1]! : snakeCase(cls))).replace(/[^A-Za-z0-9_.-]/g, '_');
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

  /** The batch size an ONNX input declares (fixed dim 0), by InputLayer name; Keras' own is left free. */
  private readonly batchDims = new Map<string, number>();

  /** The batch size the file fixes for the input `layer` descends from (its first inbound chain), if any. */
  declaredBatch(layer: string): number | undefined {
    for (let l = this.layers.find((x) => x.name === layer); l; l = this.layers.find((x) => x.name === l!.inbound[0])) {
      if (l.className === 'InputLayer') return this.batchDims.get(l.name);
    }
    return undefined;
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
    if (!t) throw new Unfollowed(`${node.opType} ${node.name ?? ''}: input "${name}" is not a tensor Model Studio can follow`, name);
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
    if (real.length !== r) return this.squeezed(t, real, hint);
    if (real.some((a, i) => a !== i)) layer = this.addLayer('Permute', { dims: real.slice(1) }, [layer], `${hint}_permute`);
    if (t.axes.includes('u')) {
      const shape = this.onnxShape(t);
      layer = this.addLayer('Reshape', { target_shape: shape.slice(1).map((d) => d ?? -1) }, [layer], `${hint}_reshape`);
    }
    return layer;
  }

  /**
   * A view that drops size-1 Keras axes (ONNX Squeeze of a real axis, e.g. tf2onnx's Conv1D written as
   * Unsqueeze -> Conv -> Squeeze): the kept axes in their order, the dropped ones last, then a Reshape to the
   * ONNX shape (a size-1 axis carries no data, so where it goes does not change the values).
   */
  private squeezed(t: KT, real: number[], hint: string): string {
    const shape = this.shapes.get(t.layer)!;
    const dropped = shape.map((_, i) => i).filter((i) => i > 0 && !real.includes(i));
    if (dropped.some((i) => shape[i] !== 1)) throw new Skip(`an axis of size other than 1 is dropped (${hint})`);
    const order = [...real.slice(1), ...dropped];
    let layer = t.layer;
    if (order.some((a, i) => a !== i + 1)) layer = this.addLayer('Permute', { dims: order }, [layer], `${hint}_permute`);
    return this.addLayer('Reshape', { target_shape: this.onnxShape(t).slice(1).map((d) => d ?? -1) }, [layer], `${hint}_reshape`);
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

  /**
   * The same ONNX tensor as a view of a Keras tensor whose last axis is Keras axis `k` of `t` (one Permute):
   * for layers TF.js runs on the last axis only (Softmax, BatchNormalization's gamma and beta: tfjs#1106).
   */
  withAxisLast(t: KT, k: number, hint: string): KT {
    const r = this.shapes.get(t.layer)!.length;
    if (k === r - 1) return t;
    const order = [...Array.from({ length: r }, (_, i) => i).filter((i) => i !== k), k];
    const layer = this.addLayer('Permute', { dims: order.slice(1) }, [t.layer], `${hint}_permute`);
    return { layer, axes: t.axes.map((x) => (x === 'u' ? 'u' : order.indexOf(x))) };
  }

  // ------------------------------------------------------------------------------------------ driver
  run(): ModelFile {
    const g = this.model.graph!;
    for (const t of g.initializer ?? []) {
      const v = tensorValues(t);
      this.consts.set(t.name!, { dims: v.dims, data: v.data, dataType: v.dataType });
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
      const int = WIDE_INTEGER_TYPES.has(tt?.elemType ?? 0);
      // A rank-1 input is a batch of scalars (Keras' Input(shape=()), batch_shape [null]); a scalar has no
      // batch axis, which every Keras input has.
      if (dims.length < 1) {
        this.problems.push(`input ${i.name} has rank 0 (a scalar: Keras inputs have a batch axis)`);
        continue;
      }
      const name = this.addLayer('InputLayer', { batch_input_shape: dims, dtype: int ? 'int32' : 'float32', sparse: false }, [], i.name!);
      if (INTEGER_TYPES.has(tt?.elemType ?? 0)) this.integerInputs.add(name);
      const batch = toNum((tt?.shape?.dim?.[0]?.dimValue ?? 0) as never);
      if (batch > 0) this.batchDims.set(name, batch);
      this.tensors.set(i.name!, this.identity(name));
      inputs.push(name);
    }

    for (const n of nodes) {
      try {
        this.node(n);
      } catch (e) {
        if (!(e instanceof UserError)) this.refused.set(n, e as Error);
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
      throw new UserError(
        `${this.fileName} uses ONNX operators Model Studio cannot turn into Keras layers: ${shortProblemList(this.problems)}`,
        'Model Studio imports Dense (Gemm/MatMul), Conv/ConvTranspose, pooling, Batch/LayerNormalization, activations, Pad/Slice/Resize/Tile, reshapes, merges, Embedding (Gather) and RNN/LSTM/GRU operators',
        'onnx-unsupported',
      );
    }
    // Name clashes between an input and a layer are avoided by uniqueName; order layers as computed.
    const graph = { name: (g.name || 'model').replace(/[^A-Za-z0-9_.-]/g, '_'), kind: 'Functional' as const, layers: this.layers, inputs, outputs };
    const producer = [this.model.producerName, this.model.producerVersion].filter(Boolean).join(' ');
    return { graph, weights: this.weights, producer: { format: 'onnx', generatedBy: producer || undefined } };
  }

  // ------------------------------------------------------------------------------------------ for the importers
  alias(out: string | undefined, t: KT): void {
    if (out) this.tensors.set(out, t);
  }

  /** The element type (DT) the file declares for graph input `name`; undefined for any other tensor. */
  inputType(name: string): number | undefined {
    return (this.model.graph?.input ?? []).find((i) => i.name === name)?.type?.tensorType?.elemType ?? undefined;
  }

  /** A constant's values; not one that holds NaN, the batch size folded shape arithmetic cannot know (shapes.ts). */
  constOf(name: string | undefined): Const | undefined {
    const c = name ? this.consts.get(name) : undefined;
    return c && !c.data.some((v) => Number.isNaN(v)) ? c : undefined;
  }

  /** The single-use Keras layer that produced `t` in plain form, to fuse a bias or activation into. */
  fusable(t: KT, tensorName: string, classes: string[], node: onnx.INodeProto): LayerNode | undefined {
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

  /** One node, by its operator's importer; a Skip says why it has none or cannot take this node. */
  private node(n: onnx.INodeProto): void {
    const a = new Attrs(n);
    const importer = this.ops.get(n.opType!);
    if (!importer) throw new Skip(`${n.opType}${n.name ? ` (${n.name})` : ''}`);
    const layer = layerHint(n);
    this.naming = layer && n.name ? { node: n.name, layer } : undefined;
    try {
      importer(this, n, a);
    } finally {
      this.naming = undefined;
    }
  }
}

/**
 * The first few root causes, each kept short, then a count: a node that fails makes every node after it fail
 * too ("... is not a tensor"), and listing those buries the cause.
 */
export function shortProblemList(problems: readonly string[], shown = 3): string {
  const unique = [...new Set(problems)];
  const cascade = /is not a tensor|not computed by a supported operator/;
  const roots = unique.filter((p) => !cascade.test(p));
  const first = (roots.length ? roots : unique).slice(0, shown).map((p) => (p.length > 160 ? `${p.slice(0, 157)}...` : p));
  const more = unique.length - first.length;
  return `${first.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
