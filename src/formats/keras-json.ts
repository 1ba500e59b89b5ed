/**
 * Keras architecture JSON (`model.to_json()` / `model_config`): Keras 2 and Keras 3 configs in, Keras 2
 * (tf.keras 2.x) style out, which TF.js, tf.keras 2.x and Keras 3 all load.
 *
 * References:
 * - Keras 3 keras/src/models/functional.py (`get_config`, `functional_from_config`, `serialize_node`):
 *   dict-style inbound nodes `{args, kwargs}` holding `__keras_tensor__` objects with `keras_history`,
 *   `input_layers`/`output_layers` as a leaf `[name, node, tensor]`, a list of leaves, or a dict.
 * - tf.keras 2.x keras/engine/functional.py: nested-list inbound nodes `[[[name, node, tensor, kwargs]]]`,
 *   Sequential configs that list the InputLayer first; Keras <= 2.1 Sequential `config` is a bare list.
 * - tfjs-layers src/engine/container.ts `fromConfig` (accepts class names `Model` and `Functional`).
 *
 * Model Studio's graph has one call per layer and one output tensor per layer; files that need more
 * (shared layers, nested models, multi-output layers) are refused with a message saying so. Nothing in a
 * file is ever executed: Lambda layers and custom classes are refused by name.
 */
import { UserError, type Json, type JsonObject, type LayerNode, type ModelFile, type ModelGraph } from '../core/types';
import { consumers, isChain } from '../core/graph';
import { getSpec } from '../core/layers';
import { decodeUtf8, encodeUtf8, parseJsonFile, type FormatCodec, type ReadContext } from './format';

export { parseJsonFile };

/** The `keras_version` we write: the layout we emit is tf.keras 2.x's (Keras only uses it for 1.x conversions). */
export const WRITTEN_KERAS_VERSION = '2.15.0';
export const WRITTEN_BACKEND = 'tensorflow';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

// ---------------------------------------------------------------------------------------------- reading

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a Keras model config (`{class_name, config}`, Keras 2 or 3) into a graph. Throws UserError for
 * anything Model Studio cannot represent or must not run.
 */
export function graphFromKerasConfig(modelConfig: unknown): ModelGraph {
  if (!isJsonObject(modelConfig) || typeof modelConfig.class_name !== 'string') {
    throw new UserError(
      'This is not a Keras model config: expected an object with "class_name" and "config"',
      'Model Studio reads the JSON that Keras\' model.to_json() writes',
      'not-keras-config',
    );
  }
  const className = modelConfig.class_name;
  const config = modelConfig.config;
  if (className === 'Sequential') return sequentialGraph(config ?? null);
  if (className === 'Functional' || className === 'Model') {
    if (isJsonObject(config) && Array.isArray(config.layers)) return functionalGraph(config);
  }
  const registered = typeof modelConfig.registered_name === 'string' ? modelConfig.registered_name : className;
  throw new UserError(
    `The model class '${className}' is a custom (subclassed) Keras model${registered !== className ? ` ('${registered}')` : ''}; its architecture is Python code, which Model Studio never executes`,
    'rebuild the model with the Sequential or Functional API in Keras, then save it again',
    'custom-model',
  );
}

function sequentialGraph(config: Json): ModelGraph {
  // Keras <= 2.1 wrote the layer list itself as the config.
  const layersRaw = Array.isArray(config) ? config : isJsonObject(config) ? config.layers : undefined;
  if (!Array.isArray(layersRaw)) {
    throw new UserError('The Sequential model config has no "layers" list', 'the file may be damaged', 'bad-config');
  }
  const name = isJsonObject(config) && typeof config.name === 'string' ? config.name : 'sequential';
  const nodes = layersRaw.map((entry, i) => parseLayerEntry(entry, i));
  checkUniqueNames(nodes);
  nodes.forEach((n, i) => {
    if (i > 0 && n.className === 'InputLayer') {
      throw new UserError(`The Sequential model has an InputLayer ('${n.name}') after its first layer`, 'the file may be damaged', 'bad-config');
    }
  });

  const first = nodes[0];
  if (first && first.className !== 'InputLayer') {
    const input = implicitInput(first, isJsonObject(config) ? config.build_input_shape : undefined, nodes);
    if (input) nodes.unshift(input);
  }
  stripInputShapes(nodes);
  for (let i = 1; i < nodes.length; i++) nodes[i]!.inbound = [nodes[i - 1]!.name];
  const last = nodes[nodes.length - 1];
  return {
    name,
    kind: 'Sequential',
    layers: nodes,
    inputs: nodes[0]?.className === 'InputLayer' ? [nodes[0].name] : [],
    outputs: last && last.className !== 'InputLayer' ? [last.name] : [],
  };
}

