/**
 * The messages between the graph editor webview and the extension host, with runtime validation on both
 * sides. The host owns the model: the webview renders the state it is sent and posts edit intents back.
 * Anything that does not validate is dropped (a webview is untrusted input, and so is the clipboard).
 */
import { isFiniteNum, isJson, isName, isNameArray, isObj, isOneOf, isStr } from '../core/guards';
import { DATASET_PATH_KINDS, type DatasetKind, type MeasuredSpeed, type TrainingConfig } from '../core/training';
import type { Diagnostic, Json, LayerNode, ModelGraph, Shape } from '../core/types';
import { isViewerGraph, type ViewerGraph } from '../core/viewerGraph';
import { command, protocol } from './message';

export type Point = { x: number; y: number };

/** One layer's analysis, as sent to the webview (the host's `LayerInfo`, with plain arrays instead of maps). */
export interface LayerInfoDto {
  name: string;
  className: string;
  inputShapes: Shape[];
  outputShape: Shape | null;
  weights: { name: string; shape: number[]; trainable: boolean }[];
  trainableParams: number;
  nonTrainableParams: number;
}

export interface EditorState {
  /** Bumped on every change the host makes, so a webview can ignore stale messages. */
  version: number;
  fileName: string;
  dirty: boolean;
  graph: ModelGraph;
  /** Topological order from analysis. */
  order: string[];
  layers: LayerInfoDto[];
  diagnostics: Diagnostic[];
  totals: { total: number; trainable: number; nonTrainable: number };
  /** Keras `model.summary()` text. */
  summaryText: string;
  /** How many weight tensors the document holds (0 for architecture-only files). */
  weightCount: number;
  /** Layers the last edit created: the webview selects them (so Enter in the palette builds a chain). */
  created: string[];
  /** The training configuration saved with the model (`userDefinedMetadata.modelStudio.training`), if any. */
  training: TrainingConfig | null;
}

/** A graph change the user asked for. The host applies it with src/core/graph.ts as one undoable edit. */
export type EditIntent =
  /**
   * `layout`: where the canvas shows layers that have no saved position yet (auto layout). Sent with
   * gestures that place a layer by hand, so the others stay where the user sees them.
   */
  | { op: 'add'; className: string; position?: Point; layout?: Record<string, Point> }
  /** After `after`: into its chain (its consumers re-wired), or with `branch` a new branch from it (another head). */
  | { op: 'append'; className: string; after?: string; branch?: boolean }
  | { op: 'remove'; names: string[]; edges?: { from: string; to: string }[] }
  | { op: 'connect'; from: string; to: string; index?: number }
  | { op: 'disconnect'; from: string; to: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'setField'; layer: string; field: string; value?: Json }
  | { op: 'insertBetween'; from: string; to: string; className: string; position?: Point; layout?: Record<string, Point> }
  | { op: 'move'; positions: Record<string, Point> }
  /**
   * `amend`: the state version the positions were laid out on, after a structural edit of this webview: they
   * join that edit (one Undo) while it is still the latest change, and are dropped otherwise.
   */
  | { op: 'relayout'; positions: Record<string, Point>; amend?: number }
  | { op: 'duplicate'; names: string[] }
  | { op: 'paste'; payload: ClipboardPayload; at?: Point }
  | { op: 'setOutput'; layer: string; output: boolean }
  /**
   * The Training panel's Apply: the whole training configuration, checked with `checkTrainingConfig`, saved to
   * `userDefinedMetadata.modelStudio.training` and Keras' `trainingConfig` as one undoable edit.
   */
  | { op: 'setTrainingConfig'; training: TrainingConfig };

export const CLIPBOARD_KIND = 'model-studio/layers';

/** What Copy puts on the clipboard (as JSON text), so layers can be pasted into another open model. */
export interface ClipboardPayload {
  kind: typeof CLIPBOARD_KIND;
  layers: LayerNode[];
}

