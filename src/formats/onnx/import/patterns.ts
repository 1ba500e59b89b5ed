/**
 * Multi-node ONNX patterns that stand for one Keras layer, rewritten into one node before import, so the
 * importer proper maps node to layer:
 * - activations ONNX has no operator for: gelu (Erf form, as our exporter and torch write it), swish / SiLU
 *   (x * sigmoid(x)), mish (x * tanh(softplus(x))) -> `MsActivation`;
 * - Keras Dot of two (batch, features) tensors: ReduceSum(Mul(p, q), axis 1) -> `MsDot`;
 * - LayerNormalization decomposed for opsets before 17 (ours and torch's Pow form) -> `LayerNormalization`;
 * - tf2onnx's Conv1D: Unsqueeze -> Transpose -> Conv (kernel 1 along the inserted axis) -> Transpose ->
 *   Squeeze -> one `Conv` on the (batch, steps, channels) tensor, marked `ms_channels_last`;
 * - recurrent operators whose outputs are reshaped into Keras' layout: bidirectional ones with their merge
 *   (concat as Transpose + Reshape, sum/mul/ave as two Gathers and an Add/Mul), and reverse ones whose
 *   whole sequence is used (the Slice that flips time back to Keras' go_backwards order). The recurrent node
 *   keeps its op type and gets `ms_view` attributes: which tensor is the Keras output and how its axes map.
 * A pattern is only rewritten when its inner tensors have no other consumer.
 */
import { attr, Attrs, onnx } from '../proto';

interface ConstValue {
  dims: number[];
  data: ArrayLike<number>;
}

/** Keras axis index for each axis of a recurrent output view; -1 is an inserted size-1 axis. */
export const UNIT_AXIS = -1;

class NodeGraph {
  readonly producer = new Map<string, onnx.INodeProto>();
  readonly consumers = new Map<string, onnx.INodeProto[]>();
  readonly removed = new Set<onnx.INodeProto>();
  readonly replaced = new Map<onnx.INodeProto, onnx.INodeProto>();

  constructor(readonly nodes: onnx.INodeProto[], readonly consts: (name: string) => ConstValue | undefined, outputs: string[]) {
    for (const n of nodes) {
      for (const o of n.output ?? []) if (o) this.producer.set(o, n);
      // A node reading a tensor twice (Mul(d, d)) is one consumer.
      for (const i of new Set(n.input ?? [])) if (i) this.consumers.set(i, [...(this.consumers.get(i) ?? []), n]);
    }
    // A graph output counts as a consumer nobody may fold away.
    for (const o of outputs) this.consumers.set(o, [...(this.consumers.get(o) ?? []), { opType: '<graph output>' }]);
  }

  /** The node producing `t` when it is `op` and `t` is used by exactly one node. */
  soleFrom(t: string | undefined, op: string): onnx.INodeProto | undefined {
    if (!t || (this.consumers.get(t)?.length ?? 0) !== 1) return undefined;
    const p = this.producer.get(t);
    return p && p.opType === op && !this.removed.has(p) ? p : undefined;
  }

  /** The only consumer of `t`, when there is exactly one. */
  soleUser(t: string | undefined): onnx.INodeProto | undefined {
    const us = t ? this.consumers.get(t) : undefined;
    return us && us.length === 1 && !this.removed.has(us[0]!) ? us[0] : undefined;
  }

  constScalar(t: string | undefined): number | undefined {
    const c = t ? this.consts(t) : undefined;
    return c && c.data.length === 1 ? Number(c.data[0]) : undefined;
  }

  constInts(t: string | undefined): number[] | undefined {
    const c = t ? this.consts(t) : undefined;
    return c ? Array.from(c.data, Number) : undefined;
  }

  isConst(t: string | undefined): boolean {
    return !!t && this.consts(t) !== undefined;
  }