/**
 * A Sequential model without an InputLayer takes its input shape from its first layer (`batch_input_shape`,
 * `batch_shape` or `input_shape`) or from `build_input_shape`. Keras then creates an InputLayer itself,
 * named `<first layer>_input` (tf.keras 2.x Sequential.add) or `input_layer` (Keras 3 Sequential.build);
 * we make that layer explicit so the graph has a real input node.
 */
function implicitInput(first: LayerNode, buildInputShape: Json | undefined, nodes: LayerNode[]): LayerNode | null {
  const c = first.config;
  let shape: Json | undefined;
  let base = `${first.name}_input`;
  if (Array.isArray(c.batch_input_shape)) shape = c.batch_input_shape;
  else if (Array.isArray(c.batch_shape)) shape = c.batch_shape;
  else if (Array.isArray(c.input_shape)) shape = [null, ...c.input_shape];
  else if (Array.isArray(buildInputShape)) {
    shape = buildInputShape;
    base = 'input_layer';
  }
  if (!shape) return null;
  delete c.batch_input_shape;
  delete c.batch_shape;
  delete c.input_shape;
  const taken = new Set(nodes.map((n) => n.name));
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  const dtype = typeof c.dtype === 'string' ? c.dtype : 'float32';
  return { name, className: 'InputLayer', config: { batch_input_shape: shape, dtype, sparse: false }, inbound: [] };
}

/**
 * tf.keras 2.x also writes `batch_input_shape` into the config of a layer built with `input_shape=`, next to
 * the InputLayer it created. Keras ignores it on any layer that is called on a tensor, so it carries no
 * information once the graph has its InputLayer; dropping it keeps configs to the fields the layer has.
 */
function stripInputShapes(nodes: LayerNode[]): void {
  for (const n of nodes) {
    if (n.className === 'InputLayer') continue;
    delete n.config.batch_input_shape;
    delete n.config.batch_shape;
    delete n.config.input_shape;
  }
}

function functionalGraph(config: JsonObject): ModelGraph {
  const layersRaw = config.layers as Json[];
  const name = typeof config.name === 'string' ? config.name : 'model';
  const nodes: LayerNode[] = [];
  const refsByLayer = new Map<string, TensorRef[]>();
  layersRaw.forEach((entry, i) => {
    const node = parseLayerEntry(entry, i);
    const inboundNodes = isJsonObject(entry) ? entry.inbound_nodes ?? [] : [];
    if (!Array.isArray(inboundNodes)) throw new UserError(`Layer '${node.name}' has an invalid "inbound_nodes" entry`, 'the file may be damaged', 'bad-config');
    if (inboundNodes.length > 1) throw sharedLayerError(node.name, inboundNodes.length);
    refsByLayer.set(node.name, inboundNodes.length ? parseCallNode(inboundNodes[0]!, node.name) : []);
    nodes.push(node);
  });
  checkUniqueNames(nodes);
  stripInputShapes(nodes);
  const known = new Set(nodes.map((n) => n.name));
  for (const node of nodes) {
    node.inbound = (refsByLayer.get(node.name) ?? []).map((r) => checkRef(r, known, `the input of layer '${node.name}'`));
  }
  const inputs = tensorRefs(config.input_layers, 'input_layers').map((r) => checkRef(r, known, 'the model inputs'));
  const outputs = tensorRefs(config.output_layers, 'output_layers').map((r) => checkRef(r, known, 'the model outputs'));
  for (const i of inputs) {
    const n = nodes.find((l) => l.name === i)!;
    if (n.className !== 'InputLayer') {
      throw new UserError(`The model input '${i}' is a ${n.className}, not an InputLayer`, 'the file may be damaged', 'bad-config');
    }
  }
  return { name, kind: 'Functional', layers: nodes, inputs, outputs };
}

