/**
 * What is selected: a set of layers (kept across hide/show) or one connection. A new state from the host
 * selects the layers it just created and drops names that no longer exist.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EditorState } from '../../../src/protocol/editor';
import type { EdgeRef } from './useFlowGraph';
import { edit, loadViewState, saveViewState } from '../vscodeApi';

export function useSelection() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(loadViewState().selection ?? []));
  const [selectedEdge, setSelectedEdge] = useState<EdgeRef | null>(null);
  useEffect(() => saveViewState({ selection: [...selected] }), [selected]);

  const follow = useCallback((state: EditorState) => {
    setSelected((prev) => {
      const names = new Set(state.graph.layers.map((l) => l.name));
      if (state.created.length) return new Set(state.created);
      const kept = [...prev].filter((n) => names.has(n));
      return kept.length === prev.size ? prev : new Set(kept);
    });
  }, []);

  const selectOnly = (name: string) => {
    setSelected(new Set([name]));
    setSelectedEdge(null);
  };
  const clear = () => {
    setSelected(new Set());
    setSelectedEdge(null);
  };
  return { selected, setSelected, selectedEdge, setSelectedEdge, follow, selectOnly, clear };
}

/** The selected layers in the model's order (the last one is where Enter appends). */
export function useSelectedLayers(state: EditorState | null, selected: ReadonlySet<string>): string[] {
  return useMemo(() => (state ? state.graph.layers.map((l) => l.name).filter((n) => selected.has(n)) : []), [state, selected]);
}

/** Delete: the selected layers, else the selected connection. */
export function removeSelection(selectedList: string[], selectedEdge: EdgeRef | null, clearEdge: () => void) {
  if (selectedList.length) edit({ op: 'remove', names: selectedList });
  else if (selectedEdge) edit({ op: 'disconnect', from: selectedEdge.from, to: selectedEdge.to });
  clearEdge();
}

/** Where a layer picked in the palette goes: onto the selected connection, else after the last selected layer. */
export function paletteTarget(selectedList: string[], selectedEdge: EdgeRef | null, clearEdge: () => void) {
  const last = selectedList[selectedList.length - 1];
  const target = selectedEdge
    ? `Enter inserts on ${selectedEdge.from} → ${selectedEdge.to}`
    : selectedList.length
      ? `Enter appends after ${last}`
      : 'Enter appends to the model';
  const pick = (className: string) => {
    if (selectedEdge) edit({ op: 'insertBetween', from: selectedEdge.from, to: selectedEdge.to, className });
    else edit({ op: 'append', className, after: last });
    clearEdge();
  };
  return { target, pick };
}
