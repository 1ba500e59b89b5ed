/** The training view's page: the shared webview shell; the script builds its own DOM. */
import { webviewHtml, type WebviewHtmlOptions } from '../webviewHtml';

export type TrainingHtmlOptions = Omit<WebviewHtmlOptions, 'title' | 'codiconUri'> & { title?: string; codiconUri: string };

export function trainingHtml(o: TrainingHtmlOptions): string {
  return webviewHtml({ ...o, title: o.title ?? 'Training' });
}
