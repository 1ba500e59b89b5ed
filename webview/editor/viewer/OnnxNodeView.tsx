/**
 * One card of the read-only graph: an ONNX node (op, name, key attributes, output shape) or a graph input.
 * A refused node has the theme's error border, an error icon and its reason; one that only waits for a node
 * upstream has the warning colour and a link icon: never colour alone.
 */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { nodeLabel, reasonText } from '../../../src/core/viewerGraph';
import { shapeText } from '../format';
import type { ViewerCard } from './viewerFlow';

export interface OnnxNodeData extends Record<string, unknown> {
  card: ViewerCard;
  isOutput: boolean;
  horizontal: boolean;
}

export type OnnxFlowNode = Node<OnnxNodeData, 'onnx'>;

const ICONS = { ok: 'symbol-operator', unsupported: 'error', depends: 'debug-disconnect' } as const;
const STATE_WORDS = { ok: '', unsupported: 'not supported', depends: 'waits for a node upstream' } as const;

export function OnnxNodeView({ data, selected }: NodeProps<OnnxFlowNode>) {
  const { card } = data;
  const n = card.node;
  const classes = ['ms-node', 'ms-onnx-node'];
  if (selected) classes.push('selected');
  if (data.isOutput) classes.push('is-output');
  if (n?.state === 'unsupported') classes.push('has-error');
  else if (n?.state === 'depends') classes.push('has-warning');
  const title = n
    ? [nodeLabel(n), n.attributes.join(', '), `output ${shapeText(n.shapes[0])}`, n.reason ? `${STATE_WORDS[n.state]}: ${n.reason}` : ''].filter(Boolean).join('\n')
    : `input ${card.input.name} ${shapeText(card.input.shape)}`;
  return (
    <div className={classes.join(' ')} title={title} aria-label={title} data-node={card.id} data-state={n?.state ?? 'input'}>
      <Handle type="target" position={data.horizontal ? Position.Left : Position.Top} isConnectable={false} className={n ? '' : 'ms-handle-hidden'} />
      <div className="ms-node-head">
        <span className={`codicon codicon-${n ? ICONS[n.state] : 'symbol-event'}${n && n.state !== 'ok' ? ` ms-onnx-${n.state}` : ''}`} aria-hidden="true" data-testid="node-state-icon" />
        <span className="ms-node-name">{n ? n.name || n.id : card.input.name}</span>
        {!n && <span className="ms-tag ms-tag-input">in</span>}
        {data.isOutput && <span className="ms-tag ms-tag-output">out</span>}
      </div>
      <div className="ms-node-meta">
        <span className="ms-node-type">{n ? n.op : 'Input'}</span>
      </div>
      {n && n.attributes.length > 0 && (
        <div className="ms-node-args" title={n.attributes.join(', ')}>
          {n.attributes.join(' · ')}
        </div>
      )}
      <div className="ms-node-shape">{shapeText(n ? n.shapes[0] : card.input.shape)}</div>
      {n?.reason && (
        <div className={`ms-node-problem ${n.state === 'unsupported' ? 'error' : 'warning'}`} data-testid="node-problem">
          {reasonText(n)}
        </div>
      )}
      <Handle type="source" position={data.horizontal ? Position.Right : Position.Bottom} isConnectable={false} />
    </div>
  );
}
