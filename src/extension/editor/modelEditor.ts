/**
 * The graph editor: a CustomEditorProvider for `modelStudio.modelEditor`. Each panel is a view of its
 * ModelDocument: it is sent the full state after every change (so two panels on one file stay in sync) and
 * posts edit intents back, which the document applies. The Problems panel gets the same diagnostics. The
 * EditorRegistry it is given (extension.ts) records which panels show which document and the active one.
 */
import * as vscode from 'vscode';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { UserError } from '../../core/types';
import { viewerDiagnostics } from '../../core/viewerGraph';
import { parseClipboardText, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../protocol/editor';
import { registryIo, type ModelIo } from '../editing/modelIo';
import { errorText } from '../errors';
import { editorHtml, makeNonce } from './editorHtml';
import { ModelDiagnostics } from './diagnostics';
import { EditorRegistry, MODEL_EDITOR_VIEW_TYPE } from './editorRegistry';
import { ModelDocument } from './modelDocument';
import { trainingSpeedMessage } from './trainingSpeed';

/** What the editor's webview asks of the rest of the extension. */
export interface EditorActions {
  /** The Train button: train this model (the Train command). */
  train(uri: vscode.Uri): Promise<void>;
}

class ModelEditorProvider implements vscode.CustomEditorProvider<ModelDocument> {
  private readonly _onDidChangeCustomDocument = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<ModelDocument>>();
  readonly onDidChangeCustomDocument = this._onDidChangeCustomDocument.event;
  private ioPromise: Promise<ModelIo> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly diagnostics: ModelDiagnostics,
    private readonly editors: EditorRegistry,
    private readonly actions: EditorActions,
  ) {}

  private io(): Promise<ModelIo> {
    this.ioPromise ??= registryIo();
    return this.ioPromise;
  }

  async openCustomDocument(
    uri: vscode.Uri,
    openContext: vscode.CustomDocumentOpenContext,
    _token: vscode.CancellationToken,
  ): Promise<ModelDocument> {
    const doc = await ModelDocument.open(uri, openContext.backupId, await this.io());
    doc.onDidChangeDocument((e) => this._onDidChangeCustomDocument.fire(e));
    doc.onDidChangeState(() => this.publish(doc));
    doc.onDidDispose(() => {
      this.diagnostics.delete(uri);
      this.editors.removeDocument(doc);
    });
    await this.diagnostics.refreshText(uri);
    this.publishDiagnostics(doc);
    return doc;
  }

  async resolveCustomEditor(doc: ModelDocument, panel: vscode.WebviewPanel, _token: vscode.CancellationToken): Promise<void> {
    const distWebview = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [distWebview] };
    const res = (f: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(distWebview, f)).toString();
    panel.webview.html = editorHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: res('editor.js'),
      styleUris: [res('codicon.css'), res('editor.css')],
      title: doc.fileName,
    });
    this.editors.addPanel(doc, panel);
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const msg = parseWebviewMessage(raw);
      if (msg) void this.onMessage(doc, panel, msg);
    });
  }

  private async onMessage(doc: ModelDocument, panel: vscode.WebviewPanel, msg: WebviewMessage): Promise<void> {
    const reject = (e: unknown) => {
      const { message, hint } = errorText(e);
      void post(panel, { type: 'editRejected', message, hint });
    };
    switch (msg.type) {
      case 'ready':
        void post(panel, this.stateMessage(doc));
        {
          const pending = this.editors.takePending(doc);
          if (pending) void post(panel, pending);
        }
        const speed = trainingSpeedMessage(doc);
        if (speed) void post(panel, speed);
        return;
      case 'browseDataset': {
        const folder = msg.kind === 'images';
        const picked = await vscode.window.showOpenDialog({
          title: folder ? 'Image folder (one sub-folder per class)' : `Dataset file (${msg.kind})`,
          defaultUri: vscode.Uri.file(dirname(doc.uri.fsPath)),
          canSelectFiles: !folder,
          canSelectFolders: folder,
          canSelectMany: msg.kind === 'npy',
          filters: folder ? undefined : DATASET_FILTERS[msg.kind],
        });
        if (!picked?.length) return;
        // Relative to the model's folder, which is where a run resolves data paths (the file can move with its data).
        const paths = picked.map((u) => datasetPath(doc.uri.fsPath, u.fsPath));
        void post(panel, { type: 'datasetPicked', kind: msg.kind, path: paths.join(',') });
        return;
      }
      case 'train':
        await this.actions.train(doc.uri);
        return;
      case 'edit':
        try {
          doc.applyEdit(msg.edit);
        } catch (e) {
          reject(e);
        }
        return;
      case 'copy':
        if (doc.model && msg.names.length > 0) {
          await vscode.env.clipboard.writeText(JSON.stringify(doc.model.copyPayload(msg.names)));
        }
        return;
      case 'paste': {
        const payload = parseClipboardText(await vscode.env.clipboard.readText());
        if (!payload) {
          reject(new UserError('The clipboard holds no Model Studio layers', 'copy layers in a Model Studio editor first'));
          return;
        }
        try {
          doc.applyEdit({ op: 'paste', payload, at: msg.at });
        } catch (e) {
          reject(e);
        }
        return;
      }
      case 'openAsText':
        await vscode.commands.executeCommand('vscode.openWith', doc.uri, 'default');
        return;
      case 'retry':
        await doc.load();
        await this.diagnostics.refreshText(doc.uri);
        return;
    }
  }

  private stateMessage(doc: ModelDocument): HostMessage {
    if (!doc.model) {
      const err = doc.loadError ?? { message: 'The model is not loaded' };
      if (err.viewer) return { type: 'viewer', fileName: doc.fileName, message: err.message, hint: err.hint, viewer: err.viewer };
      return { type: 'loadError', fileName: doc.fileName, message: err.message, hint: err.hint };
    }
    return { type: 'state', state: doc.model.state(doc.fileName) };
  }

  /** Sends the state to every panel of `doc` and refreshes its Problems entries. */
  private publish(doc: ModelDocument): void {
    const msg = this.stateMessage(doc);
    for (const p of this.editors.panelsOf(doc)) void post(p, msg);
    this.editors.refreshContext();
    this.publishDiagnostics(doc);
  }

  private publishDiagnostics(doc: ModelDocument): void {
    if (doc.model) this.diagnostics.set(doc.uri, doc.model.analysis().diagnostics);
    else if (doc.loadError?.viewer) this.diagnostics.set(doc.uri, viewerDiagnostics(doc.loadError.viewer));
    else if (doc.loadError) {
      this.diagnostics.set(doc.uri, [{ severity: 'error', code: 'load-failed', message: doc.loadError.message, hint: doc.loadError.hint }]);
    }
  }

  /**
   * Save writes host state; the panels then get the saved (clean) state from that same host state, without
   * reading the file back. Only the Problems panel's line positions come from the written JSON text, read after.
   */
  async saveCustomDocument(doc: ModelDocument, token: vscode.CancellationToken): Promise<void> {
    await doc.save(token);
    this.publish(doc);
    await this.diagnostics.refreshText(doc.uri);
    this.publishDiagnostics(doc);
  }

  saveCustomDocumentAs(doc: ModelDocument, target: vscode.Uri, token: vscode.CancellationToken): Thenable<void> {
    return doc.saveAs(target, token);
  }

  revertCustomDocument(doc: ModelDocument, token: vscode.CancellationToken): Thenable<void> {
    return doc.revert(token);
  }

  backupCustomDocument(
    doc: ModelDocument,
    context: vscode.CustomDocumentBackupContext,
    token: vscode.CancellationToken,
  ): Thenable<vscode.CustomDocumentBackup> {
    return doc.backup(context.destination, token);
  }
}

