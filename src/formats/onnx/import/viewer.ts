/**
 * The read-only view of an ONNX file whose import was refused: every node of the file with the importer's
 * own verdict (the Skip it threw, recorded in `Importer.refused`), so the reasons are the importer's and
 * nothing here decides what is importable. A node refused because an input was not imported, where the node
 * making that input was refused, "depends on" it: the root causes stay few.
 */
import { isUserError, type Shape } from '../../../core/types';
import { nodeLabel, RefusedGraphError, refusalSummary, type ViewerGraph, type ViewerNode, type ViewerTensor } from '../../../core/viewerGraph';
import { onnx, toNum } from '../proto';
import { shortProblemList, Skip, Unfollowed, type Importer } from './importer';

const AT = onnx.AttributeProto.AttributeType;

/** Numbers as a list shows them: a few, then how many more. */
function listText(v: readonly (number | string)[], max = 8): string {
  const shown = v.slice(0, max).map((x) => (typeof x === 'number' ? String(Number(x.toPrecision(4))) : x));
  return `[${shown.join(', ')}${v.length > max ? `, … ${v.length - max} more` : ''}]`;
}

function attributeText(a: onnx.IAttributeProto): string {
  const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
  const value = (() => {
    switch (a.type) {
      case AT.INT:
        return String(toNum(a.i as never));
      case AT.FLOAT:
        return String(Number((a.f ?? 0).toPrecision(4)));
      case AT.STRING:
        return JSON.stringify(text(a.s).slice(0, 40));
      case AT.INTS:
        return listText((a.ints ?? []).map((x) => toNum(x as never)));
      case AT.FLOATS:
        return listText(a.floats ?? []);
      case AT.STRINGS:
        return listText((a.strings ?? []).map((s) => JSON.stringify(text(s).slice(0, 20))));
      case AT.TENSOR:
        return `tensor ${listText((a.t?.dims ?? []).map((d) => toNum(d as never)))}`;
      case AT.GRAPH:
      case AT.GRAPHS:
        return 'a subgraph';
      default:
        return '…';
    }
  })();
  return `${a.name}=${value}`;
}

/** Shapes the file declares (inputs, outputs, value_info, initializers); unknown dimensions are null. */
function declaredShapes(g: onnx.IGraphProto): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (v.name && dims) shapes.set(v.name, dims.map((d) => (d.dimValue !== null && d.dimValue !== undefined && toNum(d.dimValue as never) > 0 ? toNum(d.dimValue as never) : null)));
  }
  for (const t of g.initializer ?? []) if (t.name) shapes.set(t.name, (t.dims ?? []).map((d) => toNum(d as never)));
  return shapes;
}

/** The importer's verdict on each node of the file, found through the outputs (folded patterns keep them). */
function verdicts(imp: Importer): { byOutput: Map<string, Error>; byName: Map<string, Error> } {
  const byOutput = new Map<string, Error>();
  const byName = new Map<string, Error>();
  for (const [n, e] of imp.refused) {
    for (const o of n.output ?? []) if (o) byOutput.set(o, e);
    if (n.name) byName.set(n.name, e);
  }
  return { byOutput, byName };
}

function nodeIds(nodes: readonly onnx.INodeProto[]): string[] {
  const count = new Map<string, number>();
  for (const n of nodes) if (n.name) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  return nodes.map((n, i) => (n.name && count.get(n.name) === 1 ? n.name : `${n.opType}_${i}`));
}

