/**
 * Small pieces shared by the Keras file formats (legacy H5, weights-only H5, .keras): Python-style JSON text,
 * Keras' snake-case rule, and the weight-matching step that turns a file's weights into the graph's
 * `<layer>/<weight>` tensors in Keras order, checking every shape against the config.
 */
import { UserError, type Json, type NamedTensor, type ModelGraph } from '../core/types';
import { expectedWeights } from '../core/analysis';
import type { H5DatasetNode } from './hdf5';

/**
 * `json.dumps(obj)` as Python writes it (Keras writes configs this way): `", "` and `": "` separators and
 * non-ASCII characters escaped (`ensure_ascii=True`), so the text is plain ASCII for the HDF5 attributes.
 * A whole number under one of `floats` is written as a Python float (`1.0`): Keras refuses an int for some
 * float arguments (an optimizer's `learning_rate`, SGD's `momentum`).
 */
export function pythonJson(v: Json | undefined, floats?: ReadonlySet<string>, key?: string): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return asciiJsonString(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    const text = JSON.stringify(v);
    return key !== undefined && floats?.has(key) && /^-?\d+$/.test(text) ? `${text}.0` : text;
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map((x) => pythonJson(x, floats)).join(', ')}]`;
  const parts = Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${asciiJsonString(k)}: ${pythonJson(x, floats, k)}`);
  return `{${parts.join(', ')}}`;
}

function asciiJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** keras/src/utils/naming.py `to_snake_case`, used by Keras 3 for the weight-file paths of layers. */
export function kerasSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s;
}

/** A weight found in a file for one layer, before it is matched to the layer's expected weights. */
export interface FileWeight {
  /** The name the file gives it (for messages and by-name matching), already reduced to the layer's own part. */
  ownName: string;
  /** Where it is in the file, for messages. */
  path: string;
  dataset: H5DatasetNode;
}

/**
 * Matches each layer's weights from a file to what the graph expects (analysis' `expectedWeights`), the way
 * Keras' `load_weights` does: by name within the layer, falling back to order when the names differ but the
 * count agrees (Keras 2 loads legacy H5 purely by order; nested cell names differ between versions).
 * Every shape must equal the one the config implies, otherwise the file contradicts its own config.
 */
export function matchWeights(g: ModelGraph, fileWeights: Map<string, FileWeight[]>, label: string): NamedTensor[] {
  const expected = expectedWeights(g);
  const byLayer = new Map<string, typeof expected>();
  for (const e of expected) {
    const layer = e.name.slice(0, e.name.indexOf('/'));
    if (!byLayer.has(layer)) byLayer.set(layer, []);
    byLayer.get(layer)!.push(e);
  }
  for (const [layer, ws] of fileWeights) {
    if (ws.length > 0 && !byLayer.has(layer)) {
      const known = g.layers.some((l) => l.name === layer);
      throw new UserError(
        known
          ? `${label} has ${ws.length} weight(s) for layer '${layer}', which has no weights in the model config`
          : `${label} has weights for a layer '${layer}' that the model config does not have`,
        'the weights belong to a different model; pair them with the config they were saved with',
        'weights-mismatch',
      );
    }
  }
  const out: NamedTensor[] = [];
  const missing: string[] = [];
  let found = 0;
  for (const [layer, exp] of byLayer) {
    const ws = fileWeights.get(layer) ?? [];
    if (ws.length === 0) {
      missing.push(...exp.map((e) => e.name));
      continue;
    }
    if (ws.length !== exp.length) {
      throw new UserError(
        `${label} has ${ws.length} weight(s) for layer '${layer}' but its config needs ${exp.length} (${exp.map((e) => e.name.slice(layer.length + 1)).join(', ')})`,
        'the weights belong to a different model or a different version of this layer',
        'weights-mismatch',
      );
    }
    const ownExp = exp.map((e) => e.name.slice(layer.length + 1));
    const byName = ws.every((w) => ownExp.includes(w.ownName)) && new Set(ws.map((w) => w.ownName)).size === ws.length;
    exp.forEach((e, i) => {
      const w = byName ? ws.find((x) => x.ownName === ownExp[i])! : ws[i]!;
      const shape = w.dataset.shape;
      if (shape.length !== e.shape.length || shape.some((d, k) => d !== e.shape[k])) {
        throw new UserError(
          `${label}: weight '${w.path}' has shape [${shape.join(', ')}] but the config of layer '${layer}' implies [${e.shape.join(', ')}] for '${ownExp[i]}'`,
          'the file contradicts its own model config; it may be damaged or assembled from different models',
          'weight-shape',
        );
      }
      out.push(toTensor(e.name, w.dataset));
      found++;
    });
  }
  if (found > 0 && missing.length > 0) {
    throw new UserError(
      `${label} has no weights for ${missing.length} weight(s) the model needs: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''}`,
      'the weights belong to a different model; pair them with the config they were saved with',
      'weights-missing',
    );
  }
  return out;
}

function toTensor(name: string, ds: H5DatasetNode): NamedTensor {
  const d = ds.data;
  if (d instanceof Int32Array) return { name, shape: [...ds.shape], dtype: 'int32', data: new Int32Array(d) };
  if (d instanceof Float32Array) return { name, shape: [...ds.shape], dtype: 'float32', data: new Float32Array(d) };
  // float64 / float16-as-other / integer weights: stored as float32, the only float type the graph carries.
  const data = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) data[i] = Number(d[i]);
  return { name, shape: [...ds.shape], dtype: 'float32', data };
}

/** The recurrent cell class name Keras uses as a variable scope (`lstm/lstm_cell/kernel:0`). */
export const RNN_CELL_NAMES: Record<string, string> = { LSTM: 'lstm_cell', GRU: 'gru_cell', SimpleRNN: 'simple_rnn_cell', ConvLSTM1D: 'conv_lstm_cell', ConvLSTM2D: 'conv_lstm_cell' };

/**
 * Keras' legacy `load_weights` (no `by_name`) pairs the file's layers that have weights with the model's, in
 * order: the layer names need not agree. When some file layer is unknown to the config and the layers with
 * weights agree in number and in weights per layer, the file's layers are renamed to the config's in order
 * and a note says so; otherwise the map is unchanged and matchWeights reports the mismatch.
 */
export function pairLayersByOrder(g: ModelGraph, fileWeights: Map<string, FileWeight[]>, modelOrder: string[], label: string, notes?: string[]): Map<string, FileWeight[]> {
  const known = new Set(g.layers.map((l) => l.name));
  const fileLayers = [...fileWeights].filter(([, ws]) => ws.length > 0);
  if (fileLayers.every(([n]) => known.has(n))) return fileWeights;
  const count = new Map<string, number>();
  for (const e of expectedWeights(g)) {
    const layer = e.name.slice(0, e.name.indexOf('/'));
    count.set(layer, (count.get(layer) ?? 0) + 1);
  }
  const modelLayers = modelOrder.filter((n) => count.has(n));
  if (modelLayers.length !== fileLayers.length || fileLayers.some(([, ws], i) => ws.length !== count.get(modelLayers[i]!))) return fileWeights;
  const renamed = fileLayers.map(([n], i) => `${n} -> ${modelLayers[i]}`).filter((p, i) => fileLayers[i]![0] !== modelLayers[i]);
  notes?.push(
    `${label} names its layers differently from the model config; its weights were loaded by layer order, as Keras' load_weights does (${renamed.slice(0, 4).join(', ')}${renamed.length > 4 ? `, and ${renamed.length - 4} more` : ''})`,
  );
  return new Map(fileLayers.map(([, ws], i) => [modelLayers[i]!, ws]));
}
