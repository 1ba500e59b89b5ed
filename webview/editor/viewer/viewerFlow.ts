/**
 * A read-only graph (core/viewerGraph.ts) as the canvas draws it: one card per graph input and per node,
 * a connection per tensor from the card that makes it to each card that reads it, laid out by the editor's
 * own elk layout (layout.ts) through a layer graph of the same shape.
 */
import type { ModelGraph } from '../../../src/core/types';
import type { ViewerGraph, ViewerNode, ViewerTensor } from '../../../src/core/viewerGraph';

/** A card: an ONNX node or a graph input. */
export type ViewerCard = { id: string; node: ViewerNode; input?: undefined } | { id: string; input: ViewerTensor; node?: undefined };

/** Card ids of graph inputs cannot clash with node ids (names never hold a newline). */
export const inputCardId = (name: string) => `input\n${name}`;

export function viewerCards(v: ViewerGraph): ViewerCard[] {
  return [...v.inputs.map((input) => ({ id: inputCardId(input.name), input })), ...v.nodes.map((node) => ({ id: node.id, node }))];
}

/** Each connection: from the card making a tensor to a card reading it (constants and initialisers have none). */
export function viewerEdges(v: ViewerGraph): { from: string; to: string; tensor: string }[] {
  const maker = new Map<string, string>();
  for (const i of v.inputs) maker.set(i.name, inputCardId(i.name));
  for (const n of v.nodes) for (const o of n.outputs) maker.set(o, n.id);
  return v.nodes.flatMap((n) =>
    [...new Set(n.inputs)].flatMap((t) => {
      const from = maker.get(t);
      return from ? [{ from, to: n.id, tensor: t }] : [];
    }),
  );
}

/** The same graph as layers, for layout.ts' layoutGraph (only names and connections matter there). */
export function layoutModel(v: ViewerGraph): ModelGraph {
  const inbound = new Map<string, string[]>();
  for (const e of viewerEdges(v)) inbound.set(e.to, [...(inbound.get(e.to) ?? []), e.from]);
  const layers = viewerCards(v).map((c) => ({ name: c.id, className: c.node?.op ?? 'InputLayer', config: {}, inbound: inbound.get(c.id) ?? [] }));
  return { name: v.fileName, kind: 'Functional', layers, inputs: v.inputs.map((i) => inputCardId(i.name)), outputs: [] };
}
