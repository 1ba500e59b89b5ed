/**
 * The HTML shell shared by our webviews (graph editor, training view), without vscode so the webview tests
 * load the very same page. Strict CSP: scripts only with the nonce; styles, fonts and images only from the
 * extension's own resources (charts export PNGs as data: URLs made in the page); nothing remote.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` (in tests, the origin the files are served from). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: readonly string[];
  title: string;
  /** codicon.css, linked with the id vscode-elements looks for to draw its icons. */
  codiconUri?: string;
  /** Markup the script mounts into, e.g. `<div id="root"></div>`. */
  body?: string;
  /** Extra markup before the script, e.g. a test's stub of `acquireVsCodeApi` (must carry the nonce). */
  headExtra?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function webviewHtml(o: WebviewHtmlOptions): string {
  const csp = [
    `default-src 'none'`,
    `img-src ${o.cspSource} data:`,
    // Lit (vscode-elements) uses constructable stylesheets; React Flow and uPlot set element styles through
    // the CSSOM; none of them needs 'unsafe-inline'.
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const link = (u: string, id?: string) => `<link rel="stylesheet" href="${escapeAttr(u)}" nonce="${o.nonce}"${id ? ` id="${id}"` : ''}>`;
  const styles = [...(o.codiconUri ? [link(o.codiconUri, 'vscode-codicon-stylesheet')] : []), ...o.styleUris.map((u) => link(u))];
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeAttr(o.title)}</title>
    ${styles.join('\n    ')}
    ${o.headExtra ?? ''}
  </head>
  <body>
    ${o.body ?? ''}
    <script nonce="${o.nonce}" src="${escapeAttr(o.scriptUri)}"></script>
  </body>
</html>`;
}

/** A random nonce for one webview load. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}
