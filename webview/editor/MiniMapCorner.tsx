/**
 * The minimap, only where it helps and hides nothing: hidden while the whole graph is on screen, otherwise in
 * the first corner that covers no layer (bottom-left holds the zoom controls), hidden when every corner would.
 */
import { MiniMap, useStore, type PanelPosition, type ReactFlowState } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { minimapCorner, type Box } from './minimapPlacement';

/** A primitive (so React re-renders only when the corner changes). */
function selectCorner(s: ReactFlowState): string {
  const [tx, ty, zoom] = s.transform;
  const boxes: Box[] = [];
  for (const n of s.nodeLookup.values()) {
    const p = n.internals.positionAbsolute;
    boxes.push({ x: p.x * zoom + tx, y: p.y * zoom + ty, w: (n.measured.width ?? NODE_WIDTH) * zoom, h: (n.measured.height ?? NODE_HEIGHT) * zoom });
  }
  return s.width > 0 ? (minimapCorner(boxes, s.width, s.height) ?? 'none') : 'none';
}

export function MiniMapCorner() {
  const corner = useStore(selectCorner);
  if (corner === 'none') return null;
  return <MiniMap pannable zoomable nodeStrokeWidth={2} className="ms-minimap" position={corner as PanelPosition} />;
}
