/**
 * Keras weights in HDF5, in both layouts Keras has used, plus the weights-only file format that pairs such a
 * file with an architecture JSON.
 *
 * 1. Legacy (Keras 2 `save_weights('w.h5')`, and the `model_weights` group of a full-model `.h5`):
 *    attr `layer_names`; one group per layer with attr `weight_names` (`dense_1/kernel:0`,
 *    `lstm/lstm_cell/kernel:0`; Keras 3's legacy writer uses bare `kernel`); datasets at
 *    `<layer>/<weight name>`. Long attributes are split into `layer_names0`, `layer_names1`, ...
 *    (keras/src/legacy/saving/legacy_h5_format.py, `save_attributes_to_hdf5_group`, 64512-byte limit).
 * 2. Keras 3 (`model.weights.h5` inside `.keras`, and `save_weights('w.weights.h5')`):
 *    `layers/<snake_case(class)>[_N]/vars/0..n`, sub-layers below their owner (`lstm/cell/vars`,
 *    `bidirectional/forward_layer/cell/vars`), and an empty root `vars` (keras/src/saving/saving_lib.py,
 *    `_save_container_state`, `H5Entry`).
 *
 * Pairing (weights-only files have no architecture): open the weights file and the reader looks, in its
 * folder, for the JSON that `model.to_json()` wrote: `<base>.json`, `<base>_model.json`, `<base>.model.json`,
 * `<base>_config.json`, `model.json`, `config.json`, `modelConfig.json`, `model_config.json` (base = the name
 * without `.weights.h5` / `.h5` / a trailing `_weights`). Programs can pass both files explicitly with
 * `readKerasJsonWithWeights(jsonBytes, weightsBytes, names)`. Writing produces both files: `<base>.weights.h5`
 * (Keras 3 layout, or the legacy layout with `{layout: 'keras2'}`, then named `<base>.h5`) and `<base>.json`.
 */
import { UserError, isUserError, type JsonObject, type ModelFile, type ModelGraph, type NamedTensor } from '../core/types';
import { expectedWeights } from '../core/analysis';
import { encodeUtf8, isJsonObject, parseJsonFile, type FormatCodec, type OutputFile, type ReadContext, type WriteOptions } from './format';
import {
  attr,
  attrStrings,
  ensureGroup,
  float32Dataset,
  getNode,
  group,
  readHdf5,
  writeHdf5,
  type H5Attr,
  type H5DatasetNode,
  type H5GroupNode,
} from './hdf5';
import { graphFromKerasConfig, unwrapModelTopology } from './keras-config-read';
import { kerasConfigFromGraph, kerasModelJson, WRITTEN_BACKEND, WRITTEN_KERAS_VERSION } from './keras-config-write';
import { kerasSnakeCase, matchWeights, pairLayersByOrder, pythonJson, RNN_CELL_NAMES, type FileWeight } from './keras-common';
import { keras3ModelConfig } from './keras3-config';

// ------------------------------------------------------------------------------------------ legacy layout

/** Keras' HDF5_OBJECT_HEADER_LIMIT: attributes above it are split into numbered chunks. */
const HDF5_OBJECT_HEADER_LIMIT = 64512;

/** `load_attributes_from_hdf5_group`: the attribute, or its chunks `name0`, `name1`... joined. */
export function readSplitAttr(g: H5GroupNode, name: string): string[] | undefined {
  if (g.attrs.has(name)) return attrStrings(g.attrs.get(name));
  if (!g.attrs.has(`${name}0`)) return undefined;
  const out: string[] = [];
  for (let i = 0; g.attrs.has(`${name}${i}`); i++) out.push(...(attrStrings(g.attrs.get(`${name}${i}`)) ?? []));
  return out;
}

/**
 * `save_attributes_to_hdf5_group`: numpy turns the list into one `S<longest>` array; while any chunk is over
 * the limit the array is split into more, near-equal chunks (`np.array_split`).
 */
