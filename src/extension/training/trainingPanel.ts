/**
 * The training view panel (a WebviewPanel, one per window). It keeps no state of its own: on every (re)load
 * the page posts `ready` and the host answers with a snapshot, so it survives hide/show without
 * retainContextWhenHidden.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../webviewHtml';
import { parseTrainingToHost, type HostToTraining, type TrainingTab, type TrainingToHost } from '../../protocol/training';
import { trainingHtml } from './trainingHtml';

export const TRAINING_VIEW_TYPE = 'modelStudio.training';

export class TrainingPanel implements vscode.Disposable {
  private static current: TrainingPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private pendingTab: TrainingTab | undefined;

  static show(extensionUri: vscode.Uri, onMessage: (m: TrainingToHost, panel: TrainingPanel) => void, tab?: TrainingTab): TrainingPanel {
    const existing = TrainingPanel.current;
    if (existing) {
      existing.panel.reveal(undefined, true);
      if (tab) void existing.post({ type: 'showTab', tab });
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, 'Training', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const p = new TrainingPanel(panel, extensionUri, onMessage);
    p.pendingTab = tab;
    TrainingPanel.current = p;
    return p;
  }

  static get instance(): TrainingPanel | undefined {
    return TrainingPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    onMessage: (m: TrainingToHost, panel: TrainingPanel) => void,
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

  get visible(): boolean {
    return this.panel.visible;
  }

  /** Hidden webviews drop messages; the snapshot on the next `ready` carries what they missed. */
  post(m: HostToTraining): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    this.subs.forEach((d) => d.dispose());
    this.subs.length = 0;
  }
}
