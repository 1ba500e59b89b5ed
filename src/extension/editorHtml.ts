/**
 * The graph editor's HTML shell, without vscode so the webview tests load the very same page. Strict CSP:
 * scripts only with the nonce, styles and fonts only from the extension's own resources, nothing remote.
 */
import { randomBytes } from 'node:crypto';

export interface EditorHtmlOptions {
  /** `webview.cspSource` (in tests, the origin the files are served from). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: readonly string[];
  title: string;
  /** Extra markup before the script, e.g. a test's stub of `acquireVsCodeApi` (must carry the nonce). */
  headExtra?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function editorHtml(o: EditorHtmlOptions): string {
  const csp = [
    `default-src 'none'`,
    `img-src ${o.cspSource} data:`,
    // Lit (vscode-elements) uses constructable stylesheets and React Flow sets element styles through the
    // CSSOM; neither needs 'unsafe-inline'.
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttr(u)}" nonce="${o.nonce}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeAttr(o.title)}</title>
    ${styles}
    ${o.headExtra ?? ''}
  </head>
  <body>
    <div id="root"></div>
    <script nonce="${o.nonce}" src="${escapeAttr(o.scriptUri)}"></script>
  </body>
</html>`;
}

/** A random nonce for one webview load. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}
