/** Dropping a palette layer on the canvas: where (centred under the pointer) and on which connection, if any. */
import { useReactFlow } from '@xyflow/react';
import type { DragEvent } from 'react';
import type { Point } from '../../../src/protocol/editor';
import { NODE_HEIGHT, NODE_WIDTH } from '../layout';
import { LAYER_DRAG_TYPE } from '../Palette';
import type { EdgeRef } from './useFlowGraph';

function edgeAt(clientX: number, clientY: number): EdgeRef | null {
  for (const el of document.elementsFromPoint(clientX, clientY)) {
    const e = el.closest('.react-flow__edge');
    const id = e?.getAttribute('data-id');
    if (id && id.includes('\u2192')) {
      const [from, to] = id.split('\u2192');
      return { from, to };
    }
  }
  return null;
}

export function useLayerDrop(onDropLayer: (className: string, at: Point, edge: EdgeRef | null) => void) {
  const rf = useReactFlow();
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
    onDropLayer(className, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - NODE_HEIGHT / 2) }, edgeAt(e.clientX, e.clientY));
  };
  return { onDragOver, onDrop };
}