  /** Replaces `last` (the pattern's final node) with `node` and drops the pattern's other nodes. */
  fold(inner: onnx.INodeProto[], last: onnx.INodeProto, node: onnx.INodeProto): void {
    for (const n of inner) this.removed.add(n);
    this.replaced.set(last, { ...node, name: last.name, docString: last.docString, output: node.output ?? last.output });
  }

  result(): onnx.INodeProto[] {
    return this.nodes.filter((n) => !this.removed.has(n) || this.replaced.has(n)).map((n) => this.replaced.get(n) ?? n);
  }
}

const near = (v: number | undefined, x: number) => v !== undefined && Math.abs(v - x) <= 1e-5 * Math.max(1, Math.abs(x));

/** The other input of a binary node, given one of them. */
const other = (n: onnx.INodeProto, x: string): string | undefined => {
  const ins = n.input ?? [];
  return ins[0] === x ? ins[1] : ins[1] === x ? ins[0] : undefined;
};

function activationNode(x: string, y: string, name: string): onnx.INodeProto {
  return { opType: 'MsActivation', input: [x], output: [y], attribute: [attr('activation', name)] };
}

/** Mul(x, Sigmoid(x)) -> swish; Mul(x, Tanh(Softplus(x))) -> mish. */
function swishOrMish(g: NodeGraph, mul: onnx.INodeProto): boolean {
  const ins = mul.input ?? [];
  if (ins.length !== 2) return false;
  for (const [x, s] of [[ins[0]!, ins[1]!], [ins[1]!, ins[0]!]] as const) {
    const sig = g.soleFrom(s, 'Sigmoid');
    if (sig && sig.input?.[0] === x) {
      g.fold([sig], mul, activationNode(x, mul.output![0]!, 'swish'));
      return true;
    }
    const tanh = g.soleFrom(s, 'Tanh');
    const sp = g.soleFrom(tanh?.input?.[0], 'Softplus');
    if (tanh && sp && sp.input?.[0] === x) {
      g.fold([tanh, sp], mul, activationNode(x, mul.output![0]!, 'mish'));
      return true;
    }
  }
  return false;
}

/**
 * gelu: x * 0.5 * (1 + erf(x / sqrt(2))) in either association: ours Mul(x, Mul(Add(erf, 1), 0.5)),
 * torch's Mul(Mul(x, Add(erf, 1)), 0.5). `x / sqrt(2)` may also be written Mul(x, 1/sqrt(2)).
 */
function gelu(g: NodeGraph, erf: onnx.INodeProto): boolean {
  const scaled = erf.input?.[0];
  const pre = g.soleFrom(scaled, 'Div') ?? g.soleFrom(scaled, 'Mul');
  if (!pre) return false;
  const [x, k] = pre.input ?? [];
  if (!x || g.isConst(x) || !(pre.opType === 'Div' ? near(g.constScalar(k), Math.SQRT2) : near(g.constScalar(k), Math.SQRT1_2))) return false;
  const add = g.soleUser(erf.output?.[0]);
  if (!add || add.opType !== 'Add' || !near(g.constScalar(other(add, erf.output![0]!)), 1)) return false;
  const m1 = g.soleUser(add.output?.[0]);
  if (!m1 || m1.opType !== 'Mul') return false;
  const m1Other = other(m1, add.output![0]!);
  const m2 = g.soleUser(m1.output?.[0]);
  if (!m2 || m2.opType !== 'Mul') return false;
  const m2Other = other(m2, m1.output![0]!);
  const ok = (near(g.constScalar(m1Other), 0.5) && m2Other === x) || (m1Other === x && near(g.constScalar(m2Other), 0.5));
  if (!ok) return false;
  g.fold([pre, erf, add, m1], m2, activationNode(x, m2.output![0]!, 'gelu'));
  return true;
}

