/**
 * The graph canvas (React Flow). Renders the host's graph at the given positions; user gestures become
 * edit intents (connect, move, drop a layer, insert on an edge) handed to the App, which posts them.
 */
import { Background, Controls, ReactFlow, type Connection, type Edge, type Viewport } from '@xyflow/react';
import { useMemo } from 'react';
import type { Point } from '../../src/protocol/editor';
import { FIT_PADDING, MIN_FIT_ZOOM, useFitView } from './hooks/useFitView';
import { useFlowEdges, useFlowNodes, type EdgeRef, type FlowGraphProps } from './hooks/useFlowGraph';
import { useLayerDrop } from './hooks/useLayerDrop';
import { LayerNodeView, type LayerFlowNode } from './LayerNodeView';
import { MiniMapCorner } from './MiniMapCorner';

const nodeTypes = { layer: LayerNodeView };

/** What every canvas (the editor's, a read-only graph's) sets the same way. */
export const FLOW_OPTIONS = {
  minZoom: 0.05,
  maxZoom: 2,
  // Keyboard is ours (Tab through layers, arrows follow connections, Delete, F2); see hooks/useCanvasKeys.
  disableKeyboardA11y: true,
  // Only the box around the canvas takes focus: a focused connection is re-mounted when selected (it moves
  // to the selected edges' layer) and focus fell to the page body, so Delete did nothing.
  nodesFocusable: false,
  edgesFocusable: false,
  deleteKeyCode: null,
  proOptions: { hideAttribution: true },
  colorMode: 'system',
} as const;

/** The grid, the zoom buttons and the minimap of every canvas. */
export function CanvasChrome() {
  return (
    <>
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
      <MiniMapCorner />
    </>
  );
}

interface Props extends FlowGraphProps {
  fitSignal: number;
  defaultViewport: Viewport | undefined;
  onConnect(from: string, to: string): void;
  onMove(positions: Record<string, Point>): void;
  onDropLayer(className: string, at: Point, edge: EdgeRef | null): void;
  onViewport(v: Viewport): void;
}

export function Canvas(p: Props) {
  const infoByName = useMemo(() => new Map(p.state.layers.map((l) => [l.name, l])), [p.state.layers]);
  const { nodes, onNodesChange } = useFlowNodes(p, infoByName);
  const { edges, onEdgesChange, setHoverEdge } = useFlowEdges(p, infoByName);
  const box = useFitView(p.fitSignal);
  const { onDragOver, onDrop } = useLayerDrop(p.onDropLayer);

  return (
    <div className="ms-canvas" ref={box} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<LayerFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c: Connection) => c.source && c.target && p.onConnect(c.source, c.target)}
        isValidConnection={(c) => c.source !== c.target}
        onNodeDragStop={(_e, _n, dragged) => {
          const positions: Record<string, Point> = {};
          for (const n of dragged) positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
          p.onMove(positions);
        }}
        onEdgeMouseEnter={(_e, edge) => setHoverEdge(edge.id)}
        onEdgeMouseLeave={() => setHoverEdge(null)}
        onPaneClick={() => {
          p.onSelection(() => new Set());
          p.onSelectEdge(null);
        }}
        onMoveEnd={(_e, v) => p.onViewport(v)}
        defaultViewport={p.defaultViewport}
        fitView={!p.defaultViewport}
        fitViewOptions={{ padding: FIT_PADDING, minZoom: MIN_FIT_ZOOM }}
        {...FLOW_OPTIONS}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
      >
        <CanvasChrome />
      </ReactFlow>
    </div>
  );
}
