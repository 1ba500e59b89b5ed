/**
 * The model document's logic without vscode: the current model, its edit history (graph snapshots), dirty
 * state, save / revert / backup / restore, and the state message the editor webviews render. The vscode
 * wrapper (modelDocument.ts) turns each applied edit into one CustomDocumentEditEvent; tests drive this
 * class directly.
 */
import { analyze, expectedWeights, type Analysis } from '../core/analysis';
import {
  addLayer,
  appendLayer,
  connect,
  disconnect,
  findLayer,
  getLayer,
  insertBetween,
  removeLayer,
  renameLayer,
  setConfigField,
  setOutputs,
  uniqueName,
  cloneGraph,
} from '../core/graph';
import { reconcileWeights } from '../core/initializers';
import { getSpec, newLayerConfig } from '../core/layers';
import { summaryText } from '../core/summary';
import { firstProblem, parseTrainingConfig, trainingConfigOf, withTraining, type TrainingConfig } from '../core/training';
import { UserError, isUserError, type JsonObject, type LayerNode, type ModelFile, type ModelGraph, type NamedTensor } from '../core/types';
import { validateField } from '../core/validate';
import { CLIPBOARD_KIND, type ClipboardPayload, type EditIntent, type EditorState, type LayerInfoDto, type Point } from '../protocol/editor';

/** Reads and writes model files; the registry in production, a fake in tests that want one. */
export interface ModelIo {
  read(absPath: string): Promise<ModelFile>;
  write(absPath: string, file: ModelFile, formatId?: string): Promise<string[]>;
}

export async function registryIo(): Promise<ModelIo> {
  // Loaded lazily: format modules pull in h5wasm and protobufjs, which activation should not pay for.
  const registry = await import('../formats/registry');
  return {
    read: (p) => registry.readModel(p),
    write: (p, f, id) => registry.writeModel(p, f, id as Parameters<typeof registry.writeModel>[2]),
  };
}

/** One state of the document. Snapshots are immutable: edits build new ones. */
export interface Snapshot {
  readonly id: number;
  readonly graph: ModelGraph;
  readonly weights: readonly NamedTensor[];
  /** Training configuration and other file metadata: part of the snapshot so its edits undo like graph edits. */
  readonly meta: Metadata;
}

/**
 * An edit of the document: a webview's intent, or one only the host makes (`setWeights`: a run's trained
 * weights, which never pass through a webview).
 */
export type DocumentEdit = EditIntent | { op: 'setWeights'; weights: readonly NamedTensor[]; label?: string };

export interface AppliedEdit {
  label: string;
  before: Snapshot;
  after: Snapshot;
  /** Layers the edit created (the webview selects them). */
  created: string[];
}

/** Vertical distance between a layer and one appended after it, matching the webview's layout spacing. */
const APPEND_STEP = 110;
const PASTE_OFFSET = 40;

let nextSnapshotId = 1;
function snapshot(graph: ModelGraph, weights: readonly NamedTensor[], meta: Metadata): Snapshot {
  return Object.freeze({ id: nextSnapshotId++, graph, weights, meta });
}

type Metadata = Pick<ModelFile, 'trainingConfig' | 'userDefinedMetadata' | 'producer'>;

const BACKUP_KIND = 'model-studio-backup';

export class DocumentModel {
  private current: Snapshot;
  private savedId: number;
  private readonly undoStack: AppliedEdit[] = [];
  private readonly redoStack: AppliedEdit[] = [];
  private readonly listeners = new Set<() => void>();
  private cachedAnalysis: { id: number; analysis: Analysis } | undefined;
  /** Bumped on every change; webviews ignore older states. */
  version = 0;
  private lastCreated: string[] = [];

