/** The graph editor's page: the shared webview shell with the React root. */
import { webviewHtml, type WebviewHtmlOptions } from '../webviewHtml';

export { makeNonce } from '../webviewHtml';

export type EditorHtmlOptions = Omit<WebviewHtmlOptions, 'body'>;

export function editorHtml(o: EditorHtmlOptions): string {
  return webviewHtml({ ...o, body: '<div id="root"></div>' });
}
