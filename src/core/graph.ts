/**
 * Pure edit operations on a ModelGraph. Each returns a new graph and leaves its argument untouched, so the
 * editor can keep the previous graph for undo. Operations that cannot apply throw UserError with a hint;
 * problems that an edit may legitimately leave behind (a dangling layer, a bad shape) are diagnostics
 * from analysis, not errors here.
 */
import { UserError, type JsonObject, type Json, type LayerNode, type ModelGraph } from './types';

export function emptyGraph(name = 'model'): ModelGraph {
  return { name, kind: 'Functional', layers: [], inputs: [], outputs: [] };
}

export function cloneGraph(g: ModelGraph): ModelGraph {
  return structuredClone(g);
}

export function findLayer(g: ModelGraph, name: string): LayerNode | undefined {
  return g.layers.find((l) => l.name === name);
}

export function getLayer(g: ModelGraph, name: string): LayerNode {
  const l = findLayer(g, name);
  if (!l) throw new UserError(`No layer named "${name}"`, 'check the layer name; names are case-sensitive');
  return l;
}

/** Names of the layers that take `name`'s output as an input. */
export function consumers(g: ModelGraph, name: string): string[] {
  return g.layers.filter((l) => l.inbound.includes(name)).map((l) => l.name);
}

/** Keras' automatic naming: snake_case of the class name, then `_1`, `_2`... until unused. */
export function snakeCase(className: string): string {
  // Keras 3's keras/src/utils/naming.py to_snake_case: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d,
  // PReLU -> p_re_lu, ConvLSTM2D -> conv_lstm2d (Keras 2 also split before digits: conv_lst_m2d).
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function uniqueName(g: ModelGraph, base: string): string {
  const taken = new Set(g.layers.map((l) => l.name));
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) {
    const candidate = `${base}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

function checkName(name: string): void {
  if (!NAME_RE.test(name) || name.includes('/')) {
    throw new UserError(
      `"${name}" is not a valid layer name`,
      'use letters, digits, "_", "-" or "."; start with a letter or "_"',
      'invalid-name',
    );
  }
}

/** Recompute `kind`: a single chain from one InputLayer to one output is Sequential-shaped. */
export function withKind(g: ModelGraph, keep?: ModelGraph['kind']): ModelGraph {
  if (keep === 'Functional') return g;
  return { ...g, kind: isChain(g) ? g.kind : 'Functional' };
}

/** True when the graph is one chain (each layer has at most one input and at most one consumer). */
export function isChain(g: ModelGraph): boolean {
  if (g.inputs.length > 1 || g.outputs.length > 1) return false;
  for (const l of g.layers) {
    if (l.inbound.length > 1) return false;
    if (consumers(g, l.name).length > 1) return false;
  }
  return true;
}

export interface AddLayerOptions {
  name?: string;
  config?: JsonObject;
  /** Layers feeding the new layer, in order. */
  inbound?: string[];
  position?: { x: number; y: number };
}

export function addLayer(g: ModelGraph, className: string, opts: AddLayerOptions = {}): { graph: ModelGraph; name: string } {
  const name = opts.name ?? uniqueName(g, snakeCase(className));
  checkName(name);
  if (findLayer(g, name)) throw new UserError(`A layer named "${name}" already exists`, 'choose another name', 'duplicate-name');
  for (const src of opts.inbound ?? []) getLayer(g, src);
  const node: LayerNode = { name, className, config: structuredClone(opts.config ?? {}), inbound: [...(opts.inbound ?? [])] };
  if (opts.position) node.position = { ...opts.position };
  const next = cloneGraph(g);
  next.layers.push(node);
  if (className === 'InputLayer') next.inputs.push(name);
  return { graph: withKind(next), name };
}

/** Remove a layer and every connection to and from it; it also leaves the model inputs/outputs. */
export function removeLayer(g: ModelGraph, name: string): ModelGraph {
  getLayer(g, name);
  const next = cloneGraph(g);
  next.layers = next.layers.filter((l) => l.name !== name);
  for (const l of next.layers) l.inbound = l.inbound.filter((s) => s !== name);
  next.inputs = next.inputs.filter((s) => s !== name);
  next.outputs = next.outputs.filter((s) => s !== name);
  return withKind(next);
}

/** Connect `from`'s output to `to`'s inputs, at `index` (default: last). */
export function connect(g: ModelGraph, from: string, to: string, index?: number): ModelGraph {
  getLayer(g, from);
  const target = getLayer(g, to);
  if (from === to) throw new UserError(`Cannot connect "${from}" to itself`, 'connect it to another layer', 'self-loop');
  if (target.className === 'InputLayer') {
    throw new UserError(`"${to}" is an input layer and takes no inputs`, 'connect to a layer after it', 'input-has-inbound');
  }
  if (target.inbound.includes(from)) {
    throw new UserError(`"${from}" is already connected to "${to}"`, 'use a separate layer to feed the same tensor twice', 'duplicate-edge');
  }
  const next = cloneGraph(g);
  const t = getLayer(next, to);
  const at = index === undefined ? t.inbound.length : Math.max(0, Math.min(index, t.inbound.length));
  t.inbound.splice(at, 0, from);
  return withKind(next);
}

export function disconnect(g: ModelGraph, from: string, to: string): ModelGraph {
  const target = getLayer(g, to);
  if (!target.inbound.includes(from)) {
    throw new UserError(`"${from}" is not connected to "${to}"`, 'nothing to disconnect', 'no-edge');
  }
  const next = cloneGraph(g);
  const t = getLayer(next, to);
  t.inbound = t.inbound.filter((s) => s !== from);
  return withKind(next);
}

/** Rename a layer, updating every reference (connections, model inputs and outputs). */
export function renameLayer(g: ModelGraph, oldName: string, newName: string): ModelGraph {
  getLayer(g, oldName);
  if (oldName === newName) return g;
  checkName(newName);
  if (findLayer(g, newName)) throw new UserError(`A layer named "${newName}" already exists`, 'choose another name', 'duplicate-name');
  const next = cloneGraph(g);
  const rn = (s: string) => (s === oldName ? newName : s);
  for (const l of next.layers) {
    if (l.name === oldName) l.name = newName;
    l.inbound = l.inbound.map(rn);
  }
  next.inputs = next.inputs.map(rn);
  next.outputs = next.outputs.map(rn);
  return next;
}

/** Set one config field; `undefined` removes it (the catalog default then applies). */
export function setConfigField(g: ModelGraph, layer: string, field: string, value: Json | undefined): ModelGraph {
  getLayer(g, layer);
  if (field === 'name') return renameLayer(g, layer, String(value));
  const next = cloneGraph(g);
  const l = getLayer(next, layer);
  if (value === undefined) delete l.config[field];
  else l.config[field] = structuredClone(value);
  return next;
}

/**
 * Insert a new layer on the edge `from -> to`: `from -> new -> to`, keeping `new` at `from`'s place among
 * `to`'s inputs (so a merge keeps its input order).
 */
export function insertBetween(
  g: ModelGraph,
  from: string,
  to: string,
  className: string,
  opts: Omit<AddLayerOptions, 'inbound'> = {},
): { graph: ModelGraph; name: string } {
  const target = getLayer(g, to);
  const idx = target.inbound.indexOf(from);
  if (idx < 0) throw new UserError(`"${from}" is not connected to "${to}"`, 'insert on an existing connection', 'no-edge');
  if (className === 'InputLayer') {
    throw new UserError('An InputLayer cannot be inserted on a connection', 'add it on its own and connect it to the layer it feeds', 'input-has-inbound');
  }
  const added = addLayer(g, className, { ...opts, inbound: [from] });
  const next = added.graph;
  getLayer(next, to).inbound[idx] = added.name;
  // Keep insertion order readable: place the new layer right before its consumer.
  const layers = next.layers;
  const newNode = layers.pop() as LayerNode;
  layers.splice(layers.findIndex((l) => l.name === to), 0, newNode);
  // addLayer saw `from` feeding two layers for a moment; after the rewiring the shape is what it was.
  next.kind = g.kind;
  return { graph: withKind(next), name: added.name };
}

/**
 * Append a layer after `after` (or after the last output): it takes over `after`'s role as model output.
 * This is the Sequential `model.add`. Appended after a layer that already feeds others (a trunk), it starts
 * a new branch, which ends the model like the others: it becomes one more output (a second head).
 */
export function appendLayer(
  g: ModelGraph,
  className: string,
  after: string | undefined,
  opts: Omit<AddLayerOptions, 'inbound'> = {},
): { graph: ModelGraph; name: string } {
  const prev = after ?? g.outputs[g.outputs.length - 1] ?? g.layers[g.layers.length - 1]?.name;
  const added = addLayer(g, className, { ...opts, inbound: prev && className !== 'InputLayer' ? [prev] : [] });
  const next = added.graph;
  if (prev) {
    const i = next.outputs.indexOf(prev);
    if (i >= 0) next.outputs[i] = added.name;
    else next.outputs.push(added.name);
  } else if (className !== 'InputLayer') {
    next.outputs.push(added.name);
  }
  return { graph: next, name: added.name };
}

/** Replace a layer's class (and config) in place, keeping its name and connections. */
export function replaceLayer(g: ModelGraph, name: string, className: string, config: JsonObject = {}): ModelGraph {
  const old = getLayer(g, name);
  if ((old.className === 'InputLayer') !== (className === 'InputLayer')) {
    throw new UserError(`Cannot replace "${name}" (${old.className}) with ${className}`, 'input layers can only be replaced by input layers', 'bad-replace');
  }
  const next = cloneGraph(g);
  const l = getLayer(next, name);
  l.className = className;
  l.config = structuredClone(config);
  return next;
}

export function setOutputs(g: ModelGraph, outputs: string[]): ModelGraph {
  for (const o of outputs) getLayer(g, o);
  return withKind({ ...cloneGraph(g), outputs: [...outputs] });
}

export function setInputs(g: ModelGraph, inputs: string[]): ModelGraph {
  for (const i of inputs) {
    if (getLayer(g, i).className !== 'InputLayer') {
      throw new UserError(`"${i}" is not an InputLayer`, 'model inputs must be InputLayer layers', 'bad-input');
    }
  }
  return withKind({ ...cloneGraph(g), inputs: [...inputs] });
}

export function moveLayer(g: ModelGraph, name: string, position: { x: number; y: number }): ModelGraph {
  getLayer(g, name);
  const next = cloneGraph(g);
  getLayer(next, name).position = { ...position };
  return next;
}

/** A binary min-heap of numbers (layer positions). */
class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Kahn's topological order. Layers on a cycle are returned in `cyclic` (analysis reports them); the order
 * is stable with respect to insertion order: passes over the layer list, each taking, in list order, every
 * layer whose inputs are all placed (a layer freed behind the current position waits for the next pass).
 * Heaps keep that order in O((layers + connections) log layers), so 100,000-layer files analyse in time.
 */
export function topologicalOrder(g: ModelGraph): { order: string[]; cyclic: string[] } {
  const names = new Set(g.layers.map((l) => l.name));
  const first = new Map<string, number>();
  g.layers.forEach((l, i) => {
    if (!first.has(l.name)) first.set(l.name, i);
  });
  const indeg = new Map<string, number>();
  const consumers = new Map<string, { name: string; count: number }[]>();
  for (const l of g.layers) {
    indeg.set(l.name, l.inbound.filter((s) => names.has(s)).length);
    const counts = new Map<string, number>();
    for (const s of l.inbound) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const [s, count] of counts) {
      let list = consumers.get(s);
      if (!list) consumers.set(s, (list = []));
      list.push({ name: l.name, count });
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  const queued = new Set<string>();
  let current = new MinHeap();
  let next = new MinHeap();
  for (const [name, i] of first) {
    if ((indeg.get(name) ?? 0) <= 0) {
      current.push(i);
      queued.add(name);
    }
  }
  while (current.size > 0) {
    const pos = current.pop();
    const name = g.layers[pos]!.name;
    done.add(name);
    order.push(name);
    for (const c of consumers.get(name) ?? []) {
      const left = (indeg.get(c.name) ?? 0) - c.count;
      indeg.set(c.name, left);
      if (left <= 0 && !queued.has(c.name)) {
        queued.add(c.name);
        const i = first.get(c.name)!;
        (i > pos ? current : next).push(i);
      }
    }
    if (current.size === 0) [current, next] = [next, current];
  }
  return { order, cyclic: g.layers.filter((l) => !done.has(l.name)).map((l) => l.name) };
}