interface TensorRef {
  layer: string;
  nodeIndex: number;
  tensorIndex: number;
}

function checkRef(r: TensorRef, known: Set<string>, where: string): string {
  if (!known.has(r.layer)) {
    throw new UserError(`${capitalize(where)} refers to a layer '${r.layer}' that the model does not define`, 'the file may be damaged', 'bad-config');
  }
  if (r.nodeIndex !== 0) throw sharedLayerError(r.layer, r.nodeIndex + 1);
  if (r.tensorIndex !== 0) {
    throw new UserError(
      `${capitalize(where)} uses output #${r.tensorIndex + 1} of layer '${r.layer}'; Model Studio supports layers with one output only`,
      'layers that return several tensors (e.g. an LSTM with return_state=True) cannot be edited here yet',
      'multi-output-layer',
    );
  }
  return r.layer;
}

function sharedLayerError(layer: string, calls: number): UserError {
  return new UserError(
    `Layer '${layer}' is shared: the model calls it ${calls} times, and Model Studio supports one call per layer`,
    'in Keras, create a separate layer for each call (weights are then no longer shared) and save again',
    'shared-layer',
  );
}

/** One inbound node: Keras 2 `[[name, node, tensor, kwargs], ...]` or Keras 3 `{args, kwargs}`. */
function parseCallNode(node: Json, layer: string): TensorRef[] {
  if (Array.isArray(node)) {
    return node.map((ref) => {
      if (!Array.isArray(ref) || typeof ref[0] !== 'string') {
        throw new UserError(`Layer '${layer}' has an invalid inbound node`, 'the file may be damaged', 'bad-config');
      }
      return { layer: ref[0], nodeIndex: Number(ref[1] ?? 0), tensorIndex: Number(ref[2] ?? 0) };
    });
  }
  if (isJsonObject(node) && ('args' in node || 'kwargs' in node)) {
    const refs: TensorRef[] = [];
    collectKerasTensors(node.args ?? [], refs);
    const kwRefs: TensorRef[] = [];
    collectKerasTensors(node.kwargs ?? {}, kwRefs);
    if (kwRefs.length) {
      throw new UserError(
        `Layer '${layer}' receives tensors as keyword arguments (such as mask or initial_state), which Model Studio does not support`,
        'pass all tensors as the layer\'s regular inputs in Keras and save again',
        'tensor-kwargs',
      );
    }
    return refs;
  }
  throw new UserError(`Layer '${layer}' has an invalid inbound node`, 'the file may be damaged', 'bad-config');
}

function collectKerasTensors(v: Json, out: TensorRef[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collectKerasTensors(x, out);
  } else if (isJsonObject(v)) {
    if (v.class_name === '__keras_tensor__' && isJsonObject(v.config)) {
      const h = v.config.keras_history;
      if (Array.isArray(h) && typeof h[0] === 'string') {
        out.push({ layer: h[0], nodeIndex: Number(h[1] ?? 0), tensorIndex: Number(h[2] ?? 0) });
        return;
      }
    }
    for (const x of Object.values(v)) collectKerasTensors(x, out);
  }
}

/** `input_layers` / `output_layers`: a leaf `[name, node, tensor]`, a (nested) list of leaves, or a dict. */
function tensorRefs(v: Json | undefined, field: string): TensorRef[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'string') {
    return [{ layer: v[0], nodeIndex: Number(v[1]), tensorIndex: Number(v[2]) }];
  }
  if (Array.isArray(v)) return v.flatMap((x) => tensorRefs(x, field));
  if (isJsonObject(v)) return Object.values(v).flatMap((x) => tensorRefs(x, field));
  throw new UserError(`The model's "${field}" entry is invalid`, 'the file may be damaged', 'bad-config');
}

function checkUniqueNames(nodes: LayerNode[]): void {
  const seen = new Set<string>();
  for (const n of nodes) {
    if (seen.has(n.name)) throw new UserError(`Two layers are both named '${n.name}'`, 'layer names must be unique in a model', 'duplicate-layer');
    seen.add(n.name);
  }
}

