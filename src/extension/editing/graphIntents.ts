/**
 * The webview's graph intents, applied with the pure graph operations of src/core/graph.ts: each returns the
 * new graph, the label of the undoable edit and the layers it created.
 */
import {
  addLayer,
  appendLayer,
  connect,
  disconnect,
  findLayer,
  getLayer,
  insertBetween,
  renameLayer,
  setConfigField,
  setOutputs,
  uniqueName,
  cloneGraph,
} from '../../core/graph';
import { insertAfter, removeReconnecting } from '../../core/chainEdits';
import { getSpec, newLayerConfig } from '../../core/layers';
import { UserError, type LayerNode, type ModelGraph } from '../../core/types';
import { validateField } from '../../core/validate';
import type { EditIntent, Point } from '../../protocol/editor';

/** Vertical distance between a layer and one appended after it, matching the webview's layout spacing. */
const APPEND_STEP = 110;
const PASTE_OFFSET = 40;

function requireSpec(className: string): void {
  if (!getSpec(className)) {
    throw new UserError(`Unknown layer type "${className}"`, 'pick a layer from the palette', 'unknown-class');
  }
}

function below(g: ModelGraph, name: string | undefined): Point | undefined {
  const p = name ? findLayer(g, name)?.position : undefined;
  return p ? { x: p.x, y: p.y + APPEND_STEP } : undefined;
}

/** Right of the rightmost model input (undefined when no input has a position: the canvas lays it out). */
function besideInputs(g: ModelGraph): Point | undefined {
  const ps = g.inputs.map((n) => findLayer(g, n)?.position).filter((p): p is Point => !!p);
  if (ps.length === 0) return undefined;
  const right = ps.reduce((a, b) => (b.x > a.x ? b : a));
  return { x: right.x + 260, y: right.y };
}

/** Saves the canvas' auto-layout positions for layers that have none (unknown names are ignored). */
function withLayout(g: ModelGraph, layout: Record<string, Point> | undefined): ModelGraph {
  if (!layout || g.layers.every((l) => l.position || !layout[l.name])) return g;
  const next = cloneGraph(g);
  for (const l of next.layers) {
    const p = layout[l.name];
    if (!l.position && p) l.position = { x: p.x, y: p.y };
  }
  return next;
}

export interface IntentResult {
  graph: ModelGraph;
  label: string;
  created: string[];
  renamed?: { from: string; to: string };
}