  constructor(
    file: ModelFile,
    private readonly options: { seed?: number } = {},
    /** True for a document restored from a hot-exit backup: it has unsaved changes. */
    restored = false,
  ) {
    this.current = snapshot(cloneGraph(file.graph), file.weights, metadataOf(file));
    this.savedId = restored ? -1 : this.current.id;
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
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
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
    const before = this.current;
    let after: Snapshot;
    let label: string;
    let created: string[] = [];
    if (intent.op === 'setTrainingConfig') {
      after = snapshot(before.graph, before.weights, withCheckedTraining(before.meta, intent.training));
      label = 'Configure training';
    } else if (intent.op === 'setWeights') {
      after = snapshot(before.graph, checkedWeights(before.graph, intent.weights), before.meta);
      label = intent.label ?? 'Set weights';
    } else {
      const r = applyIntent(before.graph, intent);
      const weights = r.renamed ? renameWeights(before.weights, r.renamed) : before.weights;
      after = snapshot(r.graph, weights, before.meta);
      label = r.label;
      created = r.created;
    }
    const edit: AppliedEdit = { label, before, after, created };
    this.current = after;
    this.lastCreated = created;
    this.undoStack.push(edit);
    this.redoStack.length = 0;
    this.fire();
    return edit;
  }

  /** Makes `s` the current state (VS Code's undo/redo callbacks restore the snapshots of their edit). */
  restore(s: Snapshot): void {
    if (this.current === s) return;
    this.current = s;
    this.lastCreated = [];
    this.fire();
  }

  undo(): boolean {
    const e = this.undoStack.pop();
    if (!e) return false;
    this.redoStack.push(e);
    this.restore(e.before);
    return true;
  }

  redo(): boolean {
    const e = this.redoStack.pop();
    if (!e) return false;
    this.undoStack.push(e);
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
    const written = await io.write(absPath, this.toFile(), formatId);
    this.savedId = saving.id;
    return written;
  }

  /** Format to save in place with: the one the file was read in (when known). */
  get sourceFormat(): string | undefined {
    return this.current.meta.producer?.format;
  }

  /** Revert: the state on disk becomes current; history is dropped. */
  reset(file: ModelFile): void {
    this.current = snapshot(cloneGraph(file.graph), file.weights, metadataOf(file));
    this.savedId = this.current.id;
    this.lastCreated = [];
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.fire();
  }

  /** A self-contained hot-exit backup (JSON with base64 weights), written by the host, never the webview. */
  backupBytes(): Uint8Array {
    const c = this.current;
    const body = {
      kind: BACKUP_KIND,
      version: 1,
      graph: c.graph,
      meta: c.meta,
      weights: c.weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        dtype: w.dtype,
        data: Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString('base64'),
      })),
    };
    return new TextEncoder().encode(JSON.stringify(body));
  }

  static fromBackup(bytes: Uint8Array, options: { seed?: number } = {}): DocumentModel {
    let body: {
      kind?: string;
      graph?: ModelGraph;
      meta?: Metadata;
      weights?: { name: string; shape: number[]; dtype: 'float32' | 'int32'; data: string }[];
    };
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new UserError('The backup of this model could not be read', 'reopen the file from disk');
    }
    if (body?.kind !== BACKUP_KIND || !body.graph || !Array.isArray(body.weights)) {
      throw new UserError('The backup of this model is not a Model Studio backup', 'reopen the file from disk');
    }
    const weights: NamedTensor[] = body.weights.map((w) => {
      const buf = Buffer.from(w.data, 'base64');
      // Copy into a fresh, aligned buffer: typed arrays need 4-byte alignment.
      const bytesCopy = new Uint8Array(buf.byteLength);
      bytesCopy.set(buf);
      const data = w.dtype === 'int32' ? new Int32Array(bytesCopy.buffer) : new Float32Array(bytesCopy.buffer);
      return { name: w.name, shape: w.shape, dtype: w.dtype, data };
    });
    const file: ModelFile = { graph: body.graph, weights, ...(body.meta ?? {}) };
    return new DocumentModel(file, options, true);
  }

  /** Layers as a clipboard payload (connections among them kept, others dropped on paste). */
  copyPayload(names: readonly string[]): ClipboardPayload {
    const set = new Set(names);
    const layers = this.current.graph.layers.filter((l) => set.has(l.name)).map((l) => structuredClone(l));
    return { kind: CLIPBOARD_KIND, layers };
  }

  /** The message every editor panel of this document renders. */
  state(fileName: string): EditorState {
    const a = this.analysis();
    const layers: LayerInfoDto[] = [];
    for (const name of a.order) {
      const info = a.layers.get(name);
      if (info) layers.push(toDto(info));
    }
    // Layers on a cycle are not in `order`; their info (if any) still goes along.
    for (const [name, info] of a.layers) if (!a.order.includes(name)) layers.push(toDto(info));
    let text = '';
    try {
      text = summaryText(this.current.graph, a);
    } catch (e) {
      text = `Summary unavailable: ${(e as Error).message}`;
    }
    return {
      version: this.version,
      fileName,
      dirty: this.isDirty,
      graph: this.current.graph,
      order: a.order,
      layers,
      diagnostics: a.diagnostics,
      totals: a.totals,
      summaryText: text,
      weightCount: this.current.weights.length,
      created: this.lastCreated,
      training: this.trainingConfig ?? null,
    };
  }
}

