/**
 * Automatic layered layout with elkjs, top-down or left to right. Used by the canvas for layers that have no
 * saved position, by "Re-layout" (whose result is saved as an edit), and after every structural edit with
 * the current positions as hints (the order of layers side by side is kept); the bench runs it in Node.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { ModelGraph } from '../../src/core/types';
import type { Point } from '../../src/protocol/editor';

/** Node box the layout reserves; matches the node card's CSS size (media/editor.css `.ms-node`). */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 100;

/** Where the data flows on the canvas: elk's direction names. */
export type LayoutDirection = 'DOWN' | 'RIGHT';

let elk: InstanceType<typeof ELK> | undefined;

export interface LayoutOptions {
  direction?: LayoutDirection;
  /** Current positions: they order the layers within a rank, and the result keeps their top-left corner. */
  hints?: Record<string, Point>;
}

/** Positions (top-left corners) for every layer. */
export async function layoutGraph(g: ModelGraph, opts: LayoutOptions = {}): Promise<Record<string, Point>> {
  elk ??= new ELK();
  const direction = opts.direction ?? 'DOWN';
  const hints = opts.hints ?? {};
  const names = new Set(g.layers.map((l) => l.name));
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.layered.spacing.nodeNodeBetweenLayers': direction === 'DOWN' ? '36' : '60',
      'elk.spacing.nodeNode': direction === 'DOWN' ? '40' : '30',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Keep siblings in insertion order, so merges read left to right as their inputs are ordered...
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // ...or, after an edit, in the order the user sees them.
      'elk.layered.crossingMinimization.semiInteractive': String(Object.keys(hints).length > 0),
    },
    children: g.layers.map((l) => ({ id: l.name, width: NODE_WIDTH, height: NODE_HEIGHT, ...hints[l.name] })),
    edges: g.layers.flatMap((l) =>
      l.inbound.filter((s) => names.has(s)).map((s, i) => ({ id: `${s}\u2192${l.name}#${i}`, sources: [s], targets: [l.name] })),
    ),
  };
  const out = await elk.layout(root);
  const pos: Record<string, Point> = {};
  for (const c of out.children ?? []) pos[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return keepCorner(pos, hints);
}

/** Moves `pos` so that its top-left corner is where the hints' was: the graph does not jump on the canvas. */
function keepCorner(pos: Record<string, Point>, hints: Record<string, Point>): Record<string, Point> {
  const had = Object.values(hints);
  const got = Object.values(pos);
  if (had.length === 0 || got.length === 0) return pos;
  const dx = Math.min(...had.map((p) => p.x)) - Math.min(...got.map((p) => p.x));
  const dy = Math.min(...had.map((p) => p.y)) - Math.min(...got.map((p) => p.y));
  const out: Record<string, Point> = {};
  for (const [n, p] of Object.entries(pos)) out[n] = { x: p.x + dx, y: p.y + dy };
  return out;
}

/**
 * Which way a saved drawing flows: left to right only when it clearly does (two connections or more, each
 * target wholly right of its source, as elk draws it), so layers merely placed side by side stay top-down.
 */
export function layoutDirection(g: ModelGraph, positions: Record<string, Point>): LayoutDirection {
  let edges = 0;
  for (const l of g.layers) {
    const to = positions[l.name];
    for (const s of l.inbound) {
      const from = positions[s];
      if (!from || !to) continue;
      if (to.x - from.x < NODE_WIDTH) return 'DOWN';
      edges++;
    }
  }
  return edges >= 2 ? 'RIGHT' : 'DOWN';
}

/** True when two layers' boxes at `pos` overlap. */
export function anyOverlap(pos: Record<string, Point>): boolean {
  const ps = Object.values(pos);
  return ps.some((a, i) => ps.slice(i + 1).some((b) => Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT));
}

/** The positions saved in the model. */
export function savedPositions(g: ModelGraph): Record<string, Point> {
  const out: Record<string, Point> = {};
  for (const l of g.layers) if (l.position) out[l.name] = l.position;
  return out;
}

/** True when every layer's saved position is already the one in `pos` (nothing to save). */
export function samePositions(g: ModelGraph, pos: Record<string, Point>): boolean {
  return g.layers.every((l) => l.position && pos[l.name] && l.position.x === pos[l.name].x && l.position.y === pos[l.name].y);
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
