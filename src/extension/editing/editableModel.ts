/**
 * The model an editor edits, without vscode: the current snapshot, its edit history, dirty state, save /
 * revert / backup / restore, and the state message the editor webviews render. The vscode wrapper
 * (modelDocument.ts) turns each applied edit into one CustomDocumentEditEvent; tests drive this class directly.
 */
import type { Analysis } from '../../core/analysis';
import { cloneGraph } from '../../core/graph';
import { reconcileWeights } from '../../core/initializers';
import { trainingConfigOf, type TrainingConfig } from '../../core/training';
import type { ModelFile, ModelGraph } from '../../core/types';
import { CLIPBOARD_KIND, type ClipboardPayload, type EditorState } from '../../protocol/editor';
import { backupBytes, fileFromBackup } from './backup';
import { applyEdit } from './edits';
import { editorState, safeAnalyze } from './editorState';
import { EditHistory } from './history';
import type { ModelIo } from './modelIo';
import { snapshotOf, type AppliedEdit, type DocumentEdit, type Snapshot } from './snapshot';

export class EditableModel {
  private current: Snapshot;
  private savedId: number;
  private readonly history = new EditHistory();
  private readonly listeners = new Set<() => void>();
  private cachedAnalysis: { id: number; analysis: Analysis } | undefined;
  /** Bumped on every change; webviews ignore older states. */
  version = 0;
  private lastCreated: string[] = [];
  /** `version` right after the last applied edit: a layout can join that edit only while nothing else happened. */
  private appliedVersion = -1;
  /** Weight tensors in the file on disk (the Model panel's count): set on load and on every save. */
  private weightsOnDisk: number;

  constructor(
    file: ModelFile,
    private readonly options: { seed?: number } = {},
    /** True for a document restored from a hot-exit backup: it has unsaved changes. */
    restored = false,
  ) {
    this.current = snapshotOf(file);
    this.savedId = restored ? -1 : this.current.id;
    this.weightsOnDisk = file.weights.length;
  }

  get graph(): ModelGraph {
    return this.current.graph;
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  get isDirty(): boolean {
    return this.current.id !== this.savedId;
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
  }

  /** The training configuration saved with the model, if it has one. */
  get trainingConfig(): TrainingConfig | undefined {
    return trainingConfigOf(this.current.meta.userDefinedMetadata);
  }

  /** Applies an edit. Throws UserError (and changes nothing) when it cannot apply. */
  apply(intent: DocumentEdit): AppliedEdit {
    if (intent.op === 'relayout' && intent.amend !== undefined) return this.joinLayout(intent.positions, intent.amend);
    const before = this.current;
    const { after, label, created } = applyEdit(before, intent);
    const edit: AppliedEdit = { label, before, after, created };
    this.current = after;
    this.lastCreated = created;
    this.history.push(edit);
    this.fire();
    this.appliedVersion = this.version;
    return edit;
  }

  /**
   * The canvas' layout after a structural edit, made part of that edit (one Undo takes both back). It joins
   * only while the state it was computed on (`version`) is still that edit's result, unsaved; otherwise
   * nothing changes (an undo, another edit or a save came first) and the edit returned is empty.
   */
  private joinLayout(positions: Record<string, { x: number; y: number }>, version: number): AppliedEdit {
    const last = this.history.last;
    const current = this.current;
    if (!last || version !== this.version || version !== this.appliedVersion || last.after !== current || current.id === this.savedId) {
      return { label: 'Layout', before: current, after: current, created: [] };
    }
    last.after = applyEdit(current, { op: 'relayout', positions }).after;
    this.current = last.after;
    this.lastCreated = last.created;
    this.fire();
    this.appliedVersion = this.version;
    return last;
  }

  /** Makes `s` the current state (VS Code's undo/redo callbacks restore the snapshots of their edit). */
  restore(s: Snapshot): void {
    if (this.current === s) return;
    this.current = s;
    this.lastCreated = [];
    this.fire();
  }

  undo(): boolean {
    const e = this.history.undo();
    if (!e) return false;
    this.restore(e.before);
    return true;
  }

  redo(): boolean {
    const e = this.history.redo();
    if (!e) return false;
    this.restore(e.after);
    return true;
  }

  analysis(): Analysis {
    if (this.cachedAnalysis?.id !== this.current.id) {
      this.cachedAnalysis = { id: this.current.id, analysis: safeAnalyze(this.current.graph) };
    }
    return this.cachedAnalysis.analysis;
  }

  /**
   * The model as it would be saved: weights matched to the current graph. Canvas positions stay on the graph's
   * layers; the formats that can carry them put them in the file (format.ts `metadataWithLayout`).
   */
  toFile(): ModelFile {
    const graph = cloneGraph(this.current.graph);
    // An architecture-only file stays one; otherwise weights that still fit are kept and new layers get
    // Keras' initial values, so the saved file loads in tf.loadLayersModel / Keras.
    const weights = this.current.weights.length === 0 ? [] : reconcileWeights(graph, this.current.weights, this.options.seed ?? Date.now());
    const file: ModelFile = { graph, weights };
    const meta = this.current.meta;
    if (meta.trainingConfig !== undefined) file.trainingConfig = structuredClone(meta.trainingConfig);
    const udm = meta.userDefinedMetadata;
    if (udm && Object.keys(udm).length > 0) file.userDefinedMetadata = structuredClone(udm);
    if (meta.producer) file.producer = { ...meta.producer };
    return file;
  }

  /**
   * Writes the model to `absPath`. Uses only host state, never the webview. `formatId` keeps the format the
   * file was read in when saving in place; Save As lets the registry choose by extension.
   */
  async saveTo(io: ModelIo, absPath: string, formatId?: string): Promise<string[]> {
    const saving = this.current;
    const file = this.toFile();
    const written = await io.write(absPath, file, formatId);
    this.savedId = saving.id;
    // New layers got initial weights in the file: the panels show the file's count (and the clean state) now.
    this.weightsOnDisk = file.weights.length;
    this.fire();
    return written;
  }

  /** Format to save in place with: the one the file was read in (when known). */
  get sourceFormat(): string | undefined {
    return this.current.meta.producer?.format;
  }

  /** Revert: the state on disk becomes current; history is dropped. */
  reset(file: ModelFile): void {
    this.current = snapshotOf(file);
    this.savedId = this.current.id;
    this.weightsOnDisk = file.weights.length;
    this.lastCreated = [];
    this.history.clear();
    this.fire();
  }

  /** A self-contained hot-exit backup, written by the host, never the webview. */
  backupBytes(): Uint8Array {
    return backupBytes(this.current);
  }

  static fromBackup(bytes: Uint8Array, options: { seed?: number } = {}): EditableModel {
    return new EditableModel(fileFromBackup(bytes), options, true);
  }

  /** Layers as a clipboard payload (connections among them kept, others dropped on paste). */
  copyPayload(names: readonly string[]): ClipboardPayload {
    const set = new Set(names);
    const layers = this.current.graph.layers.filter((l) => set.has(l.name)).map((l) => structuredClone(l));
    return { kind: CLIPBOARD_KIND, layers };
  }

  /** The message every editor panel of this document renders. */
  state(fileName: string): EditorState {
    const c = this.current;
    const src = { version: this.version, isDirty: this.isDirty, graph: c.graph, weightCount: this.weightsOnDisk, created: this.lastCreated, trainingConfig: this.trainingConfig, kerasVersion: c.meta.producer?.kerasVersion };
    return editorState(src, this.analysis(), fileName);
  }
}