export function writeSplitAttr(g: H5GroupNode, name: string, values: string[]): void {
  const itemSize = Math.max(1, ...values.map((s) => encodeUtf8(s).length));
  if (values.some((v) => encodeUtf8(v).length > HDF5_OBJECT_HEADER_LIMIT)) {
    throw new UserError(`A name in "${name}" is longer than ${HDF5_OBJECT_HEADER_LIMIT} bytes, which HDF5 cannot store`, 'use shorter layer names');
  }
  let chunks = 1;
  const split = (n: number): string[][] => {
    // np.array_split: the first (len % n) chunks get one extra element.
    const base = Math.floor(values.length / n);
    const extra = values.length % n;
    const out: string[][] = [];
    let at = 0;
    for (let i = 0; i < n; i++) {
      const len = base + (i < extra ? 1 : 0);
      out.push(values.slice(at, at + len));
      at += len;
    }
    return out;
  };
  let parts = split(1);
  while (parts.some((p) => p.length * itemSize > HDF5_OBJECT_HEADER_LIMIT)) parts = split(++chunks);
  if (chunks === 1) g.attrs.set(name, attr.fixedStrings(values));
  else parts.forEach((p, i) => g.attrs.set(`${name}${i}`, fixedOrEmpty(p, itemSize)));
}

function fixedOrEmpty(values: string[], size: number): H5Attr {
  return values.length ? attr.fixedStrings(values, size) : attr.fixedStrings([]);
}

/**
 * A weight's name reduced to the layer's own part as the graph names it: `dense_1/kernel:0` -> `kernel`,
 * `lstm/lstm_cell/kernel:0` -> `kernel`, `bidirectional/forward_lstm/lstm_cell_1/kernel:0` ->
 * `forward_lstm/kernel` (Keras drops the cell scope when it falls back to matching names).
 */
function ownWeightName(fileName: string, layer: string): string {
  let parts = fileName.replace(/:\d+$/, '').split('/');
  if (parts.length > 1 && parts[0] === layer) parts = parts.slice(1);
  else if (parts.length > 1 && !parts[0]!.startsWith('forward_') && !parts[0]!.startsWith('backward_')) parts = parts.slice(1);
  parts = parts.filter((p, i) => i === parts.length - 1 || !/^(lstm|gru|simple_rnn|rnn|conv_lstm)_cell(_\d+)?$/.test(p));
  return parts.join('/');
}

/**
 * Reads a legacy weights group (`model_weights`, or the root of a `save_weights` file) into graph weights.
 * Layers named otherwise than in the config are paired by order, as Keras does, with a note in `notes`.
 */
export function readLegacyWeights(g: H5GroupNode, graph: ModelGraph, label: string, notes?: string[]): NamedTensor[] {
  const layerNames = readSplitAttr(g, 'layer_names');
  if (!layerNames) {
    throw new UserError(`${label} has no "layer_names" attribute, so it holds no Keras weights`, 'save the weights again with Keras', 'h5-no-weights');
  }
  const byLayer = new Map<string, FileWeight[]>();
  for (const layer of layerNames) {
    const lg = g.children.get(layer);
    if (!lg || lg.kind !== 'group') {
      throw new UserError(`${label} lists layer '${layer}' but has no group for it`, 'the file is damaged; save it again', 'h5-damaged');
    }
    const names = readSplitAttr(lg, 'weight_names') ?? [];
    byLayer.set(
      layer,
      names.map((n) => {
        const ds = getNode(lg, n);
        if (!ds || ds.kind !== 'dataset') {
          throw new UserError(`${label} names the weight '${n}' of layer '${layer}' but has no data for it`, 'the file is damaged; save it again', 'h5-damaged');
        }
        return { ownName: ownWeightName(n, layer), path: `${layer}/${n}`, dataset: ds };
      }),
    );
  }
  return matchWeights(graph, pairLayersByOrder(graph, byLayer, kerasModelLayers(graph).map((l) => l.name), label, notes), label);
}

/** The layers Keras lists in `layer_names`: `model.layers`, which for a Sequential leaves out the InputLayer. */
function kerasModelLayers(g: ModelGraph): { name: string; className: string; config: JsonObject }[] {
  const cfg = kerasConfigFromGraph(g);
  const layers = ((cfg.config as JsonObject).layers as JsonObject[]).map((l) => {
    const c = l.config as JsonObject;
    return { name: c.name as string, className: l.class_name as string, config: c };
  });
  return cfg.class_name === 'Sequential' ? layers.filter((l) => l.className !== 'InputLayer') : layers;
}

