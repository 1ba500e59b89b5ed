/**
 * Automatic layered layout (top-down) with elkjs. Used by the canvas for layers that have no saved
 * position and by "Re-layout" (whose result is saved as an edit); the bench runs it in Node.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { ModelGraph } from '../../src/core/types';
import type { Point } from '../../src/protocol/editor';

/** Node box the layout reserves; matches the node card's CSS size. */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 76;

let elk: InstanceType<typeof ELK> | undefined;

/** Positions (top-left corners) for every layer. */
export async function layoutGraph(g: ModelGraph): Promise<Record<string, Point>> {
  elk ??= new ELK();
  const names = new Set(g.layers.map((l) => l.name));
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Keep siblings in insertion order, so merges read left to right as their inputs are ordered.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: g.layers.map((l) => ({ id: l.name, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: g.layers.flatMap((l) =>
      l.inbound.filter((s) => names.has(s)).map((s, i) => ({ id: `${s}\u2192${l.name}#${i}`, sources: [s], targets: [l.name] })),
    ),
  };
  const out = await elk.layout(root);
  const pos: Record<string, Point> = {};
  for (const c of out.children ?? []) pos[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return pos;
}

/** Positions for layers without a saved one: elk's when nothing is placed yet, else next to their input. */
export function effectivePositions(g: ModelGraph, order: string[], elk: Record<string, Point>): Record<string, Point> {
  const placed = g.layers.filter((l) => l.position);
  const out: Record<string, Point> = {};
  if (placed.length === 0) {
    for (const l of g.layers) if (elk[l.name]) out[l.name] = elk[l.name];
    return out;
  }
  for (const l of placed) out[l.name] = l.position as Point;
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  const taken = (p: Point) => Object.values(out).some((q) => Math.abs(q.x - p.x) < NODE_WIDTH && Math.abs(q.y - p.y) < NODE_HEIGHT);
  const maxX = () => Math.max(0, ...Object.values(out).map((q) => q.x));
  const names = [...order, ...g.layers.map((l) => l.name).filter((n) => !order.includes(n))];
  for (const name of names) {
    const l = byName.get(name);
    if (!l || out[name]) continue;
    const src = l.inbound.map((s) => out[s]).find(Boolean);
    let p: Point = src ? { x: src.x, y: src.y + NODE_HEIGHT + 34 } : { x: maxX() + NODE_WIDTH + 40, y: 0 };
    while (taken(p)) p = { x: p.x + NODE_WIDTH + 30, y: p.y };
    out[name] = p;
  }
  return out;
}
