/**
 * Hot-exit backups: a self-contained JSON with base64 weights, written and read by the host, never the
 * webview. A backup holds unsaved state, so a document restored from one starts dirty.
 */
import { UserError, type ModelFile, type ModelGraph, type NamedTensor } from '../../core/types';
import type { Metadata, Snapshot } from './snapshot';

const BACKUP_KIND = 'model-studio-backup';

export function backupBytes(c: Snapshot): Uint8Array {
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

/** The model file a backup holds. Throws UserError when the bytes are not one of our backups. */
export function fileFromBackup(bytes: Uint8Array): ModelFile {
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
  return { graph: body.graph, weights, ...(body.meta ?? {}) };
}