/** One entry of a `layers` list: checks the class and normalises the config. `inbound` is filled in later. */
function parseLayerEntry(entry: Json, index: number): LayerNode {
  if (!isJsonObject(entry) || typeof entry.class_name !== 'string') {
    throw new UserError(`Layer #${index + 1} of the model has no "class_name"`, 'the file may be damaged', 'bad-config');
  }
  const raw = isJsonObject(entry.config) ? entry.config : {};
  const name =
    typeof entry.name === 'string' ? entry.name : typeof raw.name === 'string' ? raw.name : `layer_${index + 1}`;
  const className = entry.class_name;
  checkLayerClass(className, name, entry);
  const config = normalizeValue(raw, name) as JsonObject;
  delete config.name;
  if (className === 'InputLayer') {
    // Keras 3 writes `batch_shape`; the graph (and TF.js) use the Keras 2 spelling.
    if (config.batch_shape !== undefined && config.batch_input_shape === undefined) {
      config.batch_input_shape = config.batch_shape;
    }
    delete config.batch_shape;
  }
  // Wrappers (Bidirectional, TimeDistributed) hold a layer config: it must be a known, code-free layer too.
  if (isJsonObject(config.layer) && typeof config.layer.class_name === 'string') {
    const inner = config.layer;
    const innerName = isJsonObject(inner.config) && typeof inner.config.name === 'string' ? inner.config.name : name;
    checkLayerClass(inner.class_name as string, innerName, inner);
  }
  return { name, className, config, inbound: [] };
}

function checkLayerClass(className: string, layer: string, entry: JsonObject): void {
  if (className === 'Lambda') {
    throw new UserError(
      `Layer '${layer}' is a Lambda layer: Lambda layers contain Python code, which Model Studio never executes`,
      'replace the Lambda with built-in layers (e.g. Activation, Reshape, Add) in Keras and save again',
      'lambda-layer',
    );
  }
  if (className === 'TFOpLambda' || className === 'SlicingOpLambda') {
    throw new UserError(
      `Layer '${layer}' is a raw TensorFlow operation (${className}), not a Keras layer; Model Studio cannot load it`,
      'use the equivalent Keras layer (e.g. Add instead of x + y, Reshape instead of tf.reshape) and save again',
      'tf-op-layer',
    );
  }
  if (MODEL_CLASSES.has(className)) {
    throw new UserError(
      `Layer '${layer}' is a whole ${className} model nested inside this model; Model Studio does not support nested models yet`,
      'in Keras, rebuild the model so the inner model\'s layers are called directly, then save again',
      'nested-model',
    );
  }
  if (isCustomObject(entry) || !getSpec(className)) {
    const registered = typeof entry.registered_name === 'string' ? ` (registered as '${entry.registered_name}')` : '';
    throw new UserError(
      `Unknown layer class '${className}' in layer '${layer}'${registered}`,
      'Model Studio reads the built-in Keras layers of its catalog; custom layers are Python code, which it never runs',
      'unknown-layer',
    );
  }
}

/** Keras 3 marks user classes with their own `module` and a `package>Name` registered name. */
function isCustomObject(v: JsonObject): boolean {
  const m = v.module;
  if (typeof m === 'string' && !/^keras(\.|$)/.test(m)) return true;
  const r = v.registered_name;
  return typeof r === 'string' && r.includes('>') && !r.startsWith('keras>');
}

/**
 * Brings a Keras 3 config value to the Keras 2 form the graph stores:
 * - DTypePolicy objects (Keras >= 3.4; Keras 2 mixed-precision `Policy`) become their name, e.g. "float32";
 * - serialized objects `{module, class_name, config, registered_name}` become `{class_name, config}`;
 * - `__tuple__` wrappers become lists; built-in activation functions become their name.
 * Custom objects (initializers, regularizers... from user code) are refused.
 */
