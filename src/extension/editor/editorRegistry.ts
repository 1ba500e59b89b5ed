/**
 * Which model documents are open in the graph editor, in which panels, and which one the user last focused.
 * One instance, made in extension.ts and handed to the editor provider and to the commands.
 */
import * as vscode from 'vscode';
import type { HostMessage } from '../../protocol/editor';
import type { ModelDocument } from './modelDocument';

export const MODEL_EDITOR_VIEW_TYPE = 'modelStudio.modelEditor';

export class EditorRegistry {
  private readonly panels = new Map<ModelDocument, Set<vscode.WebviewPanel>>();
  private active: { doc: ModelDocument; panel: vscode.WebviewPanel } | undefined;
  /** Messages for the next panel of a document once its webview is ready (Configure Training, a Problems link). */
  private readonly pending = new Map<string, HostMessage>();

  /** A panel now shows `doc`; it becomes the active one. */
  addPanel(doc: ModelDocument, panel: vscode.WebviewPanel): void {
    let set = this.panels.get(doc);
    if (!set) this.panels.set(doc, (set = new Set()));
    set.add(panel);
    this.active = { doc, panel };
    this.refreshContext();
    panel.onDidChangeViewState(() => {
      if (panel.active) this.active = { doc, panel };
      this.refreshContext();
    });
    panel.onDidDispose(() => {
      set?.delete(panel);
      if (this.active?.panel === panel) this.active = undefined;
      this.refreshContext();
    });
  }

  /**
   * The `modelStudio.modelFailed` context key: the active editor shows a file that did not open (its error
   * view), so the title bar and the palette do not offer Export for it. Called again when a document (re)loads.
   */
  refreshContext(): void {
    void vscode.commands.executeCommand('setContext', 'modelStudio.modelFailed', this.active !== undefined && !this.active.doc.model);
  }

  removeDocument(doc: ModelDocument): void {
    this.panels.delete(doc);
  }

  panelsOf(doc: ModelDocument): Iterable<vscode.WebviewPanel> {
    return this.panels.get(doc) ?? [];
  }

  /** The open document of `uri`, if an editor shows it. */
  documentFor(uri: vscode.Uri): ModelDocument | undefined {
    const key = uri.toString();
    for (const doc of this.panels.keys()) if (doc.uri.toString() === key) return doc;
    return undefined;
  }

  /** Sends `msg` to the panel last focused ("Re-layout Graph", "Show Model Summary"); false when none is open. */
  postToActive(msg: HostMessage): boolean {
    if (!this.active) return false;
    void this.active.panel.webview.postMessage(msg);
    return true;
  }

  /**
   * The model file a command acts on: the URI a title-bar/context-menu command passes, else the model of the
   * active Model Studio editor tab (of the active group first, then of any group).
   */
  activeModelUri(arg?: unknown): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) return arg;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    if (tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === MODEL_EDITOR_VIEW_TYPE) return tab.input.uri;
    for (const g of vscode.window.tabGroups.all) {
      const t = g.activeTab;
      if (t?.input instanceof vscode.TabInputCustom && t.input.viewType === MODEL_EDITOR_VIEW_TYPE) return t.input.uri;
    }
    return undefined;
  }

  /** Reveals an editor of `uri` and its Training panel, opening the model in the editor when none shows it. */
  focusTraining(uri: vscode.Uri): Promise<void> {
    return this.showInEditor(uri, { type: 'showTraining' });
  }

  /** Reveals an editor of `uri` with `layer` selected (a Problems entry's link), opening one if needed. */
  revealLayer(uri: vscode.Uri, layer: string): Promise<void> {
    return this.showInEditor(uri, { type: 'revealLayer', name: layer });
  }

  private async showInEditor(uri: vscode.Uri, msg: HostMessage): Promise<void> {
    const doc = this.documentFor(uri);
    const panel = doc ? (this.active?.doc === doc ? this.active.panel : [...(this.panels.get(doc) ?? [])][0]) : undefined;
    if (panel) {
      panel.reveal(undefined, false);
      void panel.webview.postMessage(msg);
      return;
    }
    // The new panel's webview is not listening yet: it gets the message after its `ready`.
    this.pending.set(uri.toString(), msg);
    await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_EDITOR_VIEW_TYPE);
  }

  /** Once, for a document that a command opened: what its ready panel should be sent. */
  takePending(doc: ModelDocument): HostMessage | undefined {
    const msg = this.pending.get(doc.uri.toString());
    this.pending.delete(doc.uri.toString());
    return msg;
  }
}
