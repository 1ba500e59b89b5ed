/**
 * The host's graph as React Flow nodes and edges. Nodes are React Flow state (a drag moves them before the
 * host hears of it) rebuilt whenever the graph, positions, selection or renaming change; React Flow's
 * select changes go back to the App's selection. Edge ids join the two layer names with a character layer
 * names cannot contain.
 */
import { applyNodeChanges, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Diagnostic } from '../../../src/core/types';
import type { EditorState, Point } from '../../../src/protocol/editor';
import { shapeText } from '../format';
import type { LayerFlowNode } from '../LayerNodeView';
import { NODE_WIDTH } from '../layout';

export interface EdgeRef {
  from: string;
  to: string;
}

export const edgeId = (from: string, to: string) => `${from}\u2192${to}`;

export interface FlowGraphProps {
  state: EditorState;
  positions: Record<string, Point>;
  horizontal: boolean;
  selected: ReadonlySet<string>;
  selectedEdge: EdgeRef | null;
  renaming: string | null;
  onSelection(update: (prev: ReadonlySet<string>) => ReadonlySet<string>): void;
  onSelectEdge(e: EdgeRef | null): void;
  onRenameDone(from: string, to: string | null): void;
}

/** A model input's or output's place among several (1-based, Keras' order); none when there is only one. */
const order = (names: readonly string[], name: string) => (names.length > 1 && names.includes(name) ? names.indexOf(name) + 1 : undefined);

export function useFlowNodes(p: FlowGraphProps, infoByName: Map<string, EditorState['layers'][number]>) {
  const diagByLayer = useMemo(() => {
    const m = new Map<string, Diagnostic[]>();
    for (const d of p.state.diagnostics) if (d.layer) m.set(d.layer, [...(m.get(d.layer) ?? []), d]);
    return m;
  }, [p.state.diagnostics]);
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
          inputOrder: order(g.inputs, l.name),
          outputOrder: order(g.outputs, l.name),
          renaming: p.renaming === l.name,
          horizontal: p.horizontal,
          onRename: (to: string | null) => onRenameDone.current(l.name, to),
        },
      }));
  }, [p.state, p.positions, p.horizontal, p.selected, p.renaming, infoByName, diagByLayer]);

  const [nodes, setNodes] = useState<LayerFlowNode[]>(build);
  useEffect(() => setNodes(build()), [build]);

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
  return { nodes, onNodesChange };
}

/** Edges with their tensor shape as label, shown on hover (and on the selected edge) so a big graph stays readable. */
export function useFlowEdges(p: FlowGraphProps, infoByName: Map<string, EditorState['layers'][number]>) {
  const [hoverEdge, setHoverEdge] = useState<string | null>(null);
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
            label: hoverEdge === id || selected ? shape : undefined,
            labelBgPadding: [4, 2] as [number, number],
            className: 'ms-edge',
            ariaLabel: `${s} to ${l.name}, ${shape}`,
            data: { from: s, to: l.name },
          };
        }),
    );
  }, [p.state.graph, p.selectedEdge, infoByName, hoverEdge]);

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
  return { edges, onEdgesChange, setHoverEdge };
}
