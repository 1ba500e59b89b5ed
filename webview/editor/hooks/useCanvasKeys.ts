/**
 * Keyboard on the canvas: Tab walks the layers in topological order (Shift+Tab leaves the canvas with the
 * selection kept), arrows follow connections (up to the input, down to a consumer, left/right to siblings),
 * Delete removes the selected layers or connection, F2 renames, "/" goes to the layer search, Ctrl+C/V/D/A copy, paste,
 * duplicate and select all, Escape clears the selection. Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y are not handled:
 * VS Code runs its Undo/Redo on the document.
 */
import type { KeyboardEvent } from 'react';
import type { EditorState } from '../../../src/protocol/editor';
import { edit, post } from '../vscodeApi';

export interface CanvasKeyTargets {
  state: EditorState | null;
  renaming: string | null;
  selectedList: string[];
  selectOnly(name: string): void;
  selectAll(): void;
  clear(): void;
  remove(): void;
  rename(name: string): void;
}

export function useCanvasKeys(t: CanvasKeyTargets) {
  return (e: KeyboardEvent<HTMLDivElement>) => {
    const { state, selectedList } = t;
    if (!state || t.renaming) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, vscode-textfield, vscode-single-select')) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const current = selectedList[selectedList.length - 1];
    const move = (name: string | undefined) => {
      if (!name) return;
      e.preventDefault();
      t.selectOnly(name);
    };
    if (navigate(e, ctrl, state, current, move)) return;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      t.remove();
    } else if (e.key === 'F2' && current) {
      e.preventDefault();
      t.rename(current);
    } else if (ctrl && e.key.toLowerCase() === 'c' && selectedList.length) {
      e.preventDefault();
      post({ type: 'copy', names: selectedList });
    } else if (ctrl && e.key.toLowerCase() === 'v') {
      e.preventDefault();
      post({ type: 'paste' });
    } else if (ctrl && e.key.toLowerCase() === 'd' && selectedList.length) {
      e.preventDefault();
      edit({ op: 'duplicate', names: selectedList });
    } else if (ctrl && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      t.selectAll();
    } else if (e.key === 'Escape') {
      t.clear();
    }
  };
}

/** Tab and the arrows; true when the key was one of them (whether or not there was a layer to go to). */
function navigate(e: KeyboardEvent, ctrl: boolean, state: EditorState, current: string | undefined, move: (name: string | undefined) => void): boolean {
  const g = state.graph;
  const order = [...state.order, ...g.layers.map((l) => l.name).filter((n) => !state.order.includes(n))];
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  if (e.key === 'Tab' && !ctrl) {
    // Past the last layer, focus leaves the canvas as usual. Shift+Tab always leaves (back to the palette)
    // and keeps the selection, which is where the palette's search + Enter appends; ArrowUp walks back.
    if (e.shiftKey) return true;
    const i = current ? order.indexOf(current) : -1;
    if (i + 1 < order.length) move(order[i + 1]);
  } else if (e.key === 'ArrowUp') {
    move(current ? byName.get(current)?.inbound[0] : order[0]);
  } else if (e.key === 'ArrowDown') {
    move(current ? g.layers.find((l) => l.inbound.includes(current))?.name : order[0]);
  } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    // Siblings: layers fed by the same layer (or, for inputs, the other inputs).
    if (!current) {
      move(order[0]);
      return true;
    }
    const parent = byName.get(current)?.inbound[0];
    const sibs = parent ? g.layers.filter((l) => l.inbound[0] === parent).map((l) => l.name) : g.layers.filter((l) => l.inbound.length === 0).map((l) => l.name);
    const i = sibs.indexOf(current);
    move(sibs[i + (e.key === 'ArrowLeft' ? -1 : 1)]);
  } else {
    return false;
  }
  return true;
}