function toDto(info: Analysis['layers'] extends Map<string, infer V> ? V : never): LayerInfoDto {
  return {
    name: info.name,
    className: info.className,
    inputShapes: info.inputShapes,
    outputShape: info.outputShape,
    weights: info.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable })),
    trainableParams: info.trainableParams,
    nonTrainableParams: info.nonTrainableParams,
  };
}

function safeAnalyze(g: ModelGraph): Analysis {
  try {
    return analyze(g);
  } catch (e) {
    // Analysis reports problems as diagnostics; this only guards the editor against a bug in it.
    return {
      order: g.layers.map((l) => l.name),
      layers: new Map(),
      diagnostics: [{ severity: 'error', code: 'analysis-failed', message: `Shape inference failed: ${(e as Error).message}` }],
      totals: { total: 0, trainable: 0, nonTrainable: 0 },
    };
  }
}

function metadataOf(file: ModelFile): Metadata {
  const m: Metadata = {};
  if (file.trainingConfig !== undefined) m.trainingConfig = structuredClone(file.trainingConfig);
  if (file.userDefinedMetadata) m.userDefinedMetadata = structuredClone(file.userDefinedMetadata);
  if (file.producer) m.producer = { ...file.producer };
  return m;
}

/**
 * Metadata with a new training configuration: ours in `userDefinedMetadata.modelStudio.training` (other
 * modelStudio keys, such as the layout, kept) and Keras' `training_config` beside it. Refuses a config that
 * does not pass the checks the Training panel shows.
 */
function withCheckedTraining(meta: Metadata, raw: unknown): Metadata {
  const parsed = parseTrainingConfig(raw);
  if (!parsed.config) {
    throw new UserError(`The training configuration is not valid: ${firstProblem(parsed.errors)}`, 'correct the value in the Training panel', 'invalid-training-config');
  }
  return withTraining(meta, parsed.config);
}

/**
 * Weights for `graph`: exactly the tensors Keras expects (names `<layer>/<weight>`, shapes), in Keras order.
 * Anything missing, extra or of another shape refuses the edit: the graph may have changed since the run.
 */
function checkedWeights(graph: ModelGraph, weights: readonly NamedTensor[]): NamedTensor[] {
  const expected = expectedWeights(graph);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const problems: string[] = [];
  const out: NamedTensor[] = [];
  for (const x of expected) {
    const w = byName.get(x.name);
    if (!w) problems.push(`${x.name} is missing`);
    else if (w.shape.length !== x.shape.length || w.shape.some((d, i) => d !== x.shape[i])) {
      problems.push(`${x.name} has shape [${w.shape.join(', ')}], the model needs [${x.shape.join(', ')}]`);
    } else if (w.data.length !== x.shape.reduce((a, b) => a * b, 1)) problems.push(`${x.name} holds ${w.data.length} values`);
    else out.push(w);
    byName.delete(x.name);
  }
  for (const name of byName.keys()) problems.push(`${name} is not a weight of this model`);
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new UserError(
      `These weights do not fit the model: ${problems.slice(0, 3).join('; ')}${more}`,
      'the graph changed since the run started; undo the graph edits or train again',
      'weights-mismatch',
    );
  }
  return out;
}

