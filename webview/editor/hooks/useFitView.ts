/**
 * Fits the graph to the view on request (each bump of `fitSignal`) and when the editor is resized a lot
 * (the training view opens beside it, a split closes): the old viewport no longer fits. Small resizes keep
 * the user's zoom and pan.
 */
import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';

export function useFitView(fitSignal: number) {
  const rf = useReactFlow();
  useEffect(() => {
    if (fitSignal > 0) void rf.fitView({ padding: 0.15, duration: 0 });
  }, [fitSignal]); // eslint-disable-line react-hooks/exhaustive-deps

  const box = useRef<HTMLDivElement>(null);
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
        void rf.fitView({ padding: 0.15, duration: 0 });
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [rf]);
  /** The element whose size is watched. */
  return box;
}
