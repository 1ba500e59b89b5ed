/**
 * One layer on the canvas: name, type, its key arguments (as Netron shows them), output shape, parameter
 * count, input/output marks, error badge.
 */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { keyArgumentsText } from '../../src/core/layers/keyArgs';
import type { Diagnostic, LayerNode } from '../../src/core/types';
import type { LayerInfoDto } from '../../src/protocol/editor';
import { categoryIcon, formatCount, shapeText } from './format';

export interface LayerNodeData extends Record<string, unknown> {
  layer: LayerNode;
  info: LayerInfoDto | undefined;
  diagnostics: Diagnostic[];
  isInput: boolean;
  isOutput: boolean;
  /** The place among several model inputs / outputs (1-based), shown on the mark; undefined when there is one. */
  inputOrder?: number;
  outputOrder?: number;
  renaming: boolean;
  /** The graph flows left to right: inputs on the left side, output on the right. */
  horizontal: boolean;
  onRename(to: string | null): void;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

export function LayerNodeView({ data, selected }: NodeProps<LayerFlowNode>) {
  const { layer, info, diagnostics } = data;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity !== 'error');
  const first = errors[0] ?? warnings[0];
  const params = info ? info.trainableParams + info.nonTrainableParams : 0;
  const isInputLayer = layer.className === 'InputLayer';
  const args = keyArgumentsText(layer);
  const classes = ['ms-node'];
  if (selected) classes.push('selected');
  if (data.isOutput) classes.push('is-output');
  if (errors.length) classes.push('has-error');
  else if (warnings.length) classes.push('has-warning');
  const title = [
    `${layer.name} (${layer.className})`,
    info ? `output ${shapeText(info.outputShape)}, ${formatCount(params)} params` : '',
    ...diagnostics.map((d) => `${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <div className={classes.join(' ')} title={title} data-layer={layer.name} aria-label={title}>
      <Handle type="target" position={data.horizontal ? Position.Left : Position.Top} isConnectable={!isInputLayer} className={isInputLayer ? 'ms-handle-hidden' : ''} />
      <div className="ms-node-head">
        <span className={`codicon codicon-${categoryIcon(layer.className)}`} aria-hidden="true" />
        {data.renaming ? (
          <RenameBox name={layer.name} onDone={data.onRename} />
        ) : (
          <span className="ms-node-name">{layer.name}</span>
        )}
        {data.isInput && (
          <span className="ms-tag ms-tag-input" title={data.inputOrder ? `Model input ${data.inputOrder}` : 'Model input'} data-testid="input-mark">
            {data.inputOrder ? `in ${data.inputOrder}` : 'in'}
          </span>
        )}
        {data.isOutput && (
          <span className="ms-tag ms-tag-output" title={data.outputOrder ? `Model output ${data.outputOrder}` : 'Model output'} data-testid="output-mark">
            {data.outputOrder ? `out ${data.outputOrder}` : 'out'}
          </span>
        )}
        {first && (
          <span className={`ms-badge ${errors.length ? 'ms-badge-error' : 'ms-badge-warning'}`} data-testid="node-badge">
            <span className={`codicon codicon-${errors.length ? 'error' : 'warning'}`} aria-hidden="true" />
            {diagnostics.length > 1 ? diagnostics.length : ''}
          </span>
        )}
      </div>
      <div className="ms-node-meta">
        <span className="ms-node-type">{layer.className}</span>
        <span className="ms-node-params">
          <span data-testid="node-params">{formatCount(params)}</span> params
        </span>
      </div>
      {args && (
        <div className="ms-node-args" data-testid="node-args" title={args}>
          {args}
        </div>
      )}
      <div className="ms-node-shape" data-testid="node-shape">{info ? shapeText(info.outputShape) : '?'}</div>
      {first && <div className={`ms-node-problem ${errors.length ? 'error' : 'warning'}`} data-testid="node-problem">{first.message}</div>}
      <Handle type="source" position={data.horizontal ? Position.Right : Position.Bottom} />
    </div>
  );
}

function RenameBox({ name, onDone }: { name: string; onDone(to: string | null): void }) {
  const [text, setText] = useState(name);
  const ref = useRef<HTMLInputElement>(null);
  // Enter, Escape and blur all end the rename; only the first may report (blur follows Enter's refocus).
  const finished = useRef(false);
  const finish = (to: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(to);
  };
  useEffect(() => {
    // React Flow hides a node whose content changed until it has measured it again, and focus() on a hidden
    // input does nothing (F2 then typing went to the canvas): try again each frame until the box has it.
    let frame = 0;
    const tryFocus = (left: number) => {
      const el = ref.current;
      if (!el || document.activeElement === el) return;
      el.focus();
      el.select();
      if (document.activeElement !== el && left > 0) frame = requestAnimationFrame(() => tryFocus(left - 1));
    };
    tryFocus(60);
    return () => cancelAnimationFrame(frame);
  }, []);
  const key = (e: KeyboardEvent<HTMLInputElement>) => {
    e.stopPropagation();
    if (e.key === 'Enter') finish(text.trim() && text.trim() !== name ? text.trim() : null);
    else if (e.key === 'Escape') finish(null);
  };
  return (
    <input
      ref={ref}
      className="ms-rename nodrag"
      aria-label="New layer name"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={key}
      onBlur={() => finish(text.trim() && text.trim() !== name ? text.trim() : null)}
    />
  );
}