/** Applies one intent with the pure graph operations of src/core/graph.ts. */
export function applyIntent(g: ModelGraph, e: Exclude<EditIntent, { op: 'setTrainingConfig' }>): IntentResult {
  switch (e.op) {
    case 'add': {
      requireSpec(e.className);
      const r = addLayer(withLayout(g, e.layout), e.className, { config: newLayerConfig(e.className), position: e.position });
      return { graph: r.graph, label: `Add ${e.className}`, created: [r.name] };
    }
    case 'append': {
      requireSpec(e.className);
      if (e.className === 'InputLayer') {
        // A new model input starts a new branch: it takes no inputs and does not become an output.
        const r = addLayer(g, 'InputLayer', { config: newLayerConfig('InputLayer'), position: besideInputs(g) });
        return { graph: r.graph, label: 'Add InputLayer', created: [r.name] };
      }
      const after = e.after ?? g.outputs[g.outputs.length - 1] ?? g.layers[g.layers.length - 1]?.name;
      const opts = { config: newLayerConfig(e.className), position: below(g, after) };
      // After a chosen layer the new one goes into the chain (Keras users insert into a Sequential stack), or
      // starts a branch from it: a functional model's second head.
      const r = e.after && !e.branch ? insertAfter(g, e.after, e.className, opts) : appendLayer(g, e.className, e.after, opts);
      return { graph: r.graph, label: e.branch && e.after ? `Add ${e.className} as a branch from ${e.after}` : `Add ${e.className}`, created: [r.name] };
    }
    case 'remove': {
      let next = g;
      for (const edge of e.edges ?? []) {
        if (e.names.includes(edge.from) || e.names.includes(edge.to)) continue;
        next = disconnect(next, edge.from, edge.to);
      }
      // Deleting a middle layer closes the gap when the shapes allow, as deleting from a Sequential stack does.
      for (const n of e.names) next = removeReconnecting(next, n);
      const what = e.names.length === 1 ? `"${e.names[0]}"` : e.names.length > 1 ? `${e.names.length} layers` : 'connection';
      return { graph: next, label: `Delete ${what}`, created: [] };
    }
    case 'connect':
      return { graph: connect(g, e.from, e.to, e.index), label: `Connect ${e.from} to ${e.to}`, created: [] };
    case 'disconnect':
      return { graph: disconnect(g, e.from, e.to), label: `Disconnect ${e.from} from ${e.to}`, created: [] };
    case 'rename':
      return {
        graph: renameLayer(g, e.from, e.to),
        label: `Rename ${e.from} to ${e.to}`,
        created: [],
        renamed: { from: e.from, to: e.to },
      };
    case 'setField': {
      if (e.field === 'name') {
        const to = String(e.value ?? '');
        return { graph: renameLayer(g, e.layer, to), label: `Rename ${e.layer} to ${to}`, created: [], renamed: { from: e.layer, to } };
      }
      const layer = getLayer(g, e.layer);
      const spec = getSpec(layer.className);
      const fieldSpec = spec?.fields.find((f) => f.name === e.field);
      // The webview validates before sending; the host checks again because it never trusts the webview.
      if (fieldSpec && e.value !== undefined) {
        const problem = validateField(fieldSpec, e.value);
        if (problem) throw new UserError(`${e.layer}.${e.field}: ${problem}`, fieldSpec.doc, 'invalid-value');
      }
      return { graph: setConfigField(g, e.layer, e.field, e.value), label: `Set ${e.layer}.${e.field}`, created: [] };
    }
    case 'insertBetween': {
      requireSpec(e.className);
      const r = insertBetween(withLayout(g, e.layout), e.from, e.to, e.className, { config: newLayerConfig(e.className), position: e.position });
      return { graph: r.graph, label: `Insert ${e.className}`, created: [r.name] };
    }
    case 'move':
    case 'relayout': {
      const next = cloneGraph(g);
      for (const [name, p] of Object.entries(e.positions)) getLayer(next, name).position = { x: p.x, y: p.y };
      return { graph: next, label: e.op === 'move' ? 'Move' : 'Re-layout', created: [] };
    }
    case 'duplicate': {
      const set = new Set(e.names);
      const layers = g.layers.filter((l) => set.has(l.name));
      if (layers.length === 0) throw new UserError('Nothing to duplicate', 'select one or more layers first');
      const r = pasteLayers(g, layers, undefined);
      return { graph: r.graph, label: 'Duplicate', created: r.created };
    }
    case 'paste': {
      const r = pasteLayers(g, e.payload.layers, e.at);
      return { graph: r.graph, label: 'Paste', created: r.created };
    }
    case 'setOutput': {
      getLayer(g, e.layer);
      const outs = g.outputs.filter((o) => o !== e.layer);
      if (e.output) outs.push(e.layer);
      return { graph: setOutputs(g, outs), label: e.output ? `Mark ${e.layer} as output` : `Unmark ${e.layer} as output`, created: [] };
    }
  }
}

/**
 * Adds copies of `layers` with fresh names. Connections among the copies are kept (renamed), connections
 * to layers outside the copied set are dropped. `at` places the copies' top-left corner; default is an offset.
 */
function pasteLayers(g: ModelGraph, layers: readonly LayerNode[], at: Point | undefined): { graph: ModelGraph; created: string[] } {
  if (layers.length === 0) throw new UserError('Nothing to paste', 'copy layers in a Model Studio editor first');
  const xs = layers.map((l) => l.position?.x ?? 0);
  const ys = layers.map((l) => l.position?.y ?? 0);
  const dx = at ? at.x - Math.min(...xs) : PASTE_OFFSET;
  const dy = at ? at.y - Math.min(...ys) : PASTE_OFFSET;
  const rename = new Map<string, string>();
  let next = g;
  const pending = [...layers];
  // Add in dependency order among the copies, so every kept connection points at a layer already added.
  while (pending.length > 0) {
    let idx = pending.findIndex((l) => l.inbound.every((s) => !layers.some((o) => o.name === s) || rename.has(s)));
    if (idx < 0) idx = 0; // a cycle among the copies: add one without its inbound
    const l = pending.splice(idx, 1)[0];
    const name = uniqueName(next, l.name);
    const inbound = l.inbound.map((s) => rename.get(s)).filter((s): s is string => s !== undefined);
    const position = l.position ? { x: l.position.x + dx, y: l.position.y + dy } : undefined;
    next = addLayer(next, l.className, { name, config: l.config, inbound, position }).graph;
    rename.set(l.name, name);
  }
  return { graph: next, created: [...rename.values()] };
}