/** Weights grouped by layer, in the model's order; a UserError when some layer that needs weights has none. */
function weightsByLayer(file: ModelFile): Map<string, NamedTensor[]> {
  const out = new Map<string, NamedTensor[]>();
  for (const w of file.weights) {
    const layer = w.name.slice(0, w.name.indexOf('/'));
    if (!out.has(layer)) out.set(layer, []);
    out.get(layer)!.push(w);
  }
  const expected = expectedWeights(file.graph);
  const missing = expected.filter((e) => !file.weights.some((w) => w.name === e.name));
  if (missing.length > 0 && file.weights.length === 0) {
    throw new UserError('The model has no weights yet, and Keras files must hold them', 'initialise or train the model first', 'weights-missing');
  }
  if (missing.length > 0) {
    // Some weights present, some not: the file would be one Keras refuses to load.
    throw new UserError(
      `The model has no values for ${missing.length} weight(s): ${missing.slice(0, 6).map((m) => m.name).join(', ')}`,
      'initialise or train the model before saving it in a Keras format',
      'weights-missing',
    );
  }
  return out;
}

/** The legacy name of a weight: `<layer>/<own>:0`, with the recurrent cell scope tf.keras 2.x adds. */
function legacyWeightName(layer: string, className: string, config: JsonObject, own: string): string {
  const parts = own.split('/');
  const last = parts.pop()!;
  let cellClass: string | undefined = RNN_CELL_NAMES[className];
  if (className === 'Bidirectional' && isJsonObject(config.layer)) cellClass = RNN_CELL_NAMES[config.layer.class_name as string];
  const scope = cellClass && ['kernel', 'recurrent_kernel', 'bias'].includes(last) ? [...parts, cellClass] : parts;
  return [layer, ...scope, last].join('/') + ':0';
}

/** Fills `g` (the `model_weights` group, or a weights-file root) in tf.keras 2.x `save_weights` layout. */
export function writeLegacyWeights(g: H5GroupNode, file: ModelFile): void {
  const byLayer = weightsByLayer(file);
  g.attrs.set('backend', attr.vlenString(WRITTEN_BACKEND));
  g.attrs.set('keras_version', attr.vlenString(WRITTEN_KERAS_VERSION));
  const layers = kerasModelLayers(file.graph);
  writeSplitAttr(g, 'layer_names', layers.map((l) => l.name));
  for (const l of layers) {
    const lg = ensureGroup(g, l.name);
    const ws = byLayer.get(l.name) ?? [];
    const names = ws.map((w) => legacyWeightName(l.name, l.className, l.config, w.name.slice(l.name.length + 1)));
    writeSplitAttr(lg, 'weight_names', names);
    ws.forEach((w, i) => {
      const path = names[i]!.split('/');
      const leaf = path.pop()!;
      ensureGroup(lg, path.join('/')).children.set(leaf, dataset(w));
    });
  }
}

function dataset(w: NamedTensor): H5DatasetNode {
  return float32Dataset([...w.shape], w.data);
}

// ------------------------------------------------------------------------------------------ Keras 3 layout

/** Keras 3's path of each layer below `layers/`: snake_case of the class, `_1`, `_2`... for repeats. */
function keras3LayerPaths(g: ModelGraph): { name: string; className: string; config: JsonObject; path: string }[] {
  const used = new Map<string, number>();
  return kerasModelLayers(g).map((l) => {
    let p = kerasSnakeCase(l.className);
    const n = used.get(p);
    if (n === undefined) used.set(p, 0);
    else {
      used.set(p, n + 1);
      p = `${p}_${n + 1}`;
    }
    return { ...l, path: p };
  });
}

function varsOf(g: H5GroupNode | undefined, path: string): FileWeight[] {
  const vars = g?.children.get('vars');
  if (!vars || vars.kind !== 'group') return [];
  return [...vars.children.entries()]
    .filter(([k, v]) => /^\d+$/.test(k) && v.kind === 'dataset')
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([k, v]) => ({ ownName: k, path: `${path}/vars/${k}`, dataset: v as H5DatasetNode }));
}

/** A layer's variables with those of its sub-layers, in Keras' weight order (forward before backward). */
function collectVars(g: H5GroupNode, path: string): FileWeight[] {
  const subs = [...g.children.entries()]
    .filter(([k, v]) => k !== 'vars' && v.kind === 'group')
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return [...varsOf(g, path), ...subs.flatMap(([k, v]) => collectVars(v as H5GroupNode, `${path}/${k}`))];
}

/** Sub-layer order: forward before backward (Bidirectional); MultiHeadAttention's query, key, value, output. */
const SUBLAYER_RANK: Record<string, number> = { forward_layer: 0, query_dense: 1, key_dense: 2, value_dense: 3, output_dense: 4, backward_layer: 9 };

function rank(k: string): number {
  return SUBLAYER_RANK[k] ?? 5;
}

