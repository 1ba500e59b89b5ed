/**
 * Fits the graph to the view on request (each bump of `fitSignal`) and when the editor is resized a lot
 * (the training view opens beside it, a split closes): the old viewport no longer fits. Small resizes keep
 * the user's zoom and pan. A fit never zooms out below MIN_FIT_ZOOM, where node text would be too small to
 * read (12 px text at 0.4 is about 5 px): a graph that does not fit then shows its beginning (the inputs)
 * and the rest is a scroll away.
 */
import { useReactFlow, type ReactFlowInstance } from '@xyflow/react';
import { useEffect, useRef } from 'react';

export const FIT_PADDING = 0.15;
/** At this zoom the nodes' 11-12 px text is drawn at about 9 px. */
export const MIN_FIT_ZOOM = 0.8;
const MAX_FIT_ZOOM = 1.5;

/** Fits the graph into `width` x `height`, or shows its top-left part at the minimum zoom. */
function fitReadable(rf: ReactFlowInstance, width: number, height: number): void {
  const nodes = rf.getNodes();
  if (nodes.length === 0 || width <= 0 || height <= 0) return;
  const b = rf.getNodesBounds(nodes);
  const zoom = Math.min(width / (b.width * (1 + 2 * FIT_PADDING)), height / (b.height * (1 + 2 * FIT_PADDING)), MAX_FIT_ZOOM);
  if (zoom >= MIN_FIT_ZOOM) {
    void rf.fitView({ padding: FIT_PADDING, duration: 0, minZoom: MIN_FIT_ZOOM, maxZoom: MAX_FIT_ZOOM });
    return;
  }
  const pad = 24;
  const z = MIN_FIT_ZOOM;
  // Centred on an axis where the graph fits, its start at the edge where it does not.
  const x = b.width * z + 2 * pad <= width ? (width - b.width * z) / 2 - b.x * z : pad - b.x * z;
  const y = b.height * z + 2 * pad <= height ? (height - b.height * z) / 2 - b.y * z : pad - b.y * z;
  void rf.setViewport({ x, y, zoom: z }, { duration: 0 });
}

export function useFitView(fitSignal: number) {
  const rf = useReactFlow();
  const box = useRef<HTMLDivElement>(null);
  const fit = () => {
    const el = box.current;
    if (el) fitReadable(rf, el.clientWidth, el.clientHeight);
  };
  useEffect(() => {
    if (fitSignal > 0) fit();
  }, [fitSignal]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let last = { w: el.clientWidth, h: el.clientHeight };
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      const h = el.clientHeight;
      const changed = (a: number, b: number) => Math.abs(a - b) > 0.3 * Math.max(a, b, 1);
      if (w > 0 && h > 0 && (changed(w, last.w) || changed(h, last.h))) {
        last = { w, h };
        fitReadable(rf, w, h);
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [rf]);
  /** The element whose size is watched. */
  return box;
}
