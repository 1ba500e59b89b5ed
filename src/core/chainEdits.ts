/**
 * Edits a Keras user makes on a Sequential stack, on any graph: insert a layer after another *in* the chain
 * (its consumers now read the new layer), and delete a layer and close the gap (its consumers read its
 * input again) when the shapes allow. The plain graph operations (graph.ts) add a branch and leave a hole.
 */
import { analyze } from './analysis';
import { addLayer, appendLayer, consumers, getLayer, removeLayer, withKind, type AddLayerOptions } from './graph';
import type { LayerNode, ModelGraph } from './types';

/**
 * Inserts a new layer right after `after`: `after -> new -> (every former consumer of after)`, each consumer
 * keeping its input slot (a merge keeps its input order). With no consumer it is Sequential's `add`: the new
 * layer takes over `after`'s place among the outputs.
 */
export function insertAfter(
  g: ModelGraph,
  after: string,
  className: string,
  opts: Omit<AddLayerOptions, 'inbound'> = {},
): { graph: ModelGraph; name: string } {
  getLayer(g, after);
  const next = consumers(g, after);
  if (next.length === 0 || className === 'InputLayer') return appendLayer(g, className, after, opts);
  const added = addLayer(g, className, { ...opts, inbound: [after] });
  const out = added.graph;
  for (const c of next) {
    const l = getLayer(out, c);
    l.inbound = l.inbound.map((s) => (s === after ? added.name : s));
  }
  // Keep the layer list in chain order: the new layer right after `after`.
  const node = out.layers.pop() as LayerNode;
  out.layers.splice(out.layers.findIndex((l) => l.name === after) + 1, 0, node);
  // addLayer saw `after` feeding one more layer for a moment; after the rewiring the shape is what it was.
  out.kind = g.kind;
  return { graph: withKind(out), name: added.name };
}

/**
 * Removes `name` and reconnects its single input to its consumers, in the same input slot, as deleting a layer
 * from a Sequential stack does; a removed output hands its place to its input (Keras' `Sequential.pop`).
 * When a consumer would not accept the input's shape (a new error on it), or the layer has no single input,
 * it is a plain removal: the diagnostics then say what is missing.
 */
export function removeReconnecting(g: ModelGraph, name: string): ModelGraph {
  const layer = getLayer(g, name);
  const plain = removeLayer(g, name);
  if (layer.inbound.length !== 1) return plain;
  const source = layer.inbound[0];
  const next = consumers(g, name);
  const bridged = reconnected(plain, g, name, source, next);
  if (next.length === 0) return bridged;
  const before = layersWithErrors(g);
  const after = layersWithErrors(bridged);
  return next.some((c) => after.has(c) && !before.has(c)) ? plain : bridged;
}

/** `plain` (g without `name`) with `source` wired where `name` was, in every consumer and among the outputs. */
function reconnected(plain: ModelGraph, g: ModelGraph, name: string, source: string, next: string[]): ModelGraph {
  const out = { ...plain, layers: plain.layers.map((l) => ({ ...l, inbound: [...l.inbound] })), outputs: [...plain.outputs] };
  for (const c of next) {
    const was = getLayer(g, c).inbound;
    const l = getLayer(out, c);
    // Feeding the same tensor twice is not a connection the editor makes: a consumer that already reads
    // `source` just loses the removed input.
    if (!was.includes(source)) l.inbound = was.map((s) => (s === name ? source : s));
  }
  const slot = g.outputs.indexOf(name);
  if (slot >= 0 && !out.outputs.includes(source)) out.outputs.splice(slot, 0, source);
  return withKind(out, g.kind);
}

function layersWithErrors(g: ModelGraph): Set<string> {
  try {
    return new Set(analyze(g).diagnostics.flatMap((d) => (d.severity === 'error' && d.layer ? [d.layer] : [])));
  } catch {
    // Analysis reports problems as diagnostics; if it fails anyway, treat every layer as broken (no bridging).
    return new Set(g.layers.map((l) => l.name));
  }
}
