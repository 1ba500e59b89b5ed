/**
 * The training view's webview panel (trainingView.ts keeps one per window). It keeps no state of its own: on
 * every (re)load the page posts `ready` and the host answers with a snapshot, so it survives hide/show without
 * retainContextWhenHidden.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../webviewHtml';
import { parseTrainingToHost, type HostToTraining, type TrainingTab, type TrainingToHost } from '../../protocol/training';
import { trainingHtml } from './trainingHtml';

export const TRAINING_VIEW_TYPE = 'modelStudio.training';

export type TrainingMessageHandler = (m: TrainingToHost, panel: TrainingPanel) => void;

export class TrainingPanel implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private pendingTab: TrainingTab | undefined;

  /** Opens the panel beside the editor; `tab` is shown once the page is ready. `onDispose` runs when it closes. */
  static create(extensionUri: vscode.Uri, onMessage: TrainingMessageHandler, tab: TrainingTab | undefined, onDispose: () => void): TrainingPanel {
    const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, 'Training', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const p = new TrainingPanel(panel, extensionUri, onMessage, onDispose);
    p.pendingTab = tab;
    return p;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    onMessage: TrainingMessageHandler,
    private readonly onDispose: () => void,
  ) {
    const w = panel.webview;
    const res = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    w.html = trainingHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: res('dist', 'webview', 'training.js'),
      codiconUri: res('dist', 'webview', 'codicon.css'),
      styleUris: [res('dist', 'webview', 'training.css'), res('media', 'training.css')],
    });
    this.subs.push(
      w.onDidReceiveMessage((raw) => {
        const m = parseTrainingToHost(raw);
        if (!m) return;
        onMessage(m, this);
        if (m.type === 'ready' && this.pendingTab) {
          void this.post({ type: 'showTab', tab: this.pendingTab });
          this.pendingTab = undefined;
        }
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Brings the panel forward without taking focus; `tab` switches its tab. */
  reveal(tab?: TrainingTab): void {
    this.panel.reveal(undefined, true);
    if (tab) void this.post({ type: 'showTab', tab });
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  /** Hidden webviews drop messages; the snapshot on the next `ready` carries what they missed. */
  post(m: HostToTraining): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  dispose(): void {
    this.onDispose();
    this.subs.forEach((d) => d.dispose());
    this.subs.length = 0;
  }
}
