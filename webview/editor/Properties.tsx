/**
 * The properties panel, generated from the layer's catalog spec: one control per config field (numbers,
 * dropdowns for enums/activations/initializers, tuples, checkboxes, JSON for the rest). A value that does
 * not validate is shown inline and never sent. Also shows input/output shapes and the parameter breakdown.
 */
import { useCallback, useRef } from 'react';
import { getSpec } from '../../src/core/layers';
import type { FieldSpec } from '../../src/core/layers/spec';
import type { Diagnostic, Json, LayerNode } from '../../src/core/types';
import type { LayerInfoDto } from '../../src/protocol/editor';
import { useElementEvent } from './elements';
import { FieldRow } from './FieldRow';
import { formatCount, shapeText } from './format';

interface Props {
  layer: LayerNode;
  info: LayerInfoDto | undefined;
  diagnostics: Diagnostic[];
  isOutput: boolean;
  onSetField(field: string, value: Json | undefined): void;
  onRename(to: string): void;
  onSetOutput(output: boolean): void;
}

export function Properties(p: Props) {
  const spec = getSpec(p.layer.className);
  const fields = spec?.fields ?? [];
  const basic = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  const params = p.info ? p.info.trainableParams + p.info.nonTrainableParams : 0;
  const row = (f: FieldSpec) => (
    <FieldRow
      key={`${p.layer.name}:${f.name}`}
      field={f}
      value={p.layer.config[f.name]}
      diagnostic={p.diagnostics.find((d) => d.field === f.name)}
      onCommit={(v) => p.onSetField(f.name, v)}
    />
  );
  return (
    <section className="ms-props" aria-label={`Properties of ${p.layer.name}`}>
      <div className="ms-panel-title">
        {p.layer.className}
        {spec && <span className="ms-muted"> — {spec.doc}</span>}
      </div>
      <NameRow name={p.layer.name} onRename={p.onRename} />
      <OutputRow checked={p.isOutput} onChange={p.onSetOutput} />
      {p.diagnostics.map((d, i) => (
        <div key={i} className={`ms-diag ms-diag-${d.severity}`} data-testid="props-diagnostic">
          <span className={`codicon codicon-${d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info'}`} />
          <span>
            {d.message}
            {d.hint && <span className="ms-muted"> — {d.hint}</span>}
          </span>
        </div>
      ))}
      {!spec && <div className="ms-diag ms-diag-warning">Unknown layer type: its config is kept as read.</div>}
      {basic.map(row)}
      {advanced.length > 0 && (
        <vscode-collapsible title="Advanced" class="ms-advanced">
          <div className="ms-advanced-body">{advanced.map(row)}</div>
        </vscode-collapsible>
      )}
      <div className="ms-panel-subtitle">Shapes</div>
      <table className="ms-kv">
        <tbody>
          {(p.info?.inputShapes ?? []).map((s, i) => (
            <tr key={i}>
              <th>Input{p.info && p.info.inputShapes.length > 1 ? ` ${i + 1}` : ''}</th>
              <td>{shapeText(s)}</td>
            </tr>
          ))}
          <tr>
            <th>Output</th>
            <td data-testid="props-output-shape">{shapeText(p.info?.outputShape)}</td>
          </tr>
        </tbody>
      </table>
      <div className="ms-panel-subtitle">
        Parameters <span data-testid="props-params">{formatCount(params)}</span>
      </div>
      {p.info && p.info.weights.length > 0 && (
        <table className="ms-weights">
          <thead>
            <tr>
              <th>Weight</th>
              <th>Shape</th>
              <th>Count</th>
            </tr>
          </thead>
          <tbody>
            {p.info.weights.map((w) => (
              <tr key={w.name} className={w.trainable ? '' : 'ms-muted'}>
                <td>
                  {w.name}
                  {!w.trainable && ' (non-trainable)'}
                </td>
                <td>({w.shape.join(', ')})</td>
                <td>{formatCount(w.shape.reduce((a, b) => a * b, 1))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NameRow({ name, onRename }: { name: string; onRename(to: string): void }) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  useElementEvent(
    ref,
    'change',
    useCallback((el: HTMLElement & { value: string }) => {
      const to = el.value.trim();
      if (to && to !== name) onRename(to);
    }, [name, onRename]),
  );
  return (
    <label className="ms-field">
      <span className="ms-field-label">name</span>
      <vscode-textfield ref={ref} value={name} data-field="name" aria-label="Layer name" />
    </label>
  );
}

function OutputRow({ checked, onChange }: { checked: boolean; onChange(v: boolean): void }) {
  const ref = useRef<HTMLElement & { checked: boolean }>(null);
  useElementEvent(ref, 'change', useCallback((el: HTMLElement & { checked: boolean }) => onChange(el.checked), [onChange]));
  return (
    <div className="ms-field">
      <vscode-checkbox ref={ref} checked={checked} label="Model output" data-field="__output" />
    </div>
  );
}
