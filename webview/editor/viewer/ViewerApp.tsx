/**
 * A file Model Studio can show but not edit (an ONNX graph with operators no Keras layer computes): the
 * graph read-only on the canvas, the unsupported nodes marked and listed, and a bar saying why. Editing,
 * Train and Save As stay off until the causes are resolved; Reload reads the file again.
 */
import { ReactFlowProvider } from '@xyflow/react';
import type { KeyboardEvent } from 'react';
import { refusalSummary, type ViewerGraph } from '../../../src/core/viewerGraph';
import { useFitSignal } from '../hooks/useGraphLayout';
import { useViewState } from '../hooks/useViewState';
import { ToolButton } from '../Toolbar';
import { post } from '../vscodeApi';
import { ViewerCanvas } from './ViewerCanvas';
import { ViewerSide } from './ViewerSide';

export interface ViewerProps {
  fileName: string;
  message: string;
  hint?: string;
  viewer: ViewerGraph;
}

/** The selection is the editor's (so a Problems entry's link, revealLayer, selects the node here too). */
interface Selection {
  selected: string | null;
  setSelected(id: string | null): void;
}

export function ViewerApp({ fileName, hint, viewer, selected, setSelected }: ViewerProps & Selection) {
  const [chosen, setChosen] = useViewState('layoutDirection', 'auto');
  const direction = chosen === 'RIGHT' ? 'RIGHT' : 'DOWN';
  const { fitSignal, fit } = useFitSignal();
  const unsupported = viewer.nodes.filter((n) => n.state === 'unsupported').length;
  const waiting = viewer.nodes.filter((n) => n.state === 'depends').length;
  const why = `${fileName} is open read-only: Model Studio cannot turn this graph into Keras layers yet, so editing, training and Save As are off.`;
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') setSelected(null);
  };
  return (
    <div className="ms-app ms-viewer" data-testid="viewer">
      <header className="ms-toolbar" role="toolbar" aria-label="Viewer actions">
        <ToolButton icon="screen-full" label="Fit to view" onClick={fit} />
        <ToolButton icon="arrow-right" label="Left to right" pressed={direction === 'RIGHT'} onClick={() => setChosen(direction === 'RIGHT' ? 'DOWN' : 'RIGHT')} />
        <ToolButton icon="refresh" label="Reload" onClick={() => post({ type: 'retry' })} />
        <span className="ms-sep" />
        <ToolButton icon="play" label="Train" disabledReason={why} describedBy="ms-readonly-why" />
        <ToolButton icon="save-as" label="Save As" disabledReason={why} describedBy="ms-readonly-why" />
        <span className="ms-spacer" />
        <span className="ms-status" data-testid="status">
          <span className="ms-status-error">
            <span className="codicon codicon-error" aria-hidden="true" /> {unsupported} not supported
          </span>
          <span className="ms-status-warning">
            <span className="codicon codicon-debug-disconnect" aria-hidden="true" /> {waiting} waiting
          </span>
          <span>{viewer.nodes.length} nodes · read-only</span>
        </span>
      </header>
      <div className="ms-notice ms-readonly" role="status" data-testid="readonly-notice" id="ms-readonly-why">
        <span className="codicon codicon-lock" aria-hidden="true" />
        <span>
          <b>Read-only.</b> {refusalSummary(viewer)}
          {hint && <span className="ms-muted"> — {hint}</span>}
        </span>
      </div>
      <div className="ms-center">
        <div className="ms-canvas-box" tabIndex={0} aria-label="Model graph, read-only" data-testid="canvas" onKeyDown={onKey}>
          <ReactFlowProvider>
            <ViewerCanvas viewer={viewer} direction={direction} selected={selected} onSelect={setSelected} fitSignal={fitSignal} onLaidOut={fit} />
          </ReactFlowProvider>
        </div>
      </div>
      <ViewerSide viewer={viewer} selected={selected} onSelect={setSelected} />
    </div>
  );
}
