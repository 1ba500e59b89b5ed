/**
 * The training form's controls (@vscode-elements/elements; their events are read through refs). Each one
 * carries its config key in `data-field` and shows that key's problem, or its help, underneath.
 */
import { useCallback, useRef, type ReactNode, type RefObject } from 'react';
import { useElementEvent } from '../elements';

export function FieldNote({ help, error, k }: { help?: string; error?: string; k: string }) {
  if (error) {
    return (
      <div className="ms-field-error" data-testid="training-error" data-error-for={k}>
        {error}
      </div>
    );
  }
  return help ? <div className="ms-field-help">{help}</div> : null;
}

export function TextInput(p: { k: string; label: string; value: string; invalid?: boolean; numeric?: boolean; placeholder?: string; onInput(v: string): void }) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  useElementEvent(ref, 'input', useCallback((el: HTMLElement & { value: string }) => p.onInput(el.value), [p.onInput])); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <vscode-textfield
      ref={ref}
      value={p.value}
      invalid={p.invalid}
      placeholder={p.placeholder}
      data-field={p.k}
      aria-label={p.label}
      aria-invalid={p.invalid ? 'true' : undefined}
      inputMode={p.numeric ? 'decimal' : undefined}
    />
  );
}

export function Text(p: { k: string; label: string; value: string; help?: string; error?: string; numeric?: boolean; placeholder?: string; onInput(v: string): void }) {
  return (
    <label className="ms-field">
      <span className="ms-field-label">{p.label}</span>
      <TextInput k={p.k} label={p.label} value={p.value} invalid={!!p.error} numeric={p.numeric} placeholder={p.placeholder} onInput={p.onInput} />
      <FieldNote help={p.help} error={p.error} k={p.k} />
    </label>
  );
}

export function Select(p: {
  k: string;
  label: string;
  value: string;
  options: string[];
  allowNone?: string;
  help?: string;
  error?: string;
  elRef?: RefObject<HTMLElement | null>;
  onChange(v: string): void;
}) {
  const own = useRef<HTMLElement & { value: string }>(null);
  const ref = (p.elRef as RefObject<(HTMLElement & { value: string }) | null>) ?? own;
  useElementEvent(ref, 'change', useCallback((el: HTMLElement & { value: string }) => p.onChange(el.value), [p.onChange])); // eslint-disable-line react-hooks/exhaustive-deps
  const options = p.value && !p.options.includes(p.value) ? [p.value, ...p.options] : p.options;
  return (
    <label className="ms-field">
      <span className="ms-field-label">{p.label}</span>
      <vscode-single-select ref={ref} value={p.value} invalid={!!p.error} data-field={p.k} aria-label={p.label}>
        {p.allowNone !== undefined && <vscode-option value="">{p.allowNone}</vscode-option>}
        {options.map((o) => (
          <vscode-option key={o} value={o} selected={o === p.value}>
            {o}
          </vscode-option>
        ))}
      </vscode-single-select>
      <FieldNote help={p.help} error={p.error} k={p.k} />
    </label>
  );
}

export function Check(p: { k: string; label: string; checked: boolean; help?: string; error?: string; inline?: boolean; onChange(v: boolean): void }): ReactNode {
  const ref = useRef<HTMLElement & { checked: boolean }>(null);
  useElementEvent(ref, 'change', useCallback((el: HTMLElement & { checked: boolean }) => p.onChange(el.checked), [p.onChange])); // eslint-disable-line react-hooks/exhaustive-deps
  const box = <vscode-checkbox ref={ref} checked={p.checked} label={p.label} data-field={p.k} title={p.help} />;
  if (p.inline) return box;
  return (
    <div className="ms-field">
      {box}
      <FieldNote help={p.help} error={p.error} k={p.k} />
    </div>
  );
}
