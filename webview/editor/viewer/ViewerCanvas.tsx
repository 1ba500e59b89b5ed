/**
 * The read-only graph on the editor's canvas (React Flow, elk layout, the same fit, minimap and node card
 * styles): no connecting, moving or dropping; a click selects a node, and a node selected elsewhere (the
 * side panel's list) is brought into view.
 */
import { ReactFlow, useReactFlow, type Edge } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { Point } from '../../../src/protocol/editor';
import type { ViewerGraph } from '../../../src/core/viewerGraph';
import { FIT_PADDING, MIN_FIT_ZOOM, useFitView } from '../hooks/useFitView';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type LayoutDirection } from '../layout';
import { CanvasChrome, FLOW_OPTIONS } from '../Canvas';
import { OnnxNodeView, type OnnxFlowNode } from './OnnxNodeView';
import { layoutModel, viewerCards, viewerEdges } from './viewerFlow';

const nodeTypes = { onnx: OnnxNodeView };

interface Props {
  viewer: ViewerGraph;
  direction: LayoutDirection;
  selected: string | null;
  onSelect(id: string | null): void;
  fitSignal: number;
  onLaidOut(): void;
}

export function ViewerCanvas(p: Props) {
  const [positions, setPositions] = useState<Record<string, Point> | null>(null);
  const box = useFitView(p.fitSignal);
  const rf = useReactFlow();
  useEffect(() => {
    let live = true;
    void layoutGraph(layoutModel(p.viewer), { direction: p.direction }).then((pos) => {
      if (!live) return;
      setPositions(pos);
      p.onLaidOut();
    });
    return () => {
      live = false;
    };
  }, [p.viewer, p.direction]); // eslint-disable-line react-hooks/exhaustive-deps

  const horizontal = p.direction === 'RIGHT';
  const outputs = useMemo(() => new Set(p.viewer.outputs.map((o) => o.name)), [p.viewer]);
  const nodes = useMemo((): OnnxFlowNode[] => {
    if (!positions) return [];
    return viewerCards(p.viewer).map((card) => ({
      id: card.id,
      type: 'onnx' as const,
      position: positions[card.id] ?? { x: 0, y: 0 },
      selected: p.selected === card.id,
      width: NODE_WIDTH,
      draggable: false,
      connectable: false,
      data: { card, isOutput: !!card.node?.outputs.some((o) => outputs.has(o)), horizontal },
    }));
  }, [positions, p.viewer, p.selected, outputs, horizontal]);
  const edges = useMemo(
    (): Edge[] =>
      viewerEdges(p.viewer).map((e) => ({ id: `${e.from}\u2192${e.to}\u2192${e.tensor}`, source: e.from, target: e.to, className: 'ms-edge', ariaLabel: `${e.tensor}: ${e.from} to ${e.to}`, selectable: false })),
    [p.viewer],
  );

  // A node picked in the list comes into view, centred, at a readable zoom.
  useEffect(() => {
    const at = p.selected && positions?.[p.selected];
    if (at) void rf.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, { zoom: Math.max(rf.getZoom(), MIN_FIT_ZOOM), duration: 0 });
  }, [p.selected, positions]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="ms-canvas" ref={box}>
      <ReactFlow<OnnxFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={(_e, n) => p.onSelect(n.id)}
        onPaneClick={() => p.onSelect(null)}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        fitView
        fitViewOptions={{ padding: FIT_PADDING, minZoom: MIN_FIT_ZOOM }}
        {...FLOW_OPTIONS}
      >
        <CanvasChrome />
      </ReactFlow>
    </div>
  );
}
