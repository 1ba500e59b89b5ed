/**
 * The training view's HTML shell, without vscode so the webview tests load the very same page. Strict CSP:
 * scripts only with the nonce; styles, fonts and images only from the extension's own resources (charts
 * export PNGs as data: URLs made in the page); nothing remote.
 */
export interface TrainingHtmlOptions {
  /** `webview.cspSource` (in tests, the origin the files are served from). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  /** codicon.css: linked with the id vscode-elements looks for to draw its icons. */
  codiconUri: string;
  styleUris: readonly string[];
  title?: string;
  /** Extra markup before the script, e.g. a test's stub of `acquireVsCodeApi` (must carry the nonce). */
  headExtra?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function trainingHtml(o: TrainingHtmlOptions): string {
  const csp = [
    `default-src 'none'`,
    `img-src ${o.cspSource} data:`,
    // Lit (vscode-elements) uses constructable stylesheets and uPlot sets styles through the CSSOM; neither
    // needs 'unsafe-inline'.
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const link = (u: string, id?: string) => `<link rel="stylesheet" href="${escapeAttr(u)}" nonce="${o.nonce}"${id ? ` id="${id}"` : ''}>`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeAttr(o.title ?? 'Training')}</title>
    ${link(o.codiconUri, 'vscode-codicon-stylesheet')}
    ${o.styleUris.map((u) => link(u)).join('\n    ')}
    ${o.headExtra ?? ''}
  </head>
  <body>
    <script nonce="${o.nonce}" src="${escapeAttr(o.scriptUri)}"></script>
  </body>
</html>`;
}
