/**
 * The side panel of a read-only graph: the nodes Model Studio cannot import (op, name, reason), root causes
 * first, each a button (click or Enter selects it on the canvas), then the selected node's details.
 */
import { nodeLabel, reasonText, refusedNodes, type ViewerGraph, type ViewerNode } from '../../../src/core/viewerGraph';
import { shapeText } from '../format';
import { KvTable } from '../KvTable';

export function ViewerSide({ viewer, selected, onSelect }: { viewer: ViewerGraph; selected: string | null; onSelect(id: string): void }) {
  const refused = refusedNodes(viewer);
  const node = viewer.nodes.find((n) => n.id === selected);
  return (
    <aside className="ms-side" aria-label="Unsupported nodes">
      <section className="ms-props">
        <div className="ms-panel-title" id="ms-unsupported-title">
          {refused.length} of {viewer.nodes.length} nodes not imported
        </div>
        {viewer.graphProblems.map((p) => (
          <div key={p} className="ms-diag ms-diag-error" data-testid="graph-problem">
            <span className="codicon codicon-error" aria-hidden="true" />
            <span>{p}</span>
          </div>
        ))}
        <ul className="ms-unsupported-list" aria-labelledby="ms-unsupported-title" data-testid="unsupported-list">
          {refused.map((n) => (
            <li key={n.id}>
              <button
                className={`ms-unsupported-item${n.id === selected ? ' selected' : ''}`}
                aria-current={n.id === selected ? 'true' : undefined}
                onClick={() => onSelect(n.id)}
                data-node={n.id}
              >
                <span className={`codicon codicon-${n.state === 'unsupported' ? 'error' : 'debug-disconnect'} ms-onnx-${n.state}`} aria-hidden="true" />
                <span className="ms-unsupported-op">{n.op}</span>
                <span className="ms-unsupported-name">{n.name || '(unnamed)'}</span>
                <span className="ms-unsupported-reason">{reasonText(n)}</span>
              </button>
            </li>
          ))}
        </ul>
        {node ? <NodeDetails node={node} /> : <p className="ms-muted ms-help">Select a node in the list or on the canvas to see its inputs, outputs and attributes.</p>}
      </section>
    </aside>
  );
}

function NodeDetails({ node }: { node: ViewerNode }) {
  const rows: [string, string][] = [
    ['Operator', node.op],
    ['Name', node.name || '—'],
    ['Inputs', node.inputs.filter(Boolean).join(', ') || '—'],
    ['Outputs', node.outputs.map((o, i) => `${o} ${shapeText(node.shapes[i])}`).join(', ') || '—'],
    ['Attributes', node.attributes.join(', ') || '—'],
    ['Imported', node.state === 'ok' ? 'yes' : node.state === 'unsupported' ? 'no' : 'no, waits for a node upstream'],
  ];
  return (
    <div data-testid="node-details">
      <div className="ms-panel-title">{nodeLabel(node)}</div>
      <KvTable rows={rows} />
      {node.reason && (
        <div className={`ms-diag ms-diag-${node.state === 'unsupported' ? 'error' : 'warning'}`} data-testid="node-reason">
          <span className={`codicon codicon-${node.state === 'unsupported' ? 'error' : 'debug-disconnect'}`} aria-hidden="true" />
          <span>{node.reason}</span>
        </div>
      )}
    </div>
  );
}
