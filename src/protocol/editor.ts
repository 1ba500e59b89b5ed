/**
 * The messages between the graph editor webview and the extension host, with runtime validation on both
 * sides. The host owns the model: the webview renders the state it is sent and posts edit intents back.
 * Anything that does not validate is dropped (a webview is untrusted input, and so is the clipboard).
 */
import type { TrainingConfig } from '../core/training';
import type { Diagnostic, Json, LayerNode, ModelGraph, Shape } from '../core/types';
import { DATASET_PATH_KINDS, type DatasetKind } from './training';

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
  | { op: 'append'; className: string; after?: string }
  | { op: 'remove'; names: string[]; edges?: { from: string; to: string }[] }
  | { op: 'connect'; from: string; to: string; index?: number }
  | { op: 'disconnect'; from: string; to: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'setField'; layer: string; field: string; value?: Json }
  | { op: 'insertBetween'; from: string; to: string; className: string; position?: Point; layout?: Record<string, Point> }
  | { op: 'move'; positions: Record<string, Point> }
  | { op: 'relayout'; positions: Record<string, Point> }
  | { op: 'duplicate'; names: string[] }
  | { op: 'paste'; payload: ClipboardPayload; at?: Point }
  | { op: 'setOutput'; layer: string; output: boolean }
  /**
   * The Training panel's Apply: the whole training configuration, checked with `checkTrainingConfig`, saved to
   * `userDefinedMetadata.modelStudio.training` and Keras' `trainingConfig` as one undoable edit.
   */
  | { op: 'setTrainingConfig'; training: TrainingConfig };

export type EditOp = EditIntent['op'];

export const CLIPBOARD_KIND = 'model-studio/layers';

/** What Copy puts on the clipboard (as JSON text), so layers can be pasted into another open model. */
export interface ClipboardPayload {
  kind: typeof CLIPBOARD_KIND;
  layers: LayerNode[];
}

export type HostMessage =
  | { type: 'state'; state: EditorState }
  | { type: 'loadError'; fileName: string; message: string; hint?: string }
  | { type: 'editRejected'; message: string; hint?: string }
  /** The "Re-layout Graph" command: the webview computes a fresh layout and posts a `relayout` edit. */
  | { type: 'relayout' }
  /** The "Show Model Summary" command. */
  | { type: 'showSummary' }
  /** The "Configure Training..." command: show and focus the Training panel. */
  | { type: 'showTraining' }
  /** A path the host's file picker returned for the Training panel's dataset (relative to the model's folder). */
  | { type: 'datasetPicked'; kind: DatasetKind; path: string };

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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 1000;
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 100000 && v.every(isStr);
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPoint = (v: unknown): v is Point => isObj(v) && isFiniteNum(v.x) && isFiniteNum(v.y);
const optPoint = (v: unknown): boolean => v === undefined || isPoint(v);

export function isJson(v: unknown, depth = 0): v is Json {
  if (depth > 64) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (isObj(v)) return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every((x) => isJson(x, depth + 1));
  return false;
}

function isPositions(v: unknown): v is Record<string, Point> {
  return isObj(v) && Object.entries(v).every(([k, p]) => isStr(k) && isPoint(p));
}

function isLayerNode(v: unknown): v is LayerNode {
  return (
    isObj(v) &&
    isStr(v.name) &&
    isStr(v.className) &&
    isObj(v.config) &&
    isJson(v.config) &&
    isStrArray(v.inbound) &&
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
  return isObj(v) && isStr(v.from) && isStr(v.to);
}

export function isEditIntent(v: unknown): v is EditIntent {
  if (!isObj(v)) return false;
  switch (v.op) {
    case 'add':
      return isStr(v.className) && optPoint(v.position) && (v.layout === undefined || isPositions(v.layout));
    case 'append':
      return isStr(v.className) && (v.after === undefined || isStr(v.after));
    case 'remove':
      return isStrArray(v.names) && (v.edges === undefined || (Array.isArray(v.edges) && v.edges.every(isEdge)));
    case 'connect':
      return isStr(v.from) && isStr(v.to) && (v.index === undefined || (Number.isInteger(v.index) && (v.index as number) >= 0));
    case 'disconnect':
      return isStr(v.from) && isStr(v.to);
    case 'rename':
      return isStr(v.from) && typeof v.to === 'string';
    case 'setField':
      return isStr(v.layer) && isStr(v.field) && (v.value === undefined || isJson(v.value));
    case 'insertBetween':
      return isStr(v.from) && isStr(v.to) && isStr(v.className) && optPoint(v.position) && (v.layout === undefined || isPositions(v.layout));
    case 'move':
    case 'relayout':
      return isPositions(v.positions);
    case 'duplicate':
      return isStrArray(v.names) && v.names.length > 0;
    case 'paste':
      return isClipboardPayload(v.payload) && optPoint(v.at);
    case 'setOutput':
      return isStr(v.layer) && typeof v.output === 'boolean';
    case 'setTrainingConfig':
      // Only the shape here; the host checks the values (and refuses the edit with the problems).
      return isObj(v.training) && isJson(v.training);
    default:
      return false;
  }
}

/** Validates a message from the webview; undefined (dropped) when it is not one we know. */
export function parseWebviewMessage(v: unknown): WebviewMessage | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'openAsText':
    case 'retry':
    case 'train':
      return { type: v.type };
    case 'browseDataset':
      return DATASET_PATH_KINDS.includes(v.kind as DatasetKind) ? { type: 'browseDataset', kind: v.kind as DatasetKind } : undefined;
    case 'edit':
      return isEditIntent(v.edit) ? { type: 'edit', edit: v.edit } : undefined;
    case 'copy':
      return isStrArray(v.names) ? { type: 'copy', names: v.names } : undefined;
    case 'paste':
      return optPoint(v.at) ? { type: 'paste', at: v.at as Point | undefined } : undefined;
    default:
      return undefined;
  }
}

function isGraph(v: unknown): v is ModelGraph {
  return (
    isObj(v) &&
    typeof v.name === 'string' &&
    (v.kind === 'Sequential' || v.kind === 'Functional') &&
    Array.isArray(v.layers) &&
    v.layers.every(isLayerNode) &&
    isStrArray(v.inputs) &&
    isStrArray(v.outputs)
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
    v.layers.every((l) => isObj(l) && isStr(l.name)) &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every((d) => isObj(d) && typeof d.message === 'string') &&
    isObj(v.totals) &&
    typeof v.summaryText === 'string' &&
    isStrArray(v.created) &&
    (v.training === null || isObj(v.training))
  );
}

/** Validates a message from the host (the webview side of the boundary). */
export function parseHostMessage(v: unknown): HostMessage | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'state':
      return isState(v.state) ? { type: 'state', state: v.state } : undefined;
    case 'loadError':
      return typeof v.message === 'string' && typeof v.fileName === 'string'
        ? { type: 'loadError', fileName: v.fileName, message: v.message, hint: typeof v.hint === 'string' ? v.hint : undefined }
        : undefined;
    case 'editRejected':
      return typeof v.message === 'string'
        ? { type: 'editRejected', message: v.message, hint: typeof v.hint === 'string' ? v.hint : undefined }
        : undefined;
    case 'relayout':
    case 'showSummary':
    case 'showTraining':
      return { type: v.type };
    case 'datasetPicked':
      return DATASET_PATH_KINDS.includes(v.kind as DatasetKind) && typeof v.path === 'string' && v.path.length < 4096
        ? { type: 'datasetPicked', kind: v.kind as DatasetKind, path: v.path }
        : undefined;
    default:
      return undefined;
  }
}
