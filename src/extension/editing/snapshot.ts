/** The document's states and edits: immutable snapshots of graph, weights and file metadata. */
import { cloneGraph } from '../../core/graph';
import type { ModelFile, ModelGraph, NamedTensor } from '../../core/types';
import type { EditIntent } from '../../protocol/editor';

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

let nextSnapshotId = 1;
export function snapshot(graph: ModelGraph, weights: readonly NamedTensor[], meta: Metadata): Snapshot {
  return Object.freeze({ id: nextSnapshotId++, graph, weights, meta });
}

export type Metadata = Pick<ModelFile, 'trainingConfig' | 'userDefinedMetadata' | 'producer'>;

export function metadataOf(file: ModelFile): Metadata {
  const m: Metadata = {};
  if (file.trainingConfig !== undefined) m.trainingConfig = structuredClone(file.trainingConfig);
  if (file.userDefinedMetadata) m.userDefinedMetadata = structuredClone(file.userDefinedMetadata);
  if (file.producer) m.producer = { ...file.producer };
  return m;
}

/** A fresh snapshot of a file as read (the graph copied, so edits never reach the caller's object). */
export function snapshotOf(file: ModelFile): Snapshot {
  return snapshot(cloneGraph(file.graph), file.weights, metadataOf(file));
}
