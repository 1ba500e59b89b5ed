/**
 * The custom editor's document: wraps EditableModel (the vscode-free logic) and speaks VS Code's
 * CustomDocument protocol. Every applied edit becomes one CustomDocumentEditEvent whose undo/redo restore
 * the graph snapshots before/after it. Save, Save As, Revert and backups use host state only.
 */
import * as vscode from 'vscode';
import { UserError } from '../../core/types';
import { viewerGraphOf, type ViewerGraph } from '../../core/viewerGraph';
import { EditableModel } from '../editing/editableModel';
import type { ModelIo } from '../editing/modelIo';
import type { AppliedEdit, DocumentEdit } from '../editing/snapshot';
import { errorText } from '../errors';

export interface LoadError {
  message: string;
  hint?: string;
  /** A refused graph that can still be shown, read-only (an ONNX file with operators no Keras layer computes). */
  viewer?: ViewerGraph;
}

export class ModelDocument implements vscode.CustomDocument {
  /** Undefined while the file fails to load (the editor then shows the error view). */
  model: EditableModel | undefined;
  loadError: LoadError | undefined;

  private readonly _onDidChangeDocument = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<ModelDocument>>();
  /** For VS Code: one event per undoable edit. */
  readonly onDidChangeDocument = this._onDidChangeDocument.event;
  private readonly _onDidChangeState = new vscode.EventEmitter<void>();
  /** For the panels: the model (or the load error) changed; re-render. */
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  readonly onDidDispose = this._onDidDispose.event;
  private modelListener: { dispose(): void } | undefined;

  private constructor(
    readonly uri: vscode.Uri,
    private readonly io: ModelIo,
  ) {}

  static async open(uri: vscode.Uri, backupId: string | undefined, io: ModelIo): Promise<ModelDocument> {
    const doc = new ModelDocument(uri, io);
    if (backupId) {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.parse(backupId));
        doc.setModel(EditableModel.fromBackup(bytes));
        return doc;
      } catch {
        // A backup that cannot be read falls back to the file on disk.
      }
    }
    await doc.load();
    return doc;
  }

  get fileName(): string {
    return this.uri.path.split('/').pop() ?? this.uri.path;
  }

  /** (Re)reads the file from disk; on failure keeps the error for the error view. */
  async load(): Promise<void> {
    try {
      const file = await this.io.read(this.uri.fsPath);
      if (this.model) this.model.reset(file);
      else this.setModel(new EditableModel(file));
      this.loadError = undefined;
    } catch (e) {
      const { message, hint } = errorText(e);
      this.loadError = {
        message,
        hint: hint ?? 'The file may be damaged or in a format Model Studio does not read. Open it as text to look inside.',
        viewer: viewerGraphOf(e),
      };
    }
    this._onDidChangeState.fire();
  }

  private setModel(model: EditableModel): void {
    this.modelListener?.dispose();
    this.model = model;
    this.modelListener = model.onDidChange(() => this._onDidChangeState.fire());
  }

  /**
   * Applies an edit (a webview's intent, a training configuration, a run's weights) and reports it to VS Code
   * as one undoable edit, so Undo, the dirty dot, Save, Revert and backups cover it. Throws UserError (and
   * changes nothing) when it cannot apply.
   */
  applyEdit(intent: DocumentEdit): AppliedEdit {
    const model = this.model;
    if (!model) throw new Error('the model is not loaded');
    // A layout joining the edit before it: VS Code already holds that edit, whose redo reads its `after`.
    if (intent.op === 'relayout' && intent.amend !== undefined) return model.apply(intent);
    const edit = model.apply(intent);
    this._onDidChangeDocument.fire({
      document: this,
      label: edit.label,
      undo: () => model.restore(edit.before),
      redo: () => model.restore(edit.after),
    });
    return edit;
  }

  async save(_cancellation: vscode.CancellationToken): Promise<void> {
    if (!this.model) return;
    await this.model.saveTo(this.io, this.uri.fsPath, this.model.sourceFormat);
  }

  async saveAs(target: vscode.Uri, _cancellation: vscode.CancellationToken): Promise<void> {
    // Nothing was imported, so there is nothing to write in another format (VS Code shows this refusal).
    if (!this.model) throw new UserError(`${this.fileName} is open read-only, so there is nothing to save as another file: ${this.loadError?.message ?? 'the model is not loaded'}`);
    // VS Code then opens `target` in place of this document; the registry picks the format by file name.
    await this.model.saveTo(this.io, target.fsPath);
  }

  async revert(_cancellation: vscode.CancellationToken): Promise<void> {
    await this.load();
  }

  async backup(destination: vscode.Uri, _cancellation: vscode.CancellationToken): Promise<vscode.CustomDocumentBackup> {
    if (this.model) {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(destination, '..'));
      await vscode.workspace.fs.writeFile(destination, this.model.backupBytes());
    }
    return {
      id: destination.toString(),
      delete: async () => {
        try {
          await vscode.workspace.fs.delete(destination);
        } catch {
          // Already gone.
        }
      },
    };
  }

  dispose(): void {
    this._onDidDispose.fire();
    this.modelListener?.dispose();
    this._onDidChangeDocument.dispose();
    this._onDidChangeState.dispose();
    this._onDidDispose.dispose();
  }
}