function normalizeValue(v: Json, layer: string): Json {
  if (Array.isArray(v)) return v.map((x) => normalizeValue(x, layer));
  if (!isJsonObject(v)) return v;
  const cls = v.class_name;
  if (typeof cls === 'string') {
    const cfg = v.config;
    if (/Policy$/.test(cls) && isJsonObject(cfg) && typeof cfg.name === 'string') return cfg.name;
    if (cls === '__tuple__' && isJsonObject(cfg) && Array.isArray(cfg.value)) return normalizeValue(cfg.value, layer);
    if (cls === '__lambda__' || cls === '__function__' || (cls === 'function' && isCustomObject(v))) {
      throw new UserError(
        `Layer '${layer}' contains a Python function, which Model Studio never executes`,
        'use built-in activations, initializers and layers in Keras and save again',
        'python-code',
      );
    }
    if (cls === 'function' && typeof cfg === 'string') return cfg;
    if (isCustomObject(v)) {
      throw new UserError(
        `Layer '${layer}' uses the custom class '${cls}'${typeof v.registered_name === 'string' ? ` ('${v.registered_name}')` : ''}, which Model Studio cannot load`,
        'custom Keras objects are Python code; replace it with a built-in one and save again',
        'custom-object',
      );
    }
    const alias = READ_ALIASES[cls];
    if (alias && isJsonObject(cfg)) return { class_name: alias, config: normalizeValue(cfg, layer) };
    if ((cls === 'L1' || cls === 'L2') && isJsonObject(cfg)) {
      return { class_name: 'L1L2', config: { l1: cfg.l1 ?? 0, l2: cfg.l2 ?? 0 } };
    }
    if ('module' in v || 'registered_name' in v) {
      // Keras 3 serialized object; keep only what Keras 2 writes. Nested layer configs (wrappers) keep their own checks.
      return { class_name: cls, config: normalizeValue(cfg ?? {}, layer) };
    }
  }
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = normalizeValue(x, layer);
  return out;
}

/**
 * Other spellings of the classes the catalog names (core/layers/vocab.ts): TF.js writes `LeCunNormal`,
 * Keras 3 writes `OrthogonalInitializer` / `IdentityInitializer`. Regularizers `L1` / `L2` (tf.keras 2.4+,
 * Keras 3) become the equivalent `L1L2`, the one class TF.js, tf.keras and Keras 3 all read.
 */
const READ_ALIASES: Record<string, string> = {
  LeCunNormal: 'LecunNormal',
  LeCunUniform: 'LecunUniform',
  OrthogonalInitializer: 'Orthogonal',
  IdentityInitializer: 'Identity',
};

/** TF.js registers a few classes under other names than Keras (tfjs-layers src/initializers.ts). */
const TFJS_SPELLINGS: Record<string, string> = {
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
};

/** A copy of a Keras config with the class names TF.js expects (for model.json and for building tfjs models). */
export function toTfjsSpelling<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => toTfjsSpelling(x)) as T;
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = toTfjsSpelling(x);
  if (typeof v.class_name === 'string' && TFJS_SPELLINGS[v.class_name] && isJsonObject(v.config)) {
    out.class_name = TFJS_SPELLINGS[v.class_name]!;
  }
  return out as T;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------------- writing

/** The layers of `g` in chain order, when `g` is a Sequential-shaped chain that covers every layer; else null. */
function sequentialChain(g: ModelGraph): LayerNode[] | null {
  if (g.kind !== 'Sequential' || !isChain(g) || g.layers.length === 0) return null;
  const starts = g.layers.filter((l) => l.inbound.length === 0);
  if (starts.length !== 1) return null;
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  const chain: LayerNode[] = [];
  let cur: LayerNode | undefined = starts[0];
  while (cur && chain.length <= g.layers.length) {
    chain.push(cur);
    const next = consumers(g, cur.name);
    cur = next.length === 1 ? byName.get(next[0]!) : undefined;
  }
  if (chain.length !== g.layers.length) return null;
  if (chain.slice(1).some((l) => l.className === 'InputLayer')) return null;
  const last = chain[chain.length - 1]!;
  if (g.outputs.length > 1 || (g.outputs.length === 1 && g.outputs[0] !== last.name)) return null;
  return chain;
}

/**
 * Where TF.js' constructor default differs from Keras', the Keras default is written out so that Keras and
 * TF.js build the same model from the file: LSTM/GRU `recurrent_activation` is `hardSigmoid` in tfjs-layers
 * (src/layers/recurrent.ts LSTMCell/GRUCell) but `sigmoid` in Keras 2 and 3. Wrappers carry the inner layer.
 */