export function viewerGraph(model: onnx.IModelProto, fileName: string, imp: Importer, ops: ReadonlyMap<string, unknown>): ViewerGraph {
  const g = model.graph!;
  const file = g.node ?? [];
  const ids = nodeIds(file);
  const declared = declaredShapes(g);
  const shapeOf = (t: string): Shape | null => {
    const known = declared.get(t);
    if (known) return known;
    const kt = imp.tensors.get(t);
    return kt ? imp.onnxShape(kt) : null;
  };
  const { byOutput, byName } = verdicts(imp);
  const errors = file.map((n) => (n.output ?? []).map((o) => byOutput.get(o)).find(Boolean) ?? (n.name ? byName.get(n.name) : undefined));
  const nodes: ViewerNode[] = file.map((n, i) => {
    const outputs = (n.output ?? []).filter(Boolean);
    const err = errors[i];
    const base = {
      id: ids[i]!,
      op: n.opType ?? '?',
      name: n.name ?? '',
      inputs: [...(n.input ?? [])],
      outputs,
      attributes: (n.attribute ?? []).map(attributeText),
      shapes: outputs.map(shapeOf),
    };
    if (!err) return { ...base, state: 'ok' as const };
    const own = err instanceof Skip ? err.message : `${nodeLabel(base)}: ${err.message}`;
    // The importer's Skip for an operator it has no importer for is the op and name alone.
    const reason = err instanceof Skip && !ops.has(base.op) ? `${base.name ? `${base.op} (${base.name})` : base.op}: no Keras layer computes this ONNX operator` : own;
    return { ...base, state: 'unsupported' as const, reason };
  });
  const inputs: ViewerTensor[] = (g.input ?? []).filter((i) => !imp.consts.has(i.name ?? '')).map((i) => ({ name: i.name ?? '', shape: declared.get(i.name ?? '') ?? null }));
  resolveDependencies(nodes, errors, new Set(inputs.map((i) => i.name)));
  // The importer's problems are its nodes' (a Skip's own message, anything else after the node's label) and
  // the graph's; a Set keeps this linear for graphs of many refused nodes.
  const refused = [...imp.refused.values()];
  const skips = new Set(refused.filter((e) => e instanceof Skip).map((e) => e.message));
  const others = refused.filter((e) => !(e instanceof Skip)).map((e) => e.message);
  return {
    format: 'onnx',
    fileName,
    inputs,
    outputs: (g.output ?? []).map((o) => ({ name: o.name ?? '', shape: shapeOf(o.name ?? '') })),
    nodes,
    graphProblems: imp.problems.filter((p) => !skips.has(p) && !others.some((m) => p.endsWith(m))),
  };
}

/**
 * A node refused because an input is not a tensor the importer follows, where the node making that input
 * was refused too (or it is a graph input the importer refused), depends on it: it carries the root causes
 * upstream instead of a reason of its own.
 */
function resolveDependencies(nodes: ViewerNode[], errors: (Error | undefined)[], graphInputs: ReadonlySet<string>): void {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  type Root = { id?: string; label: string };
  const memo = new Map<number, Root[] | undefined>();
  // The roots node `i` waits for, or undefined when its refusal is its own.
  const roots = (i: number, seen: Set<number>): Root[] | undefined => {
    if (memo.has(i)) return memo.get(i);
    const e = errors[i];
    if (!(e instanceof Unfollowed) || seen.has(i)) return undefined;
    seen.add(i);
    const p = producer.get(e.tensor);
    let r: Root[] | undefined;
    if (p === undefined) r = graphInputs.has(e.tensor) ? [{ label: `input ${e.tensor}` }] : undefined;
    else if (nodes[p]!.state !== 'ok') r = roots(p, seen) ?? [{ id: nodes[p]!.id, label: nodeLabel(nodes[p]!) }];
    memo.set(i, r);
    return r;
  };
  nodes.forEach((n, i) => {
    const r = n.state === 'ok' ? undefined : roots(i, new Set());
    if (!r) return;
    Object.assign(n, { state: 'depends', reason: `depends on ${r.map((x) => x.label).join(', ')}`, dependsOn: r.flatMap((x) => (x.id ? [x.id] : [])) });
  });
}

/**
 * The importer's refusal of a graph with operators it cannot map, as the same refusal carrying the graph to
 * view, its message the root causes then a count. Any other error passes unchanged.
 */
export function withViewerGraph(e: unknown, model: onnx.IModelProto, fileName: string, imp: Importer, ops: ReadonlyMap<string, unknown>): unknown {
  if (!isUserError(e) || e.code !== 'onnx-unsupported' || imp.problems.length === 0) return e;
  // The importer's message is its lead-in then its own list of problems: keep the lead-in, list the roots.
  const list = shortProblemList(imp.problems);
  if (!e.message.endsWith(list)) return e;
  const viewer = viewerGraph(model, fileName, imp, ops);
  return new RefusedGraphError(`${e.message.slice(0, e.message.length - list.length)}${refusalSummary(viewer)}`, e.hint, e.code, viewer);
}
