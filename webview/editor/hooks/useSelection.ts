/**
 * What is selected: a set of layers (kept across hide/show) or one connection. A new state from the host
 * selects the layers it just created and drops names that no longer exist.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EditorState } from '../../../src/protocol/editor';
import type { EdgeRef } from './useFlowGraph';
import { loadViewState, saveViewState } from '../vscodeApi';

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