/** ReduceSum(Mul(p, q), axes=[1], keepdims=1) over two computed tensors -> Keras Dot(axes=1). */
function dot(g: NodeGraph, sum: onnx.INodeProto, opset: number): boolean {
  const a = new Attrs(sum);
  const axes = opset >= 13 ? g.constInts(sum.input?.[1]) : a.ints('axes');
  if (!axes || axes.length !== 1 || axes[0] !== 1 || a.int('keepdims', 1) !== 1) return false;
  const mul = g.soleFrom(sum.input?.[0], 'Mul');
  const [p, q] = mul?.input ?? [];
  if (!mul || !p || !q || g.isConst(p) || g.isConst(q)) return false;
  g.fold([mul], sum, { opType: 'MsDot', input: [p, q], output: sum.output });
  return true;
}

/**
 * (x - mean) / sqrt(var + eps) * gamma + beta over the trailing axes, var = mean((x - mean)^2), as our
 * exporter writes LayerNormalization before opset 17 (and torch does with Pow(d, 2)).
 */
function layerNormDecomposed(g: NodeGraph, mean: onnx.INodeProto, opset: number): boolean {
  const axesOf = (n: onnx.INodeProto) => (opset >= 18 ? g.constInts(n.input?.[1]) : new Attrs(n).ints('axes'));
  const x = mean.input?.[0];
  const axes = axesOf(mean);
  if (!x || !axes || axes.length === 0) return false;
  const subs = (g.consumers.get(mean.output![0]!) ?? []);
  const sub = subs.length === 1 && subs[0]!.opType === 'Sub' && subs[0]!.input?.[0] === x ? subs[0]! : undefined;
  if (!sub) return false;
  const d = sub.output![0]!;
  const dUsers = g.consumers.get(d) ?? [];
  const sq = dUsers.find((n) => (n.opType === 'Mul' && n.input?.[0] === d && n.input?.[1] === d) || (n.opType === 'Pow' && near(g.constScalar(n.input?.[1]), 2)));
  const div = dUsers.find((n) => n.opType === 'Div' && n.input?.[0] === d);
  if (!sq || !div || dUsers.length !== 2) return false;
  const mean2 = g.soleUser(sq.output?.[0]);
  if (!mean2 || mean2.opType !== 'ReduceMean' || JSON.stringify(axesOf(mean2)) !== JSON.stringify(axes)) return false;
  const addEps = g.soleUser(mean2.output?.[0]);
  const eps = addEps?.opType === 'Add' ? g.constScalar(other(addEps, mean2.output![0]!)) : undefined;
  const sqrt = g.soleUser(addEps?.output?.[0]);
  if (eps === undefined || !sqrt || sqrt.opType !== 'Sqrt' || g.soleUser(sqrt.output?.[0]) !== div || div.input?.[1] !== sqrt.output![0]) return false;
  const mulG = g.soleUser(div.output?.[0]);
  const gamma = mulG?.opType === 'Mul' ? other(mulG, div.output![0]!) : undefined;
  const addB = g.soleUser(mulG?.output?.[0]);
  const beta = addB?.opType === 'Add' ? other(addB, mulG!.output![0]!) : undefined;
  if (!gamma || !beta || !g.isConst(gamma) || !g.isConst(beta)) return false;
  const first = Math.min(...axes);
  g.fold([mean, sub, sq, mean2, addEps!, sqrt, div, mulG!], addB!, {
    opType: 'LayerNormalization',
    input: [x, gamma, beta],
    output: addB!.output,
    attribute: [attr('axis', first), attr('epsilon', { float: eps }), attr('ms_axes', axes)],
  });
  return true;
}

const scope = (n: onnx.INodeProto) => (n.name ?? '').slice(0, Math.max((n.name ?? '').lastIndexOf('/'), 0));

/**
 * A depthwise Conv (group = channels, no bias) whose only consumer is a 1x1 Conv of the same scope: Keras'
 * SeparableConv1D / 2D, as our exporter writes it -> `MsSeparableConv` (depthwise attributes; inputs x,
 * depthwise weight, pointwise weight, bias).
 */
