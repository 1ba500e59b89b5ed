/** The editor's toolbar: view and selection actions, then the model's status (problems, parameters, unsaved). */
import type { EditorState } from '../../src/protocol/editor';
import { formatCount } from './format';

export interface ToolbarActions {
  fit(): void;
  relayout(): void;
  /** Lays the graph out again in the other direction (top-down / left to right). */
  toggleDirection(): void;
  toggleSummary(): void;
  copy(): void;
  paste(): void;
  duplicate(): void;
  remove(): void;
}

export function Toolbar(p: { state: EditorState; showSummary: boolean; horizontal: boolean; hasSelection: boolean; canRemove: boolean; on: ToolbarActions }) {
  const { state, on } = p;
  const errors = state.diagnostics.filter((d) => d.severity === 'error');
  const warnings = state.diagnostics.filter((d) => d.severity === 'warning');
  return (
    <header className="ms-toolbar" role="toolbar" aria-label="Editor actions">
      <ToolButton icon="screen-full" label="Fit to view" onClick={on.fit} />
      <ToolButton icon="type-hierarchy" label="Re-layout" onClick={on.relayout} />
      <ToolButton icon="arrow-right" label="Left to right" pressed={p.horizontal} onClick={on.toggleDirection} />
      <ToolButton icon="list-flat" label="Summary" pressed={p.showSummary} onClick={on.toggleSummary} />
      <span className="ms-sep" />
      <ToolButton icon="copy" label="Copy" disabled={!p.hasSelection} onClick={on.copy} />
      <ToolButton icon="clippy" label="Paste" onClick={on.paste} />
      <ToolButton icon="files" label="Duplicate" disabled={!p.hasSelection} onClick={on.duplicate} />
      <ToolButton icon="trash" label="Delete" disabled={!p.canRemove} onClick={on.remove} />
      <span className="ms-spacer" />
      <span className="ms-status" data-testid="status">
        <span className={errors.length ? 'ms-status-error' : 'ms-status-ok'} data-testid="error-count">
          <span className={`codicon codicon-${errors.length ? 'error' : 'pass'}`} /> {errors.length}
        </span>
        <span className="ms-status-warning">
          <span className="codicon codicon-warning" /> {warnings.length}
        </span>
        <span>
          {formatCount(state.totals.total)} params{state.dirty ? ' • unsaved' : ''}
        </span>
      </span>
    </header>
  );
}

/**
 * A toolbar button. One with `disabledReason` is off but stays focusable (a disabled button cannot be
 * reached, so its reason could not be read): it says why and describes itself by the element `describedBy`.
 */
export function ToolButton(p: { icon: string; label: string; onClick?(): void; disabled?: boolean; pressed?: boolean; disabledReason?: string; describedBy?: string }) {
  const off = p.disabledReason !== undefined;
  return (
    <button
      className={`ms-tool${p.pressed ? ' pressed' : ''}`}
      title={off ? `${p.label}: ${p.disabledReason}` : p.label}
      aria-label={p.label}
      aria-pressed={p.pressed}
      aria-disabled={off || undefined}
      aria-describedby={off ? p.describedBy : undefined}
      disabled={p.disabled}
      onClick={off ? undefined : p.onClick}
    >
      <span className={`codicon codicon-${p.icon}`} aria-hidden="true" />
      <span className="ms-tool-label">{p.label}</span>
    </button>
  );
}