function withKerasDefaults(className: string, config: JsonObject): JsonObject {
  if ((className === 'LSTM' || className === 'GRU') && config.recurrent_activation === undefined) {
    return { ...config, recurrent_activation: 'sigmoid' };
  }
  const inner = config.layer;
  if ((className === 'Bidirectional' || className === 'TimeDistributed') && isJsonObject(inner) && typeof inner.class_name === 'string' && isJsonObject(inner.config)) {
    return { ...config, layer: { ...inner, config: withKerasDefaults(inner.class_name, inner.config) } };
  }
  return config;
}

/** `{name, ...config}`: Keras writes the name first. */
function layerConfig(l: LayerNode): JsonObject {
  const { name: _ignored, ...rest } = l.config;
  void _ignored;
  return { name: l.name, ...withKerasDefaults(l.className, structuredClone(rest)) };
}

/**
 * The Keras 2 (tf.keras 2.x) `{class_name, config}` of a graph: `Sequential` (InputLayer listed first, as
 * tf.keras 2.x writes it) when the graph is a Sequential chain, otherwise `Functional` with nested-list
 * inbound nodes. Both load in tf.keras 2.x, Keras 3 and TF.js (`tf.models.modelFromJSON`).
 */
export function kerasConfigFromGraph(g: ModelGraph): JsonObject {
  const chain = sequentialChain(g);
  if (chain) {
    return {
      class_name: 'Sequential',
      config: { name: g.name, layers: chain.map((l) => ({ class_name: l.className, config: layerConfig(l) })) },
    };
  }
  const ref = (name: string): Json => [name, 0, 0];
  return {
    class_name: 'Functional',
    config: {
      name: g.name,
      layers: g.layers.map((l) => ({
        class_name: l.className,
        config: layerConfig(l),
        name: l.name,
        inbound_nodes: l.inbound.length ? [l.inbound.map((s) => [s, 0, 0, {}])] : [],
      })),
      input_layers: g.inputs.map(ref),
      output_layers: g.outputs.map(ref),
    },
  };
}

export interface KerasJsonExtras {
  kerasVersion?: string;
  backend?: string;
}

/** The whole `model.to_json()` document: `{class_name, config, keras_version, backend}`. */
export function kerasModelJson(g: ModelGraph, extras: KerasJsonExtras = {}): JsonObject {
  return {
    ...kerasConfigFromGraph(g),
    keras_version: extras.kerasVersion ?? WRITTEN_KERAS_VERSION,
    backend: extras.backend ?? WRITTEN_BACKEND,
  };
}

/**
 * Splits a topology document into the model config and its version fields. Accepts `to_json()` output
 * (`{class_name, config, keras_version, backend}`) and the TF.js converter's / legacy H5's wrapper
 * (`{keras_version, backend, model_config: {...}, training_config}`).
 */
export function unwrapModelTopology(doc: JsonObject): {
  modelConfig: JsonObject;
  kerasVersion?: string;
  backend?: string;
  trainingConfig?: JsonObject | null;
} {
  const inner = isJsonObject(doc.model_config) ? doc.model_config : doc;
  const kerasVersion = typeof doc.keras_version === 'string' ? doc.keras_version : typeof inner.keras_version === 'string' ? inner.keras_version : undefined;
  const backend = typeof doc.backend === 'string' ? doc.backend : typeof inner.backend === 'string' ? inner.backend : undefined;
  const trainingConfig = isJsonObject(doc.training_config) ? doc.training_config : undefined;
  return { modelConfig: inner, kerasVersion, backend, trainingConfig };
}

// ---------------------------------------------------------------------------------------------- the format

export const kerasJsonCodec: FormatCodec = {
  async read(main: Uint8Array, ctx: ReadContext): Promise<ModelFile> {
    const doc = parseJsonFile(main, ctx.fileName);
    if (!isJsonObject(doc)) throw new UserError(`${ctx.fileName} is not a Keras model JSON`, 'expected an object with "class_name" and "config"', 'not-keras-config');
    const { modelConfig, kerasVersion, backend } = unwrapModelTopology(doc);
    return {
      graph: graphFromKerasConfig(modelConfig),
      weights: [],
      producer: { format: 'keras-json', kerasVersion, backend },
    };
  },
  async write(model, baseName) {
    const doc = kerasModelJson(model.graph);
    return [{ relPath: `${baseName}.json`, bytes: encodeUtf8(JSON.stringify(doc, null, 2) + '\n') }];
  },
};
