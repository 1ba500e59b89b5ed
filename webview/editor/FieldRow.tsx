/**
 * One config field of the properties panel, its control chosen by the field's catalog type: a checkbox for
 * booleans, a dropdown for enums, activations and initializer/regularizer/constraint names, else a text
 * field parsed as the type says. A value that does not validate is shown inline and never sent.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FieldSpec } from '../../src/core/layers/spec';
import { ACTIVATIONS, lookupVocab, serializeVocab, vocab, type VocabKind } from '../../src/core/layers/vocab';
import type { Diagnostic, Json } from '../../src/core/types';
import { validateField } from '../../src/core/validate';
import { useElementEvent } from './elements';
import { formatValue, parseValue } from './fieldValue';

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

/** The text being typed and its problem, and the element events that commit a valid value (refs for each control). */
function useFieldEditing(f: FieldSpec, current: Json | undefined, onCommit: (v: Json | undefined) => void) {
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

  return { text, error, input, select, box };
}

export function FieldRow({ field: f, value, diagnostic, onCommit }: { field: FieldSpec; value: Json | undefined; diagnostic?: Diagnostic; onCommit(v: Json | undefined): void }) {
  const current = value === undefined ? f.default : value;
  const choices = choicesFor(f);
  const { text, error, input, select, box } = useFieldEditing(f, current, onCommit);
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