function renameWeights(weights: readonly NamedTensor[], renamed: { from: string; to: string }): NamedTensor[] {
  const prefix = `${renamed.from}/`;
  return weights.map((w) => (w.name.startsWith(prefix) ? { ...w, name: `${renamed.to}/${w.name.slice(prefix.length)}` } : w));
}

function requireSpec(className: string): void {
  if (!getSpec(className)) {
    throw new UserError(`Unknown layer type "${className}"`, 'pick a layer from the palette', 'unknown-class');
  }
}

function below(g: ModelGraph, name: string | undefined): Point | undefined {
  const p = name ? findLayer(g, name)?.position : undefined;
  return p ? { x: p.x, y: p.y + APPEND_STEP } : undefined;
}

/** Right of the rightmost model input (undefined when no input has a position: the canvas lays it out). */
function besideInputs(g: ModelGraph): Point | undefined {
  const ps = g.inputs.map((n) => findLayer(g, n)?.position).filter((p): p is Point => !!p);
  if (ps.length === 0) return undefined;
  const right = ps.reduce((a, b) => (b.x > a.x ? b : a));
  return { x: right.x + 260, y: right.y };
}

/** Saves the canvas' auto-layout positions for layers that have none (unknown names are ignored). */
function withLayout(g: ModelGraph, layout: Record<string, Point> | undefined): ModelGraph {
  if (!layout || g.layers.every((l) => l.position || !layout[l.name])) return g;
  const next = cloneGraph(g);
  for (const l of next.layers) {
    const p = layout[l.name];
    if (!l.position && p) l.position = { x: p.x, y: p.y };
  }
  return next;
}

interface IntentResult {
  graph: ModelGraph;
  label: string;
  created: string[];
  renamed?: { from: string; to: string };
}

/** Applies one intent with the pure graph operations of src/core/graph.ts. */
export function applyIntent(g: ModelGraph, e: Exclude<EditIntent, { op: 'setTrainingConfig' }>): IntentResult {
  switch (e.op) {
    case 'add': {
      requireSpec(e.className);
      const r = addLayer(withLayout(g, e.layout), e.className, { config: newLayerConfig(e.className), position: e.position });
      return { graph: r.graph, label: `Add ${e.className}`, created: [r.name] };
    }
    case 'append': {
      requireSpec(e.className);
      if (e.className === 'InputLayer') {
        // A new model input starts a new branch: it takes no inputs and does not become an output.
        const r = addLayer(g, 'InputLayer', { config: newLayerConfig('InputLayer'), position: besideInputs(g) });
        return { graph: r.graph, label: 'Add InputLayer', created: [r.name] };
      }
      const after = e.after ?? g.outputs[g.outputs.length - 1] ?? g.layers[g.layers.length - 1]?.name;
      const r = appendLayer(g, e.className, e.after, { config: newLayerConfig(e.className), position: below(g, after) });
      return { graph: r.graph, label: `Add ${e.className}`, created: [r.name] };
    }
    case 'remove': {
      let next = g;
      for (const edge of e.edges ?? []) {
        if (e.names.includes(edge.from) || e.names.includes(edge.to)) continue;
        next = disconnect(next, edge.from, edge.to);
      }
      for (const n of e.names) next = removeLayer(next, n);
      const what = e.names.length === 1 ? `"${e.names[0]}"` : e.names.length > 1 ? `${e.names.length} layers` : 'connection';
      return { graph: next, label: `Delete ${what}`, created: [] };
    }
    case 'connect':
      return { graph: connect(g, e.from, e.to, e.index), label: `Connect ${e.from} to ${e.to}`, created: [] };
    case 'disconnect':
      return { graph: disconnect(g, e.from, e.to), label: `Disconnect ${e.from} from ${e.to}`, created: [] };
    case 'rename':
      return {
        graph: renameLayer(g, e.from, e.to),
        label: `Rename ${e.from} to ${e.to}`,
        created: [],
        renamed: { from: e.from, to: e.to },
      };
    case 'setField': {
      if (e.field === 'name') {
        const to = String(e.value ?? '');
        return { graph: renameLayer(g, e.layer, to), label: `Rename ${e.layer} to ${to}`, created: [], renamed: { from: e.layer, to } };
      }
      const layer = getLayer(g, e.layer);
      const spec = getSpec(layer.className);
      const fieldSpec = spec?.fields.find((f) => f.name === e.field);
      // The webview validates before sending; the host checks again because it never trusts the webview.
      if (fieldSpec && e.value !== undefined) {
        const problem = validateField(fieldSpec, e.value);
        if (problem) throw new UserError(`${e.layer}.${e.field}: ${problem}`, fieldSpec.doc, 'invalid-value');
      }
      return { graph: setConfigField(g, e.layer, e.field, e.value), label: `Set ${e.layer}.${e.field}`, created: [] };
    }
    case 'insertBetween': {
      requireSpec(e.className);
      const r = insertBetween(withLayout(g, e.layout), e.from, e.to, e.className, { config: newLayerConfig(e.className), position: e.position });
      return { graph: r.graph, label: `Insert ${e.className}`, created: [r.name] };
    }
    case 'move':
    case 'relayout': {
      const next = cloneGraph(g);
      for (const [name, p] of Object.entries(e.positions)) getLayer(next, name).position = { x: p.x, y: p.y };
      return { graph: next, label: e.op === 'move' ? 'Move' : 'Re-layout', created: [] };
    }
    case 'duplicate': {
      const set = new Set(e.names);
      const layers = g.layers.filter((l) => set.has(l.name));
      if (layers.length === 0) throw new UserError('Nothing to duplicate', 'select one or more layers first');
      const r = pasteLayers(g, layers, undefined);
      return { graph: r.graph, label: 'Duplicate', created: r.created };
    }
    case 'paste': {
      const r = pasteLayers(g, e.payload.layers, e.at);
      return { graph: r.graph, label: 'Paste', created: r.created };
    }
    case 'setOutput': {
      getLayer(g, e.layer);
      const outs = g.outputs.filter((o) => o !== e.layer);
      if (e.output) outs.push(e.layer);
      return { graph: setOutputs(g, outs), label: e.output ? `Mark ${e.layer} as output` : `Unmark ${e.layer} as output`, created: [] };
    }
  }
}

