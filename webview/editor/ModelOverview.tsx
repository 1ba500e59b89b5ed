/** The side panel when no single layer is selected: the model's facts, its model-wide problems and the keys. */
import type { EditorState } from '../../src/protocol/editor';
import { formatCount } from './format';
import { KvTable } from './KvTable';

export function ModelOverview({ state, selectedCount }: { state: EditorState; selectedCount: number }) {
  const modelProblems = state.diagnostics.filter((d) => !d.layer);
  const rows: [string, string | number][] = [
    ['Name', state.graph.name],
    ['Layers', state.graph.layers.length],
    ['Inputs', state.graph.inputs.join(', ') || '—'],
    ['Outputs', state.graph.outputs.join(', ') || '—'],
    ['Parameters', formatCount(state.totals.total)],
    ['Weights', state.weightCount ? `${state.weightCount} tensors in the file` : 'none (architecture only)'],
  ];
  return (
    <section className="ms-props">
      <div className="ms-panel-title">{selectedCount > 1 ? `${selectedCount} layers selected` : 'Model'}</div>
      <KvTable rows={rows} />
      {modelProblems.map((d, i) => (
        <div key={i} className={`ms-diag ms-diag-${d.severity}`} data-testid="model-diagnostic">
          <span className={`codicon codicon-${d.severity === 'error' ? 'error' : 'warning'}`} />
          <span>
            {d.message}
            {d.hint && <span className="ms-muted"> — {d.hint}</span>}
          </span>
        </div>
      ))}
      <p className="ms-muted ms-help">
        Select a layer to edit it. Tab walks the layers (Shift+Tab goes back to the palette), arrows follow connections, F2 renames,
        Delete removes a layer or a connection, / searches layers, Ctrl+C / Ctrl+V copy
        between models, Shift+drag selects a box.
      </p>
    </section>
  );
}