function separable(g: NodeGraph, dw: onnx.INodeProto): boolean {
  const w = g.consts(dw.input?.[1] ?? '');
  if (!w || w.dims[1] !== 1 || new Attrs(dw).int('group', 1) === 1 || dw.input?.[2]) return false;
  const pw = g.soleUser(dw.output?.[0]);
  if (!pw || pw.opType !== 'Conv' || pw.input?.[0] !== dw.output![0] || scope(pw) !== scope(dw)) return false;
  const pa = new Attrs(pw);
  const pwW = g.consts(pw.input?.[1] ?? '');
  const ones = (v: number[] | undefined) => !v || v.every((x) => x === 1);
  const zeros = (v: number[] | undefined) => !v || v.every((x) => x === 0);
  if (!pwW || !pwW.dims.slice(2).every((d) => d === 1) || pa.int('group', 1) !== 1 || !ones(pa.ints('strides')) || !ones(pa.ints('dilations')) || !zeros(pa.ints('pads'))) return false;
  if (!['NOTSET', 'VALID'].includes(pa.str('auto_pad', 'NOTSET'))) return false;
  g.fold([dw], pw, { opType: 'MsSeparableConv', input: [dw.input![0]!, dw.input![1]!, pw.input![1]!, pw.input?.[2] ?? ''], output: pw.output, attribute: dw.attribute });
  return true;
}

/** Follows single-consumer Transposes from `t`, permuting the axis labels. */
function throughTransposes(g: NodeGraph, t: string, labels: string[]): { t: string; labels: string[]; chain: onnx.INodeProto[] } {
  const chain: onnx.INodeProto[] = [];
  for (;;) {
    const u = g.soleUser(t);
    if (!u || u.opType !== 'Transpose') return { t, labels, chain };
    const perm = new Attrs(u).ints('perm') ?? labels.map((_, i) => labels.length - 1 - i);
    labels = perm.map((i) => labels[i]!);
    chain.push(u);
    t = u.output![0]!;
  }
}

const used = (g: NodeGraph, t: string | undefined) => !!t && (g.consumers.get(t)?.length ?? 0) > 0;

/** Keras axes for labels: batch, steps (sequences only), features; 'd' left over is a size-1 axis. */
function kerasAxes(labels: string[], seq: boolean): number[] {
  return labels.map((l) => (l === 'b' ? 0 : l === 's' ? 1 : l === 'u' || l === 'f' ? (seq ? 2 : 1) : UNIT_AXIS));
}

/** The recurrent node with `ms_view`: output[0] is `out`, a view of the Keras output with axes `axes`. */
function viewNode(n: onnx.INodeProto, out: string, seq: boolean, axes: number[], merge?: string): onnx.INodeProto {
  const extra = [attr('ms_view', 1), attr('ms_seq', seq ? 1 : 0), attr('ms_axes', axes)];
  if (merge) extra.push(attr('ms_merge', merge));
  return { ...n, output: [out], attribute: [...(n.attribute ?? []), ...extra] };
}

