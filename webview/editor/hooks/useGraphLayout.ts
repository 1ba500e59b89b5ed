/**
 * Where each layer is drawn, and fit-to-view requests. Auto layout runs when no layer has a saved position
 * (a new or imported model): elk's result is a view of the model, not an edit, so opening a file never makes
 * it dirty. "Re-layout" is an edit; so is the layout after a structural edit of this panel, which joins
 * that edit (one Undo), so an inserted layer never lands on top of another.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ModelGraph } from '../../../src/core/types';
import type { EditorState, Point } from '../../../src/protocol/editor';
import { anyOverlap, effectivePositions, layoutGraph, samePositions, type LayoutDirection } from '../layout';
import { edit, takeLayoutRequest } from '../vscodeApi';

/** A counter the canvas watches: each bump fits the graph to the view. */
export function useFitSignal() {
  const [fitSignal, setFitSignal] = useState(0);
  const fit = useCallback(() => setFitSignal((n) => n + 1), []);
  return { fitSignal, fit };
}

/** Lays the whole graph out again with elk and saves the positions as one edit. */
export async function relayout(g: ModelGraph | undefined, fit: () => void, direction: LayoutDirection = 'DOWN'): Promise<void> {
  if (!g || g.layers.length === 0) return;
  edit({ op: 'relayout', positions: await layoutGraph(g, { direction }) });
  fit();
}

/**
 * After a structural edit posted by this panel: elk again, with the positions on screen as hints, sent to
 * join that edit (the host drops it if anything else happened first).
 */
export function useLayoutAfterEdits(state: EditorState | null, positions: Record<string, Point>, direction: LayoutDirection) {
  useEffect(() => {
    const wanted = takeLayoutRequest();
    if (!state || state.graph.layers.length === 0 || !wanted) return;
    if (wanted === 'ifOverlapping' && !anyOverlap(positions)) return;
    void layoutGraph(state.graph, { direction, hints: positions }).then((pos) => {
      if (!samePositions(state.graph, pos)) edit({ op: 'relayout', positions: pos, amend: state.version });
    });
  }, [state?.version]); // eslint-disable-line react-hooks/exhaustive-deps
}

export function useLayerPositions(state: EditorState | null, fit: () => void) {
  const [elkPos, setElkPos] = useState<Record<string, Point> | null>(null);
  const graph = state?.graph;
  const structureKey = graph ? graph.layers.map((l) => `${l.name}<${l.inbound.join(',')}`).join(';') : '';
  const needsElk = !!graph && graph.layers.length > 0 && graph.layers.every((l) => !l.position);
  useEffect(() => {
    if (!graph || !needsElk) return;
    let live = true;
    void layoutGraph(graph).then((pos) => {
      if (live) {
        setElkPos(pos);
        fit();
      }
    });
    return () => {
      live = false;
    };
  }, [structureKey, needsElk]); // eslint-disable-line react-hooks/exhaustive-deps

  const positions = useMemo(
    () => (state ? effectivePositions(state.graph, state.order, needsElk ? (elkPos ?? {}) : {}) : {}),
    [state, elkPos, needsElk],
  );

  /** Positions of the layers that are shown where auto layout put them (none saved yet). */
  const autoLayout = (): Record<string, Point> => {
    const out: Record<string, Point> = {};
    for (const l of state?.graph.layers ?? []) if (!l.position && positions[l.name]) out[l.name] = positions[l.name];
    return out;
  };
  return { positions, autoLayout };
}