/** MultiHeadAttention's EinsumDense sub-layers as Keras 3 stores them (`self._query_dense` -> `query_dense`). */
const MHA_SUBLAYERS: Record<string, string> = { query: 'query_dense', key: 'key_dense', value: 'value_dense', attention_output: 'output_dense' };

/** Reads Keras 3 `layers/.../vars` weights (a `.keras` archive's model.weights.h5 or a `.weights.h5`). */
export function readKeras3Weights(root: H5GroupNode, graph: ModelGraph, label: string): NamedTensor[] {
  // Keras 2.13's first `.keras` files used `_layer_checkpoint_dependencies` (saving_lib.H5Entry).
  const layers = (getNode(root, 'layers') ?? getNode(root, '_layer_checkpoint_dependencies')) as H5GroupNode | undefined;
  if (!layers || layers.kind !== 'group') {
    throw new UserError(`${label} has no "layers" group, so it holds no Keras 3 weights`, 'save the weights again with Keras 3', 'h5-no-weights');
  }
  const byLayer = new Map<string, FileWeight[]>();
  for (const l of keras3LayerPaths(graph)) {
    const g = layers.children.get(l.path);
    byLayer.set(l.name, g && g.kind === 'group' ? collectVars(g, `layers/${l.path}`) : []);
  }
  return matchWeights(graph, byLayer, label);
}

/** The Keras 3 weights tree of a model (`model.weights.h5` / `.weights.h5`). */
export function keras3WeightsTree(file: ModelFile): H5GroupNode {
  const byLayer = weightsByLayer(file);
  const root = group();
  const layersGroup = ensureGroup(root, 'layers');
  for (const l of keras3LayerPaths(file.graph)) {
    const lg = ensureGroup(layersGroup, l.path);
    ensureGroup(lg, 'vars');
    const ws = byLayer.get(l.name) ?? [];
    const put = (g: H5GroupNode, list: NamedTensor[]): void => list.forEach((w, i) => g.children.set(String(i), dataset(w)));
    if (RNN_CELL_NAMES[l.className]) {
      // Keras 3 RNN layers own no variables; their cell does (`self.cell`).
      put(ensureGroup(lg, 'cell/vars'), ws);
    } else if (l.className === 'Bidirectional') {
      const inner = isJsonObject(l.config.layer) ? (l.config.layer.class_name as string) : '';
      const own = (w: NamedTensor): string => w.name.slice(l.name.length + 1);
      const fwd = ws.filter((w) => own(w).startsWith('forward'));
      const bwd = ws.filter((w) => own(w).startsWith('backward'));
      for (const [side, list] of [['forward_layer', fwd], ['backward_layer', bwd]] as const) {
        ensureGroup(lg, `${side}/vars`);
        put(ensureGroup(lg, RNN_CELL_NAMES[inner] ? `${side}/cell/vars` : `${side}/vars`), list);
      }
    } else if (l.className === 'MultiHeadAttention') {
      for (const sub of Object.values(MHA_SUBLAYERS)) ensureGroup(lg, `${sub}/vars`);
      for (const [own, sub] of Object.entries(MHA_SUBLAYERS)) put(ensureGroup(lg, `${sub}/vars`), ws.filter((w) => w.name.startsWith(`${l.name}/${own}/`)));
    } else if (l.className === 'TimeDistributed') {
      put(ensureGroup(lg, 'layer/vars'), ws);
    } else put(ensureGroup(lg, 'vars'), ws);
  }
  ensureGroup(root, 'vars');
  return root;
}

// ------------------------------------------------------------------------------------------ pairing

/** Which weights layout an HDF5 tree uses. */
export function weightsLayout(root: H5GroupNode): 'keras2' | 'keras3' | undefined {
  if (readSplitAttr(root, 'layer_names')) return 'keras2';
  if (getNode(root, 'layers') || getNode(root, '_layer_checkpoint_dependencies')) return 'keras3';
  return undefined;
}

/** Parses an architecture JSON: `to_json()` output (Keras 2 or 3), or a TF.js `model.json`'s topology. */
function parseArchitectureJson(bytes: Uint8Array, name: string): { graph: ModelGraph; kerasVersion?: string; backend?: string } {
  const doc = parseJsonFile(bytes, name);
  if (!isJsonObject(doc)) throw new UserError(`${name} is not a Keras model JSON`, 'expected the output of model.to_json()', 'not-keras-config');
  const topo = isJsonObject(doc.modelTopology) ? doc.modelTopology : doc;
  const { modelConfig, kerasVersion, backend } = unwrapModelTopology(topo);
  return { graph: graphFromKerasConfig(modelConfig), kerasVersion, backend };
}