const DATASET_FILTERS: Record<string, Record<string, string[]>> = {
  csv: { CSV: ['csv', 'tsv', 'txt'] },
  npz: { 'NumPy archive': ['npz'] },
  npy: { 'NumPy arrays (X and Y)': ['npy'] },
  text: { Text: ['txt', 'md', 'csv'], 'All files': ['*'] },
};

/** A dataset path as the data spec writes it: relative to the model's folder when inside it, with `/`. */
export function datasetPath(modelPath: string, picked: string): string {
  const rel = relative(dirname(modelPath), picked);
  const usable = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return (usable ? rel : picked).split(sep).join('/');
}

function post(panel: vscode.WebviewPanel, msg: HostMessage): Thenable<boolean> {
  return panel.webview.postMessage(msg);
}

export function registerModelEditor(context: vscode.ExtensionContext, editors: EditorRegistry, actions: EditorActions): vscode.Disposable[] {
  const diagnostics = new ModelDiagnostics();
  const p = new ModelEditorProvider(context, diagnostics, editors, actions);
  return [
    diagnostics,
    vscode.window.registerCustomEditorProvider(MODEL_EDITOR_VIEW_TYPE, p, {
      // State lives in the host and is re-sent on `ready`, so hidden panels need not be kept alive.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
  ];
}
