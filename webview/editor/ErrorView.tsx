/** Shown instead of the canvas when the file cannot be read: what went wrong, a hint, and two ways on. */
import { post } from './vscodeApi';

export function ErrorView({ fileName, message, hint }: { fileName: string; message: string; hint?: string }) {
  return (
    <main className="ms-error-view" role="alert">
      <span className="codicon codicon-error ms-error-icon" aria-hidden="true" />
      <h2>Cannot open {fileName} as a model</h2>
      <p className="ms-error-message" data-testid="load-error">{message}</p>
      {hint && <p className="ms-muted">{hint}</p>}
      <div className="ms-error-actions">
        <vscode-button onClick={() => post({ type: 'openAsText' })}>Open as Text</vscode-button>
        <vscode-button secondary onClick={() => post({ type: 'retry' })}>Retry</vscode-button>
      </div>
    </main>
  );
}