/** Reads an architecture JSON and a weights-only HDF5 file (either layout) together. */
export async function readKerasJsonWithWeights(
  jsonBytes: Uint8Array,
  weightsBytes: Uint8Array,
  names: { json: string; weights: string },
): Promise<ModelFile> {
  const { graph, kerasVersion, backend } = parseArchitectureJson(jsonBytes, names.json);
  const root = await readHdf5(weightsBytes, names.weights);
  const notes: string[] = [];
  const weights = weightsFromTree(root, graph, names.weights, notes);
  return { graph, weights, ...(notes.length ? { notes } : {}), producer: { format: 'keras-weights-h5', kerasVersion, backend } };
}

/** The weights of `graph` from a weights-only tree, in whichever layout it is. */
export function weightsFromTree(root: H5GroupNode, graph: ModelGraph, label: string, notes?: string[]): NamedTensor[] {
  const layout = weightsLayout(root);
  if (layout === 'keras2') return readLegacyWeights(root, graph, label, notes);
  if (layout === 'keras3') return readKeras3Weights(root, graph, label);
  throw new UserError(`${label} holds no Keras weights`, 'expected a file written by Keras save_weights()', 'h5-no-weights');
}

/** `w.weights.h5` -> `w`, `w.h5` -> `w`, `model_weights.h5` -> `model`. */
function weightsBaseName(fileName: string): string {
  return fileName.replace(/\.weights\.h5$|\.h5$|\.hdf5$/i, '').replace(/_weights$/, '');
}

function pairedJsonCandidates(fileName: string): string[] {
  const base = weightsBaseName(fileName);
  const full = fileName.replace(/\.weights\.h5$|\.h5$|\.hdf5$/i, '');
  const names = [`${full}.json`, `${base}.json`, `${base}_model.json`, `${base}.model.json`, `${base}_config.json`, 'model.json', 'config.json', 'modelConfig.json', 'model_config.json'];
  return [...new Set(names)];
}

/** Reads a weights-only file, finding its architecture JSON next to it. */
export async function readWeightsWithSiblingJson(main: Uint8Array, ctx: ReadContext, root?: H5GroupNode): Promise<ModelFile> {
  const tree = root ?? (await readHdf5(main, ctx.fileName));
  if (!weightsLayout(tree)) throw new UserError(`${ctx.fileName} holds no Keras model or weights`, 'expected a file written by Keras model.save() or save_weights()', 'h5-no-weights');
  const candidates = pairedJsonCandidates(ctx.fileName);
  for (const c of candidates) {
    let bytes: Uint8Array;
    try {
      bytes = await ctx.readSibling(c);
    } catch (e) {
      // Absent: try the next name. Present but refused (a link out of the folder, unreadable): say so.
      if (isUserError(e) && e.code === 'file-missing') continue;
      throw e;
    }
    const { graph, kerasVersion, backend } = parseArchitectureJson(bytes, c);
    const notes: string[] = [];
    const weights = weightsFromTree(tree, graph, ctx.fileName, notes);
    return { graph, weights, ...(notes.length ? { notes } : {}), producer: { format: 'keras-weights-h5', kerasVersion, backend } };
  }
  throw new UserError(
    `${ctx.fileName} holds only weights (Keras save_weights), and no architecture JSON was found next to it`,
    `save model.to_json() next to it as ${candidates[0]} (also looked for: ${candidates.slice(1).join(', ')})`,
    'weights-without-config',
  );
}

export async function writeWeightsPair(model: ModelFile, baseName: string, opts: WriteOptions = {}): Promise<OutputFile[]> {
  const base = baseName.replace(/\.weights$/, '');
  if (opts.layout === 'keras2') {
    const root = group();
    writeLegacyWeights(root, model);
    return [
      { relPath: `${base}.h5`, bytes: await writeHdf5(root) },
      { relPath: `${base}.json`, bytes: encodeUtf8(pythonJson(kerasModelJson(model.graph))) },
    ];
  }
  return [
    { relPath: `${base}.weights.h5`, bytes: await writeHdf5(keras3WeightsTree(model)) },
    { relPath: `${base}.json`, bytes: encodeUtf8(pythonJson(keras3ModelConfig(model.graph))) },
  ];
}

export const kerasWeightsH5Codec: FormatCodec = {
  read: (main, ctx) => readWeightsWithSiblingJson(main, ctx),
  write: writeWeightsPair,
};
