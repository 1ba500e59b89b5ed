/** What the selection-dependent actions do: delete, and where a layer picked in the palette goes. */
import type { EdgeRef } from './hooks/useFlowGraph';
import { edit } from './vscodeApi';

/** Delete: the selected layers, else the selected connection. */
export function removeSelection(selectedList: string[], selectedEdge: EdgeRef | null, clearEdge: () => void) {
  if (selectedList.length) edit({ op: 'remove', names: selectedList });
  else if (selectedEdge) edit({ op: 'disconnect', from: selectedEdge.from, to: selectedEdge.to });
  clearEdge();
}

/**
 * Where a layer picked in the palette goes: onto the selected connection, else into the chain right after the
 * last selected layer (the host re-wires its consumers), else after the model's output.
 */
export function paletteTarget(selectedList: string[], selectedEdge: EdgeRef | null, clearEdge: () => void) {
  const last = selectedList[selectedList.length - 1];
  const target = selectedEdge
    ? `Enter inserts on ${selectedEdge.from} → ${selectedEdge.to}`
    : selectedList.length
      ? `Enter inserts after ${last} · Shift+Enter branches from it`
      : 'Enter appends to the model';
  /** `branch` (Shift+Enter, Shift+double-click): a new branch from the selected layer instead of into its chain. */
  const pick = (className: string, branch = false) => {
    if (selectedEdge) edit({ op: 'insertBetween', from: selectedEdge.from, to: selectedEdge.to, className });
    else edit({ op: 'append', className, after: last, ...(branch && last ? { branch: true } : {}) });
    clearEdge();
  };
  return { target, pick };
}