function recurrentView(g: NodeGraph, n: onnx.INodeProto): boolean {
  const outs = n.output ?? [];
  const direction = new Attrs(n).str('direction', 'forward');
  if (direction === 'forward' || used(g, outs[2])) return false;
  const seq = used(g, outs[0]);
  if (seq === used(g, outs[1])) return false;
  const start = seq ? outs[0]! : outs[1]!;
  const walked = throughTransposes(g, start, seq ? ['s', 'd', 'b', 'u'] : ['d', 'b', 'u']);
  const { labels, chain } = walked;
  const users = g.consumers.get(walked.t) ?? [];
  if (direction === 'reverse') {
    // Keras go_backwards returns steps in processing order; ONNX aligns them with the inputs: a Slice flips them.
    const sl = users.length === 1 ? users[0]! : undefined;
    if (!sl || sl.opType !== 'Slice' || !seq) return false;
    const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => g.constInts(sl.input?.[i]));
    const sAxis = labels.indexOf('s');
    const ok = starts?.length === 1 && axes?.length === 1 && (axes[0] === sAxis || axes[0] === sAxis - labels.length) && steps?.[0] === -1 && starts[0] === -1 && ends![0]! <= -(2 ** 31);
    if (!ok) return false;
    g.fold([...chain, sl], n, viewNode(n, sl.output![0]!, true, kerasAxes(labels, true)));
    return true;
  }
  const dAxis = labels.indexOf('d');
  // concat: the direction and unit axes merged by a Reshape, directions first (forward units, then backward).
  if (users.length === 1 && users[0]!.opType === 'Reshape') {
    const rs = users[0]!;
    const shape = g.constInts(rs.input?.[1]);
    if (!shape || labels[dAxis + 1] !== 'u' || shape.length !== labels.length - 1) return false;
    const merged = labels.filter((l) => l !== 'd').map((l) => (l === 'u' ? 'f' : l));
    const okShape = shape.every((v, i) => v === 0 || v === -1 || merged[i] === 'f');
    if (!okShape || shape.filter((v) => v === -1).length > 1) return false;
    g.fold([...chain, rs], n, viewNode(n, rs.output![0]!, seq, kerasAxes(merged, seq), 'concat'));
    return true;
  }
  // sum / mul / ave: the two directions picked with Gather and combined.
  if (users.length !== 2 || !users.every((u) => u.opType === 'Gather' && new Attrs(u).int('axis', 0) === dAxis)) return false;
  const idx = users.map((u) => g.constInts(u.input?.[1]));
  if (!idx.every((v) => v && v.length === 1)) return false;
  const [i0, i1] = idx.map((v) => v![0]!);
  const ordered = i0 === 0 && i1 === 1 ? users : i0 === 1 && i1 === 0 ? [users[1]!, users[0]!] : undefined;
  if (!ordered) return false;
  const c0 = g.soleUser(ordered[0]!.output?.[0]);
  if (!c0 || c0 !== g.soleUser(ordered[1]!.output?.[0])) return false;
  const rest = labels.filter((l) => l !== 'd');
  // A Gather index of shape [1] keeps the direction axis with size 1 (a size-1 view axis).
  const kept = users.some((u) => g.consts(u.input![1]!)?.dims.length === 1) ? labels : rest;
  if (c0.opType === 'Mul') {
    g.fold([...chain, ...ordered, c0], n, viewNode(n, c0.output![0]!, seq, kerasAxes(kept, seq), 'mul'));
    return true;
  }
  if (c0.opType !== 'Add') return false;
  const half = g.soleUser(c0.output?.[0]);
  if (half && half.opType === 'Mul' && near(g.constScalar(other(half, c0.output![0]!)), 0.5)) {
    g.fold([...chain, ...ordered, c0, half], n, viewNode(n, half.output![0]!, seq, kerasAxes(kept, seq), 'ave'));
    return true;
  }
  g.fold([...chain, ...ordered, c0], n, viewNode(n, c0.output![0]!, seq, kerasAxes(kept, seq), 'sum'));
  return true;
}

/** The axes an Unsqueeze or Squeeze names (an input from opset 13, an attribute before), made non-negative. */
function axesArg(g: NodeGraph, n: onnx.INodeProto, opset: number, rank: number): number[] | undefined {
  const axes = opset >= 13 ? g.constInts(n.input?.[1]) : new Attrs(n).ints('axes');
  return axes?.map((a) => (a < 0 ? a + rank : a));
}

/**
 * tf2onnx writes Keras' Conv1D as a 2-D Conv: Unsqueeze (batch, steps, channels) to 4-D, Transpose to NCHW,
 * Conv with a kernel of 1 on the inserted axis, Transpose back, Squeeze. Labels follow the axes: b(atch),
 * s(teps), c(hannels), h (the inserted axis), f(ilters). The fold is one Conv reading and writing channels-last
 * tensors, its attributes 1-D, with `ms_unit_axis` naming the weight's size-1 spatial axis.
 */
