/**
 * The properties panel, generated from the layer's catalog spec: one control per config field (numbers,
 * dropdowns for enums/activations/initializers, tuples, checkboxes, JSON for the rest). A value that does
 * not validate is shown inline and never sent. Also shows input/output shapes and the parameter breakdown.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { getSpec } from '../../src/core/layers';
import type { FieldSpec } from '../../src/core/layers/spec';
import { ACTIVATIONS, lookupVocab, serializeVocab, vocab, type VocabKind } from '../../src/core/layers/vocab';
import type { Diagnostic, Json, LayerNode } from '../../src/core/types';
import { validateField } from '../../src/core/validate';
import type { LayerInfoDto } from '../../src/protocol/editor';
import { useElementEvent } from './elements';
import { formatValue, parseValue } from './fieldValue';
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

const VOCAB_TYPES: Record<string, VocabKind> = { initializer: 'initializer', regularizer: 'regularizer', constraint: 'constraint' };

function choicesFor(f: FieldSpec): string[] | undefined {
  if (f.type === 'enum') return [...(f.options ?? [])];
  if (f.type === 'activation') return [...(f.options ?? ACTIVATIONS)];
  const kind = VOCAB_TYPES[f.type];
  if (kind) return vocab(kind).map((e) => e.name);
  return undefined;
}

/** The dropdown label of a stored value; vocab objects show their snake_case name. */
function choiceOf(f: FieldSpec, v: Json | undefined): string {
  const kind = VOCAB_TYPES[f.type];
  if (kind) return v === null || v === undefined ? '' : (lookupVocab(kind, v)?.name ?? '');
  return typeof v === 'string' ? v : '';
}

function FieldRow({ field: f, value, diagnostic, onCommit }: { field: FieldSpec; value: Json | undefined; diagnostic?: Diagnostic; onCommit(v: Json | undefined): void }) {
  const current = value === undefined ? f.default : value;
  const choices = choicesFor(f);
  const [text, setText] = useState(formatValue(f, current));
  const [error, setError] = useState<string | null>(null);
  // A new value from the host (undo, another panel) replaces what is shown.
  useEffect(() => {
    setText(formatValue(f, current));
    setError(null);
  }, [JSON.stringify(current)]); // eslint-disable-line react-hooks/exhaustive-deps

  const check = (v: Json): string | null => validateField(f, v);
  const commitValue = (v: Json) => {
    const problem = check(v);
    setError(problem);
    if (!problem && JSON.stringify(v) !== JSON.stringify(current)) onCommit(v);
  };

  const input = useRef<HTMLElement & { value: string }>(null);
  const onInput = useCallback(
    (el: HTMLElement & { value: string }) => {
      setText(el.value);
      const r = parseValue(f, el.value);
      setError(r.ok ? check(r.value) : r.error);
    },
    [f], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const onChange = useCallback(
    (el: HTMLElement & { value: string }) => {
      const r = parseValue(f, el.value);
      if (!r.ok) setError(r.error);
      else commitValue(r.value);
    },
    [f, current], // eslint-disable-line react-hooks/exhaustive-deps
  );
  useElementEvent(input, 'input', onInput);
  useElementEvent(input, 'change', onChange);

  const select = useRef<HTMLElement & { value: string }>(null);
  const onSelect = useCallback(
    (el: HTMLElement & { value: string }) => {
      const kind = VOCAB_TYPES[f.type];
      if (el.value === '') commitValue(null);
      else commitValue(kind ? serializeVocab(kind, el.value) : el.value);
    },
    [f, current], // eslint-disable-line react-hooks/exhaustive-deps
  );
  useElementEvent(select, 'change', onSelect);

  const box = useRef<HTMLElement & { checked: boolean }>(null);
  const onCheck = useCallback((el: HTMLElement & { checked: boolean }) => commitValue(el.checked), [f, current]); // eslint-disable-line react-hooks/exhaustive-deps
  useElementEvent(box, 'change', onCheck);

  const shown = error ?? (diagnostic ? diagnostic.message : null);
  const label = (
    <span className="ms-field-label" title={f.doc}>
      {f.name}
    </span>
  );
  if (f.type === 'bool') {
    return (
      <div className="ms-field" title={f.doc}>
        <vscode-checkbox ref={box} checked={current === true} label={f.name} data-field={f.name} />
        {shown && <div className="ms-field-error" data-testid="field-error">{shown}</div>}
      </div>
    );
  }
  if (choices) {
    const sel = choiceOf(f, current);
    return (
      <label className="ms-field">
        {label}
        <vscode-single-select ref={select} value={sel} data-field={f.name} aria-label={f.name}>
          {(f.nullable || current === null) && <vscode-option value="">(none)</vscode-option>}
          {choices.map((c) => (
            <vscode-option key={c} value={c} selected={c === sel}>
              {c}
            </vscode-option>
          ))}
        </vscode-single-select>
        {shown && <div className="ms-field-error" data-testid="field-error">{shown}</div>}
      </label>
    );
  }
  const numeric = f.type === 'int' || f.type === 'float';
  const range = numeric && (f.min !== undefined || f.max !== undefined) ? ` (${f.min ?? '−∞'} … ${f.max ?? '∞'})` : '';
  return (
    <label className="ms-field">
      {label}
      <vscode-textfield
        ref={input}
        value={text}
        type={numeric ? 'number' : 'text'}
        min={numeric ? f.min : undefined}
        max={numeric ? f.max : undefined}
        step={f.type === 'float' ? 'any' : undefined}
        invalid={shown !== null}
        placeholder={f.nullable ? 'none' : f.type === 'ints' ? 'e.g. 3, 3' : ''}
        data-field={f.name}
        aria-label={f.name}
        title={`${f.doc}${range}`}
      />
      {shown && <div className="ms-field-error" data-testid="field-error">{shown}</div>}
    </label>
  );
}
