/** Where the minimap may go: a corner that hides no layer, or nowhere while the whole graph is on screen. */
import type { PanelPosition } from '@xyflow/react';

/** React Flow's minimap size and panel margin (its style.css). */
const MAP = { width: 200, height: 150, margin: 15 };
const CORNERS: readonly PanelPosition[] = ['bottom-right', 'top-right', 'top-left'];

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function cornerBox(corner: PanelPosition, width: number, height: number): Box {
  const x = corner.endsWith('left') ? MAP.margin : width - MAP.margin - MAP.width;
  const y = corner.startsWith('top') ? MAP.margin : height - MAP.margin - MAP.height;
  return { x, y, w: MAP.width, h: MAP.height };
}

/** Where the minimap goes for nodes drawn at `boxes` (screen pixels) in a `width` x `height` canvas; null: nowhere. */
export function minimapCorner(boxes: readonly Box[], width: number, height: number): PanelPosition | null {
  const inView = (b: Box) => b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= height;
  if (boxes.every(inView)) return null;
  return CORNERS.find((c) => !boxes.some((b) => overlaps(b, cornerBox(c, width, height)))) ?? null;
}