export type HostMessage =
  | { type: 'state'; state: EditorState }
  | { type: 'loadError'; fileName: string; message: string; hint?: string }
  /** The file opened read-only: a graph Model Studio shows but cannot make editable (why: `message`). */
  | { type: 'viewer'; fileName: string; message: string; hint?: string; viewer: ViewerGraph }
  | { type: 'editRejected'; message: string; hint?: string }
  /** The "Re-layout Graph" command: the webview computes a fresh layout and posts a `relayout` edit. */
  | { type: 'relayout' }
  /** The "Show Model Summary" command. */
  | { type: 'showSummary' }
  /** The "Configure Training..." command: show and focus the Training panel. */
  | { type: 'showTraining' }
  /** A Problems entry's link: select this layer (and show its properties). */
  | { type: 'revealLayer'; name: string }
  /** A path the host's file picker returned for the Training panel's dataset (relative to the model's folder). */
  | { type: 'datasetPicked'; kind: DatasetKind; path: string }
  /** The speed the model's newest run measured (null: none yet): the Training panel estimates the epoch time. */
  | { type: 'trainingSpeed'; speed: MeasuredSpeed | null };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'edit'; edit: EditIntent }
  | { type: 'copy'; names: string[] }
  | { type: 'paste'; at?: Point }
  | { type: 'openAsText' }
  | { type: 'retry' }
  /** The Training panel's browse button: the host shows a file (or, for images, folder) picker. */
  | { type: 'browseDataset'; kind: DatasetKind }
  /** The Training panel's Train button: runs "Model Studio: Train" on this document. */
  | { type: 'train' };

// ---- validation --------------------------------------------------------------------------------------

const isPoint = (v: unknown): v is Point => isObj(v) && isFiniteNum(v.x) && isFiniteNum(v.y);
const optPoint = (v: unknown): boolean => v === undefined || isPoint(v);

function isPositions(v: unknown): v is Record<string, Point> {
  return isObj(v) && Object.entries(v).every(([k, p]) => isName(k) && isPoint(p));
}

function isLayerNode(v: unknown): v is LayerNode {
  return (
    isObj(v) &&
    isName(v.name) &&
    isName(v.className) &&
    isObj(v.config) &&
    isJson(v.config) &&
    isNameArray(v.inbound) &&
    optPoint(v.position)
  );
}

export function isClipboardPayload(v: unknown): v is ClipboardPayload {
  return isObj(v) && v.kind === CLIPBOARD_KIND && Array.isArray(v.layers) && v.layers.length <= 10000 && v.layers.every(isLayerNode);
}

