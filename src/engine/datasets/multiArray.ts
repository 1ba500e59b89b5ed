/**
 * Data for a model with several inputs and outputs, as Keras' `fit(x={name: array}, y={name: array})` takes
 * it: one array per model input and one target array per output, found by the layer's name or through the
 * training config's data map (core/training/outputs.ts `arrayFor`). The arrays are packed row by row into one
 * source (./source.ts `ArrayIO`), so the validation split (Keras' last rows of every array), shuffling and
 * batching keep each sample's arrays together; sample weights stay one per sample.
 */
import { arrayFor, outputHeads, SAMPLE_WEIGHT, type TrainingConfig } from '../../core/training';
import { UserError, type ModelGraph } from '../../core/types';
import { checkLabels } from './labels';
import { labelsFor, sampleWeightsOf, toFloat32, type NpyArray } from './npy';
import { arraySource, elementCount, type DataBatch, type DataSource, type IOPart } from './source';

/** The model's input and output layer names, in order, and the config's data map. */
export interface ModelLayers {
  inputs: readonly string[];
  outputs: readonly string[];
  dataMap?: TrainingConfig['dataMap'];
}

export function isMultiIO(layers: ModelLayers | undefined): layers is ModelLayers {
  return layers !== undefined && (layers.inputs.length > 1 || layers.outputs.length > 1);
}

function partOf(arrays: ReadonlyMap<string, NpyArray>, layers: ModelLayers, layer: string, role: 'input' | 'output', name: string): { part: IOPart; a: NpyArray } {
  const array = arrayFor(layers, layer);
  const a = arrays.get(array);
  if (!a) throw missingArray(name, layers, layer, role, array, [...arrays.keys()]);
  const dims = a.shape.slice(1);
  const shape = dims.length ? dims : [1];
  const int = a.dtype !== '<f4' && a.dtype !== '<f8';
  return { part: { layer, array, shape, int, ...(role === 'output' ? { labels: labelsFor(a) } : {}) }, a };
}

/**
 * A dataset of inputs and targets (a built-in such as mnist, a csv, an npz of x and y) for a model with several
 * inputs and outputs: its two arrays are named `x` and `y`, and the data map sends layers to them, e.g. an
 * autoencoder with a classifier head on mnist: {decoded: "x", digit: "y"}. Read batch by batch from the source
 * (no copy of the whole dataset).
 */
export function namedArraysSource(base: DataSource, layers: ModelLayers): DataSource {
  const x: IOPart = { layer: '', array: 'x', shape: base.xShape, int: base.xDType === 'int32' };
  const y: IOPart = { layer: '', array: 'y', shape: base.labels.kind === 'class' ? [1] : base.labels.shape, int: base.labels.kind === 'class', labels: base.labels };
  const arrays = new Map([
    ['x', x],
    ['y', y],
  ]);
  const find = (layer: string, role: 'input' | 'output'): IOPart => {
    const array = arrayFor(layers, layer);
    const a = arrays.get(array);
    if (!a) throw missingArray(base.description, layers, layer, role, array, ['x', 'y']);
    return { ...a, layer, ...(role === 'input' ? { labels: undefined } : {}) };
  };
  const io = { inputs: layers.inputs.map((l) => find(l, 'input')), outputs: layers.outputs.map((l) => find(l, 'output')) };
  const xl = partsLayout(io.inputs);
  const yl = partsLayout(io.outputs);
  const packRows = (parts: IOPart[], width: number, b: DataBatch) => {
    const out = new Float32Array(b.size * width);
    let offset = 0;
    for (const p of parts) {
      const src = p.array === 'x' ? b.x : b.y;
      const w = elementCount(p.shape);
      for (let r = 0; r < b.size; r++) out.set(src.subarray(r * w, (r + 1) * w), r * width + offset);
      offset += w;
    }
    return out;
  };
  return {
    description: base.description,
    xShape: [xl.row],
    xDType: 'float32',
    labels: { kind: 'values', shape: [yl.row] },
    size: base.size,
    io,
    async read(indices) {
      const b = await base.read(indices);
      return { x: packRows(io.inputs, xl.row, b), y: packRows(io.outputs, yl.row, b), size: b.size, ...(b.w ? { w: b.w } : {}) };
    },
    close: base.close?.bind(base),
  };
}

/** A layer's array is not in the data. */
function missingArray(name: string, layers: ModelLayers, layer: string, role: 'input' | 'output', array: string, has: readonly string[]): UserError {
  const mapped = layers.dataMap?.[layer] !== undefined;
  return new UserError(
    mapped
      ? `The data map sends the model ${role} ${layer} to the array "${array}", but ${name} has no array of that name.`
      : `${name} has no array "${layer}" for the model ${role} ${layer}.`,
    `Save one array per input and output named like the layers (np.savez(path, ${[...layers.inputs, ...layers.outputs].map((l) => `${l}=...`).join(', ')})), or map ${layer} to one of its arrays in the data map; it has: ${has.join(', ') || 'no arrays'}.`,
    'npz-layout',
  );
}

