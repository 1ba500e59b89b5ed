/**
 * A graph Model Studio can show but not edit: the nodes of a file whose import was refused (an ONNX graph
 * with operators no Keras layer computes), each marked importable or not with the importer's one-line
 * reason. The editor draws it read-only, the Problems panel and the CLI list its root causes; a node refused
 * only because a node upstream was is "depends on" that node, so one missing operator is one cause, not a
 * cascade.
 */
import { isName, isObj, isOneOf, isStr, isStrArray } from './guards';
import { UserError, type Diagnostic, type Shape } from './types';

/** How a node stands: imported, refused for its own reason, or refused only because a node upstream was. */
export const VIEWER_NODE_STATES = ['ok', 'unsupported', 'depends'] as const;
export type ViewerNodeState = (typeof VIEWER_NODE_STATES)[number];

export interface ViewerNode {
  /** Unique in the graph: the node's name, or `op_index` for an unnamed node. */
  id: string;
  op: string;
  /** The name the file gives the node ('' when it has none). */
  name: string;
  /** Tensor names, as in the file. */
  inputs: string[];
  outputs: string[];
  /** Attributes in short (`kernel_shape=[3, 3]`, long lists cut). */
  attributes: string[];
  /** The shape of each output where the file or the importer knows it (null: unknown). */
  shapes: (Shape | null)[];
  state: ViewerNodeState;
  /** Why it is refused, in one line (absent for `ok`). */
  reason?: string;
  /** For `depends`: the ids of the refused nodes upstream it waits for. */
  dependsOn?: string[];
}

export interface ViewerTensor {
  name: string;
  shape: Shape | null;
}

export interface ViewerGraph {
  format: string;
  fileName: string;
  inputs: ViewerTensor[];
  outputs: ViewerTensor[];
  /** In the order the data flows (a node after the nodes it reads). */
  nodes: ViewerNode[];
  /** Problems of the graph itself, not of one node (an input of rank 1, an output no node computes). */
  graphProblems: string[];
}

/** A refused import that still has a graph to show: the editor opens it read-only instead of an error page. */
export class RefusedGraphError extends UserError {
  constructor(
    message: string,
    hint: string | undefined,
    code: string,
    readonly viewer: ViewerGraph,
  ) {
    super(message, hint, code);
  }
}

export function viewerGraphOf(e: unknown): ViewerGraph | undefined {
  return e instanceof RefusedGraphError ? e.viewer : undefined;
}

/** `Op name` as lists show a node ("Conv /layer1/conv", or the op alone when it has no name). */
export const nodeLabel = (n: Pick<ViewerNode, 'op' | 'name'>) => (n.name ? `${n.op} ${n.name}` : n.op);

/**
 * A node's reason without the op and name it starts with ("Pad 1: only zero padding" -> "only zero
 * padding"), for a list whose columns already show them.
 */
export function reasonText(n: Pick<ViewerNode, 'op' | 'reason'>): string {
  const r = n.reason ?? '';
  const colon = r.indexOf(': ');
  return r.startsWith(n.op) && colon > 0 ? r.slice(colon + 2) : r;
}

/** The causes to resolve: graph problems, then each refused node's own reason (one line each, no repeats). */
export function rootCauses(v: ViewerGraph): string[] {
  const own = v.nodes.filter((n) => n.state === 'unsupported').map((n) => n.reason ?? nodeLabel(n));
  return [...new Set([...v.graphProblems, ...own])];
}

/** The refused nodes, root causes first. */
export function refusedNodes(v: ViewerGraph): ViewerNode[] {
  return [...v.nodes.filter((n) => n.state === 'unsupported'), ...v.nodes.filter((n) => n.state === 'depends')];
}

/**
 * The first few root causes, each kept short, then how many more problems there are (other causes and the
 * nodes that only depend on them): never the cascade itself.
 */
export function refusalSummary(v: ViewerGraph, shown = 3): string {
  const roots = rootCauses(v);
  const first = roots.slice(0, shown).map((p) => (p.length > 160 ? `${p.slice(0, 157)}...` : p));
  const more = roots.length - first.length + v.nodes.filter((n) => n.state === 'depends').length;
  return `${first.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

const isShape = (s: unknown): s is Shape | null => s === null || (Array.isArray(s) && s.length <= 64 && s.every((d) => d === null || (typeof d === 'number' && Number.isFinite(d))));

function isViewerNode(n: unknown): n is ViewerNode {
  return (
    isObj(n) &&
    isName(n.id) &&
    isName(n.op) &&
    isStr(n.name) &&
    isStrArray(n.inputs, 10_000) &&
    isStrArray(n.outputs, 10_000) &&
    isStrArray(n.attributes, 1000) &&
    Array.isArray(n.shapes) &&
    n.shapes.every(isShape) &&
    isOneOf(VIEWER_NODE_STATES, n.state) &&
    (n.reason === undefined || isStr(n.reason)) &&
    (n.dependsOn === undefined || isStrArray(n.dependsOn, 10_000))
  );
}

const isTensor = (t: unknown): t is ViewerTensor => isObj(t) && isStr(t.name) && isShape(t.shape);

/** A viewer graph from outside (a webview message), within bounds. */
export function isViewerGraph(v: unknown): v is ViewerGraph {
  return (
    isObj(v) &&
    isStr(v.format) &&
    isStr(v.fileName) &&
    Array.isArray(v.inputs) &&
    v.inputs.length <= 10_000 &&
    v.inputs.every(isTensor) &&
    Array.isArray(v.outputs) &&
    v.outputs.length <= 10_000 &&
    v.outputs.every(isTensor) &&
    Array.isArray(v.nodes) &&
    v.nodes.length <= 1_000_000 &&
    v.nodes.every(isViewerNode) &&
    isStrArray(v.graphProblems, 10_000)
  );
}

/**
 * The Problems panel's entries for a refused graph: each graph problem and each node refused for its own
 * reason is an error; the nodes that only depend on them are one information line, not a cascade.
 */
export function viewerDiagnostics(v: ViewerGraph): Diagnostic[] {
  const code = `${v.format}-unsupported`;
  const out: Diagnostic[] = v.graphProblems.map((message) => ({ severity: 'error', code, message, hint: 'the graph is open read-only' }));
  for (const n of v.nodes.filter((x) => x.state === 'unsupported')) {
    // `layer` makes the entry a link that opens the graph with the node selected (the entry names it first).
    out.push({ severity: 'error', code, layer: n.id, message: `${n.op}: ${reasonText(n)}`, hint: 'the graph is open read-only until this node is resolved' });
  }
  const waiting = v.nodes.filter((x) => x.state === 'depends').length;
  if (waiting) out.push({ severity: 'info', code, message: `${waiting} more node${waiting === 1 ? '' : 's'} only depend${waiting === 1 ? 's' : ''} on these` });
  return out;
}
