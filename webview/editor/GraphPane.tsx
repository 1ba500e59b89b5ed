/**
 * The focusable box around the canvas (it takes the editor's keyboard), with a hint when the model is empty.
 * Canvas gestures become edits here; a move or drop also saves where auto layout put the other layers, so
 * they stay where the user saw them.
 */
import { ReactFlowProvider, type Viewport } from '@xyflow/react';
import type { KeyboardEvent, RefObject } from 'react';
import type { EditorState, Point } from '../../src/protocol/editor';
import { Canvas } from './Canvas';
import type { EdgeRef } from './hooks/useFlowGraph';
import { edit, saveViewState } from './vscodeApi';

interface Props {
  boxRef: RefObject<HTMLDivElement | null>;
  onKeyDown(e: KeyboardEvent<HTMLDivElement>): void;
  state: EditorState;
  positions: Record<string, Point>;
  autoLayout(): Record<string, Point>;
  /** The graph flows left to right (connections on the nodes' sides). */
  horizontal: boolean;
  selection: {
    selected: ReadonlySet<string>;
    setSelected(update: (prev: ReadonlySet<string>) => ReadonlySet<string>): void;
    selectedEdge: EdgeRef | null;
    setSelectedEdge(e: EdgeRef | null): void;
  };
  renaming: string | null;
  onRenameDone(from: string, to: string | null): void;
  fitSignal: number;
  defaultViewport: Viewport | undefined;
}

export function GraphPane(p: Props) {
  const { selection: sel, autoLayout } = p;
  return (
    <div
      className="ms-canvas-box"
      ref={p.boxRef}
      tabIndex={0}
      onKeyDown={p.onKeyDown}
      onPointerDownCapture={(e) => keepKeyboard(e.target, p.boxRef.current)}
      aria-label="Model graph"
      data-testid="canvas"
    >
      {p.state.graph.layers.length === 0 && (
        <div className="ms-empty-canvas">
          <span className="codicon codicon-layers" /> Empty model. Add an <b>InputLayer</b> from the palette (search, then Enter, or drag it here).
        </div>
      )}
      <ReactFlowProvider>
        <Canvas
          state={p.state}
          positions={p.positions}
          horizontal={p.horizontal}
          selected={sel.selected}
          selectedEdge={sel.selectedEdge}
          renaming={p.renaming}
          fitSignal={p.fitSignal}
          defaultViewport={p.defaultViewport}
          onSelection={(u) => sel.setSelected((prev) => u(prev))}
          onSelectEdge={sel.setSelectedEdge}
          onRenameDone={p.onRenameDone}
          onConnect={(from, to) => edit({ op: 'connect', from, to })}
          onMove={(at) => edit({ op: 'move', positions: { ...autoLayout(), ...at } })}
          onDropLayer={(className, at, onEdge) =>
            edit(
              onEdge
                ? { op: 'insertBetween', from: onEdge.from, to: onEdge.to, className, position: at, layout: autoLayout() }
                : { op: 'add', className, position: at, layout: autoLayout() },
            )
          }
          onViewport={(v: Viewport) => saveViewState({ viewport: v })}
        />
      </ReactFlowProvider>
    </div>
  );
}

/**
 * A click on the canvas gives it the keyboard. React Flow cancels mousedown on its pane (d3-zoom), so the
 * browser never moves focus there: after a click on a connection, Delete went to the page body and did nothing.
 */
function keepKeyboard(target: EventTarget, box: HTMLDivElement | null): void {
  if (!box || (target instanceof Element && target.closest('input, textarea, vscode-textfield'))) return;
  box.focus({ preventScroll: true });
}