/**
 * Adds copies of `layers` with fresh names. Connections among the copies are kept (renamed), connections
 * to layers outside the copied set are dropped. `at` places the copies' top-left corner; default is an offset.
 */
function pasteLayers(g: ModelGraph, layers: readonly LayerNode[], at: Point | undefined): { graph: ModelGraph; created: string[] } {
  if (layers.length === 0) throw new UserError('Nothing to paste', 'copy layers in a Model Studio editor first');
  const xs = layers.map((l) => l.position?.x ?? 0);
  const ys = layers.map((l) => l.position?.y ?? 0);
  const dx = at ? at.x - Math.min(...xs) : PASTE_OFFSET;
  const dy = at ? at.y - Math.min(...ys) : PASTE_OFFSET;
  const rename = new Map<string, string>();
  let next = g;
  const pending = [...layers];
  // Add in dependency order among the copies, so every kept connection points at a layer already added.
  while (pending.length > 0) {
    let idx = pending.findIndex((l) => l.inbound.every((s) => !layers.some((o) => o.name === s) || rename.has(s)));
    if (idx < 0) idx = 0; // a cycle among the copies: add one without its inbound
    const l = pending.splice(idx, 1)[0];
    const name = uniqueName(next, l.name);
    const inbound = l.inbound.map((s) => rename.get(s)).filter((s): s is string => s !== undefined);
    const position = l.position ? { x: l.position.x + dx, y: l.position.y + dy } : undefined;
    next = addLayer(next, l.className, { name, config: l.config, inbound, position }).graph;
    rename.set(l.name, name);
  }
  return { graph: next, created: [...rename.values()] };
}

/** Message and hint of an error a user can cause; anything else becomes a plain message. */
export function errorText(e: unknown): { message: string; hint?: string } {
  if (isUserError(e)) return { message: e.message, hint: e.hint };
  return { message: e instanceof Error ? e.message : String(e) };
}