/** A model with several inputs or outputs given data with one input array and one target array. */
export function needsArraysError(description: string, layers: ModelLayers): UserError {
  return new UserError(
    `This model has ${layers.inputs.length} inputs and ${layers.outputs.length} outputs, but ${description} gives one input array and one target array.`,
    `Train it from an npz file with one array per input and output, named like the layers (${[...layers.inputs, ...layers.outputs].join(', ')}), or map the layers to the arrays in the training form's data map.`,
    'multi-io',
  );
}

/** Rows of every part into one packed float32 array (`rows × sum of the parts' widths`). */
function pack(arrays: readonly NpyArray[], rows: number): { data: Float32Array; width: number } {
  const widths = arrays.map((a) => elementCount(a.shape.slice(1)));
  const width = widths.reduce((p, q) => p + q, 0);
  const data = new Float32Array(rows * width);
  let offset = 0;
  arrays.forEach((a, k) => {
    const src = toFloat32(a.data);
    const w = widths[k];
    for (let r = 0; r < rows; r++) data.set(src.subarray(r * w, (r + 1) * w), r * width + offset);
    offset += w;
  });
  return { data, width };
}

/** One source of every input's and output's array; `name` is the file, for messages. */
export function multiArraySource(name: string, arrays: ReadonlyMap<string, NpyArray>, layers: ModelLayers): DataSource {
  const ins = layers.inputs.map((l) => partOf(arrays, layers, l, 'input', name));
  const outs = layers.outputs.map((l) => partOf(arrays, layers, l, 'output', name));
  const all = [...ins, ...outs];
  const rows = all.map(({ part, a }) => ({ part, n: a.shape[0] ?? 0 }));
  if (new Set(rows.map((r) => r.n)).size > 1) {
    throw new UserError(
      `${name}: the arrays have different numbers of rows (${rows.map((r) => `${r.part.array} ${r.n}`).join(', ')}).`,
      'Every input and target array needs one row per sample, in the same order.',
      'dataset-mismatch',
    );
  }
  const n = rows[0]?.n ?? 0;
  const x = pack(ins.map((p) => p.a), n);
  const y = pack(outs.map((p) => p.a), n);
  const wArray = arrays.get(SAMPLE_WEIGHT.npzKeys.train);
  const weights = wArray && sampleWeightsOf(wArray, n, `${name}:${SAMPLE_WEIGHT.npzKeys.train}`);
  const source = arraySource(name, x.data, [x.width], y.data, { kind: 'values', shape: [y.width] }, weights);
  return { ...source, io: { inputs: ins.map((p) => p.part), outputs: outs.map((p) => p.part) } };
}

/** Where each part sits in a packed row: offsets, widths and the row's width. */
export interface PartsLayout {
  offsets: number[];
  widths: number[];
  row: number;
}

export function partsLayout(parts: readonly IOPart[]): PartsLayout {
  const widths = parts.map((p) => elementCount(p.shape));
  const offsets = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  return { offsets, widths, row: widths.reduce((a, b) => a + b, 0) };
}

/** Part `k`'s values of `size` packed rows, packed on their own. */
export function partColumns(packed: Float32Array | Int32Array, layout: PartsLayout, k: number, size: number): Float32Array | Int32Array {
  const { row, offsets, widths } = layout;
  const [offset, width] = [offsets[k], widths[k]];
  if (row === width) return packed;
  const out = packed instanceof Int32Array ? new Int32Array(size * width) : new Float32Array(size * width);
  for (let r = 0; r < size; r++) out.set(packed.subarray(r * row + offset, r * row + offset + width), r * width);
  return out;
}

/**
 * Each output's targets checked as a one-output model's labels are (./labels.ts): class indices a softmax of
 * that output can produce, finite numbers, binary targets in [0, 1].
 */
export async function checkOutputLabels(source: DataSource, graph: ModelGraph, t: Pick<TrainingConfig, 'loss' | 'lossOptions' | 'metrics' | 'outputs'>): Promise<void> {
  const io = source.io;
  if (!io || !source.readLabels) return;
  const all = await source.readLabels();
  const layout = partsLayout(io.outputs);
  const heads = outputHeads(t, io.outputs.map((p) => p.layer));
  for (const [j, p] of io.outputs.entries()) {
    const y = partColumns(all, layout, j, source.size);
    const one: DataSource = { ...source, io: undefined, description: `${source.description}, array "${p.array}" for output ${p.layer}`, labels: p.labels ?? { kind: 'values', shape: p.shape }, readLabels: async () => y };
    await checkLabels(one, { ...graph, outputs: [p.layer] }, heads[j].loss);
  }
}
