/** Keras `model.summary()` as a table (layer (type), output shape, params, connected to) with totals. */
import type { EditorState } from '../../src/protocol/editor';
import { formatCount, shapeText } from './format';

export function SummaryView({ state, onSelect }: { state: EditorState; onSelect(name: string): void }) {
  const byName = new Map(state.graph.layers.map((l) => [l.name, l]));
  const inputs = new Set(state.graph.inputs);
  const outputs = new Set(state.graph.outputs);
  return (
    <section className="ms-summary" aria-label="Model summary">
      <div className="ms-panel-title">
        Model: "{state.graph.name}" <span className="ms-muted">({state.graph.kind})</span>
      </div>
      <table className="ms-summary-table" data-testid="summary-table">
        <thead>
          <tr>
            <th>Layer (type)</th>
            <th>Output Shape</th>
            <th className="num">Param #</th>
            <th>Connected to</th>
          </tr>
        </thead>
        <tbody>
          {state.layers.map((info) => {
            const l = byName.get(info.name);
            const params = info.trainableParams + info.nonTrainableParams;
            return (
              <tr key={info.name} onClick={() => onSelect(info.name)} data-layer={info.name}>
                <td>
                  {info.name} ({info.className})
                  {inputs.has(info.name) && <span className="ms-tag ms-tag-input">input</span>}
                  {outputs.has(info.name) && <span className="ms-tag ms-tag-output">output</span>}
                </td>
                <td>{shapeText(info.outputShape)}</td>
                <td className="num">{formatCount(params)}</td>
                <td>{l?.inbound.join(', ') ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="ms-totals" data-testid="summary-totals">
        <div>
          Total params: <b data-testid="total-params">{formatCount(state.totals.total)}</b>
        </div>
        <div>Trainable params: {formatCount(state.totals.trainable)}</div>
        <div>Non-trainable params: {formatCount(state.totals.nonTrainable)}</div>
      </div>
    </section>
  );
}