function conv1dAs2d(g: NodeGraph, unsq: onnx.INodeProto, opset: number): boolean {
  const axes = axesArg(g, unsq, opset, 4);
  const u = unsq.output?.[0];
  if (axes?.length !== 1 || !u || !(axes[0]! >= 0 && axes[0]! <= 3)) return false;
  const inLabels = ['b', 's', 'c'];
  inLabels.splice(axes[0]!, 0, 'h');
  const into = throughTransposes(g, u, inLabels);
  const conv = g.soleUser(into.t);
  const spatial = into.labels.slice(2);
  if (!conv || conv.opType !== 'Conv' || conv.input?.[0] !== into.t || into.labels.join('').length !== 4 || into.labels[0] !== 'b' || into.labels[1] !== 'c' || !spatial.includes('h')) return false;
  const unit = spatial.indexOf('h');
  const w = g.consts(conv.input?.[1] ?? '');
  const a = new Attrs(conv);
  const at = (v: number[] | undefined, d: number) => v?.[unit] ?? d;
  const pads = a.ints('pads');
  if (w?.dims.length !== 4 || w.dims[2 + unit] !== 1 || at(a.ints('strides'), 1) !== 1 || at(a.ints('dilations'), 1) !== 1 || at(pads, 0) !== 0 || (pads?.[unit + 2] ?? 0) !== 0) return false;
  const cOut = conv.output?.[0];
  if (!cOut) return false;
  const out = throughTransposes(g, cOut, ['b', 'f', ...spatial]);
  const sq = g.soleUser(out.t);
  const sqAxes = sq?.opType === 'Squeeze' ? axesArg(g, sq, opset, 4) : undefined;
  if (!sq || sq.input?.[0] !== out.t || sqAxes?.length !== 1 || out.labels[sqAxes[0]!] !== 'h') return false;
  if (out.labels.join('').length !== 4 || out.labels.filter((l) => l !== 'h').join() !== 'b,s,f') return false;
  const one = (v: number[] | undefined) => v && v.filter((_, i) => i !== unit);
  const oneD = { kernel_shape: one(a.ints('kernel_shape')), strides: one(a.ints('strides')), dilations: one(a.ints('dilations')), pads: pads && [pads[1 - unit]!, pads[3 - unit]!] };
  const kept = (conv.attribute ?? []).filter((x) => !(x.name! in oneD));
  const attrs = Object.entries(oneD).flatMap(([k, v]) => (v ? [attr(k, v)] : []));
  g.fold([unsq, ...into.chain, conv, ...out.chain], sq, {
    opType: 'Conv',
    input: [unsq.input![0]!, ...conv.input!.slice(1)],
    output: sq.output,
    attribute: [...kept, ...attrs, attr('ms_channels_last', 1), attr('ms_unit_axis', unit)],
  });
  return true;
}

/** Rewrites the patterns above in `nodes` (topologically sorted); returns the new, still sorted, list. */
export function foldPatterns(nodes: onnx.INodeProto[], consts: (name: string) => ConstValue | undefined, outputs: string[], opset: number): onnx.INodeProto[] {
  const g = new NodeGraph(nodes, consts, outputs);
  for (const n of nodes) {
    if (g.removed.has(n) || g.replaced.has(n)) continue;
    switch (n.opType) {
      case 'Conv':
        separable(g, n);
        break;
      case 'Unsqueeze':
        conv1dAs2d(g, n, opset);
        break;
      case 'Erf':
        gelu(g, n);
        break;
      case 'Mul':
        swishOrMish(g, n);
        break;
      case 'ReduceSum':
        dot(g, n, opset);
        break;
      case 'ReduceMean':
        layerNormDecomposed(g, n, opset);
        break;
      case 'RNN':
      case 'LSTM':
      case 'GRU':
        recurrentView(g, n);
        break;
    }
  }
  return g.result();
}
