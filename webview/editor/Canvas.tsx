/**
 * The graph canvas (React Flow). Renders the host's graph at the given positions; user gestures become
 * edit intents (connect, move, drop a layer, insert on an edge) handed to the App, which posts them.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type Viewport,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { Diagnostic } from '../../src/core/types';
import type { EditorState, Point } from '../../src/protocol/editor';
import { shapeText } from './format';
import { LayerNodeView, type LayerFlowNode } from './LayerNodeView';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { LAYER_DRAG_TYPE } from './Palette';

export interface EdgeRef {
  from: string;
  to: string;
}

/** Edge ids join the two layer names with a character layer names cannot contain. */
export const edgeId = (from: string, to: string) => `${from}\u2192${to}`;

const nodeTypes = { layer: LayerNodeView };

interface Props {
  state: EditorState;
  positions: Record<string, Point>;
  selected: ReadonlySet<string>;
  selectedEdge: EdgeRef | null;
  renaming: string | null;
  fitSignal: number;
  defaultViewport: Viewport | undefined;
  onSelection(update: (prev: ReadonlySet<string>) => ReadonlySet<string>): void;
  onSelectEdge(e: EdgeRef | null): void;
  onRenameDone(from: string, to: string | null): void;
  onConnect(from: string, to: string): void;
  onMove(positions: Record<string, Point>): void;
  onDropLayer(className: string, at: Point, edge: EdgeRef | null): void;
  onViewport(v: Viewport): void;
}

export function Canvas(p: Props) {
  const rf = useReactFlow();
  const diagByLayer = useMemo(() => {
    const m = new Map<string, Diagnostic[]>();
    for (const d of p.state.diagnostics) if (d.layer) m.set(d.layer, [...(m.get(d.layer) ?? []), d]);
    return m;
  }, [p.state.diagnostics]);
  const infoByName = useMemo(() => new Map(p.state.layers.map((l) => [l.name, l])), [p.state.layers]);
  const [hoverEdge, setHoverEdge] = useState<string | null>(null);
  const onRenameDone = useRef(p.onRenameDone);
  onRenameDone.current = p.onRenameDone;

  const build = useCallback((): LayerFlowNode[] => {
    const g = p.state.graph;
    const inputs = new Set(g.inputs);
    const outputs = new Set(g.outputs);
    return g.layers
      .filter((l) => p.positions[l.name])
      .map((l) => ({
        id: l.name,
        type: 'layer' as const,
        position: p.positions[l.name],
        selected: p.selected.has(l.name),
        width: NODE_WIDTH,
        data: {
          layer: l,
          info: infoByName.get(l.name),
          diagnostics: diagByLayer.get(l.name) ?? [],
          isInput: inputs.has(l.name),
          isOutput: outputs.has(l.name),
          renaming: p.renaming === l.name,
          onRename: (to: string | null) => onRenameDone.current(l.name, to),
        },
      }));
  }, [p.state, p.positions, p.selected, p.renaming, infoByName, diagByLayer]);

  const [nodes, setNodes] = useState<LayerFlowNode[]>(build);
  useEffect(() => setNodes(build()), [build]);

  const edges = useMemo((): Edge[] => {
    const names = new Set(p.state.graph.layers.map((l) => l.name));
    return p.state.graph.layers.flatMap((l) =>
      l.inbound
        .filter((s) => names.has(s))
        .map((s) => {
          const id = edgeId(s, l.name);
          const selected = p.selectedEdge?.from === s && p.selectedEdge.to === l.name;
          const shape = shapeText(infoByName.get(s)?.outputShape);
          return {
            id,
            source: s,
            target: l.name,
            selected,
            // Shapes show on hover (and on the selected edge), so a big graph stays readable.
            label: hoverEdge === id || selected ? shape : undefined,
            labelBgPadding: [4, 2] as [number, number],
            className: 'ms-edge',
            ariaLabel: `${s} to ${l.name}, ${shape}`,
            data: { from: s, to: l.name },
          };
        }),
    );
  }, [p.state.graph, p.selectedEdge, infoByName, hoverEdge]);

  const onNodesChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      const select = changes.filter((c) => c.type === 'select');
      const rest = changes.filter((c) => c.type !== 'select' && c.type !== 'remove');
      if (rest.length) setNodes((ns) => applyNodeChanges(rest, ns));
      if (select.length) {
        p.onSelection((prev) => {
          const next = new Set(prev);
          for (const c of select) if (c.type === 'select') (c.selected ? next.add(c.id) : next.delete(c.id));
          return next;
        });
        if (select.some((c) => c.type === 'select' && c.selected)) p.onSelectEdge(null);
      }
    },
    [p.onSelection, p.onSelectEdge], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      for (const c of changes) {
        if (c.type !== 'select') continue;
        const [from, to] = c.id.split('\u2192');
        if (c.selected) p.onSelectEdge({ from, to });
        else if (p.selectedEdge && edgeId(p.selectedEdge.from, p.selectedEdge.to) === c.id) p.onSelectEdge(null);
      }
    },
    [p.onSelectEdge, p.selectedEdge], // eslint-disable-line react-hooks/exhaustive-deps
  );

  useEffect(() => {
    if (p.fitSignal > 0) void rf.fitView({ padding: 0.15, duration: 0 });
  }, [p.fitSignal]); // eslint-disable-line react-hooks/exhaustive-deps

  // When the editor is resized a lot (the training view opens beside it, a split closes), the old viewport
  // no longer fits: fit the graph again. Small resizes keep the user's zoom and pan.
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

  const edgeAt = (clientX: number, clientY: number): EdgeRef | null => {
    for (const el of document.elementsFromPoint(clientX, clientY)) {
      const e = el.closest('.react-flow__edge');
      const id = e?.getAttribute('data-id');
      if (id && id.includes('\u2192')) {
        const [from, to] = id.split('\u2192');
        return { from, to };
      }
    }
    return null;
  };

  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer.types.includes(LAYER_DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  };
  const onDrop = (e: DragEvent) => {
    const className = e.dataTransfer.getData(LAYER_DRAG_TYPE);
    if (!className) return;
    e.preventDefault();
    const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    p.onDropLayer(className, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - NODE_HEIGHT / 2) }, edgeAt(e.clientX, e.clientY));
  };

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
        fitViewOptions={{ padding: 0.15 }}
        minZoom={0.05}
        maxZoom={2}
        // Keyboard is ours (Tab through layers, arrows follow connections, Delete, F2); see App.
        disableKeyboardA11y
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
        proOptions={{ hideAttribution: true }}
        colorMode="system"
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable nodeStrokeWidth={2} className="ms-minimap" />
      </ReactFlow>
    </div>
  );
}