/** Parses clipboard text; undefined when it is not a Model Studio layer payload. */
export function parseClipboardText(text: string): ClipboardPayload | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isClipboardPayload(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isEdge(v: unknown): v is { from: string; to: string } {
  return isObj(v) && isName(v.from) && isName(v.to);
}

export function isEditIntent(v: unknown): v is EditIntent {
  if (!isObj(v)) return false;
  switch (v.op) {
    case 'add':
      return isName(v.className) && optPoint(v.position) && (v.layout === undefined || isPositions(v.layout));
    case 'append':
      return isName(v.className) && (v.after === undefined || isName(v.after)) && (v.branch === undefined || typeof v.branch === 'boolean');
    case 'remove':
      return isNameArray(v.names) && (v.edges === undefined || (Array.isArray(v.edges) && v.edges.every(isEdge)));
    case 'connect':
      return isName(v.from) && isName(v.to) && (v.index === undefined || (Number.isInteger(v.index) && (v.index as number) >= 0));
    case 'disconnect':
      return isName(v.from) && isName(v.to);
    case 'rename':
      return isName(v.from) && typeof v.to === 'string';
    case 'setField':
      return isName(v.layer) && isName(v.field) && (v.value === undefined || isJson(v.value));
    case 'insertBetween':
      return isName(v.from) && isName(v.to) && isName(v.className) && optPoint(v.position) && (v.layout === undefined || isPositions(v.layout));
    case 'move':
      return isPositions(v.positions);
    case 'relayout':
      return isPositions(v.positions) && (v.amend === undefined || (Number.isInteger(v.amend) && (v.amend as number) >= 0));
    case 'duplicate':
      return isNameArray(v.names) && v.names.length > 0;
    case 'paste':
      return isClipboardPayload(v.payload) && optPoint(v.at);
    case 'setOutput':
      return isName(v.layer) && typeof v.output === 'boolean';
    case 'setTrainingConfig':
      // Only the shape here; the host checks the values (and refuses the edit with the problems).
      return isObj(v.training) && isJson(v.training);
    default:
      return false;
  }
}

/** Validates a message from the webview; undefined (dropped) when it is not one we know. */
export const parseWebviewMessage = protocol<WebviewMessage>({
  ready: command(),
  openAsText: command(),
  retry: command(),
  train: command(),
  browseDataset: (m) => (isOneOf(DATASET_PATH_KINDS, m.kind) ? { type: 'browseDataset', kind: m.kind } : undefined),
  edit: (m) => (isEditIntent(m.edit) ? { type: 'edit', edit: m.edit } : undefined),
  copy: (m) => (isNameArray(m.names) ? { type: 'copy', names: m.names } : undefined),
  paste: (m) => (optPoint(m.at) ? { type: 'paste', at: m.at as Point | undefined } : undefined),
});

function isGraph(v: unknown): v is ModelGraph {
  return (
    isObj(v) &&
    typeof v.name === 'string' &&
    (v.kind === 'Sequential' || v.kind === 'Functional') &&
    Array.isArray(v.layers) &&
    v.layers.every(isLayerNode) &&
    isNameArray(v.inputs) &&
    isNameArray(v.outputs)
  );
}

function isState(v: unknown): v is EditorState {
  return (
    isObj(v) &&
    isFiniteNum(v.version) &&
    typeof v.fileName === 'string' &&
    typeof v.dirty === 'boolean' &&
    isGraph(v.graph) &&
    Array.isArray(v.order) &&
    Array.isArray(v.layers) &&
    v.layers.every((l) => isObj(l) && isName(l.name)) &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every((d) => isObj(d) && typeof d.message === 'string') &&
    isObj(v.totals) &&
    typeof v.summaryText === 'string' &&
    isNameArray(v.created) &&
    (v.training === null || isObj(v.training))
  );
}

const isSpeed = (v: unknown): v is MeasuredSpeed =>
  isObj(v) && isFiniteNum(v.samplesPerSec) && v.samplesPerSec > 0 && isStr(v.runId) && (v.dataRows === undefined || (isFiniteNum(v.dataRows) && v.dataRows > 0));

const optHint = (v: unknown): string | undefined => (isStr(v) ? v : undefined);

/** Validates a message from the host (the webview side of the boundary). */
export const parseHostMessage = protocol<HostMessage>({
  state: (m) => (isState(m.state) ? { type: 'state', state: m.state } : undefined),
  loadError: (m) => (isStr(m.message) && isStr(m.fileName) ? { type: 'loadError', fileName: m.fileName, message: m.message, hint: optHint(m.hint) } : undefined),
  viewer: (m) =>
    isStr(m.message) && isStr(m.fileName) && isViewerGraph(m.viewer) ? { type: 'viewer', fileName: m.fileName, message: m.message, hint: optHint(m.hint), viewer: m.viewer } : undefined,
  editRejected: (m) => (isStr(m.message) ? { type: 'editRejected', message: m.message, hint: optHint(m.hint) } : undefined),
  relayout: command(),
  showSummary: command(),
  showTraining: command(),
  revealLayer: (m) => (isStr(m.name) && m.name.length > 0 && m.name.length <= 1024 ? { type: 'revealLayer', name: m.name } : undefined),
  trainingSpeed: (m) => (m.speed === null || isSpeed(m.speed) ? { type: 'trainingSpeed', speed: m.speed } : undefined),
  datasetPicked: (m) =>
    isOneOf(DATASET_PATH_KINDS, m.kind) && isStr(m.path) && m.path.length < 4096 ? { type: 'datasetPicked', kind: m.kind, path: m.path } : undefined,
});
