/** Why the host refused the last edit, until dismissed (or for 8 s). */
import type { Notice } from './hooks/useHostState';

export function NoticeBar({ notice, onDismiss }: { notice: Notice; onDismiss(): void }) {
  return (
    <div className="ms-notice" role="alert" data-testid="notice">
      <span className="codicon codicon-warning" /> {notice.message}
      {notice.hint && <span className="ms-muted"> — {notice.hint}</span>}
      <button className="ms-link" onClick={onDismiss} aria-label="Dismiss">
        <span className="codicon codicon-close" />
      </button>
    </div>
  );
}
