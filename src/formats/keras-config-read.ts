/**
 * Reading a Keras model config (`model.to_json()` / `model_config`, Keras 2 and Keras 3) into a graph: the
 * model structure (Sequential, Functional, inbound nodes); each layer entry is read by keras-config-layer.ts.
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
import { UserError, type Json, type JsonObject, type LayerNode, type ModelGraph } from '../core/types';
import { isJsonObject } from './format';
import { parseLayerEntry } from './keras-config-layer';
import { namedTensorArgs, orderNamedTensors, readCallArgs, refuseCallOptions } from './keras-call-args';
import { isRecordedMask, maskOperationNames } from './keras-mask-ops';

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
  const maskOps = maskOperationNames(config.layers as Json[]);
  const layersRaw = (config.layers as Json[]).filter((e) => !(isJsonObject(e) && maskOps.has(String(e.name ?? ''))));
  const name = typeof config.name === 'string' ? config.name : 'model';
  const nodes: LayerNode[] = [];
  const refsByLayer = new Map<string, TensorRef[]>();
  layersRaw.forEach((entry, i) => {
    const node = parseLayerEntry(entry, i);
    const inboundNodes = isJsonObject(entry) ? entry.inbound_nodes ?? [] : [];
    if (!Array.isArray(inboundNodes)) throw new UserError(`Layer '${node.name}' has an invalid "inbound_nodes" entry`, 'the file may be damaged', 'bad-config');
    if (inboundNodes.length > 1) throw sharedLayerError(node.name, inboundNodes.length);
    refsByLayer.set(node.name, inboundNodes.length ? parseCallNode(inboundNodes[0]!, node, maskOps) : []);
    nodes.push(node);
  });
  checkUniqueNames(nodes);
  stripInputShapes(nodes);
  const known = new Set(nodes.map((n) => n.name));
  for (const node of nodes) {
    const refs = refsByLayer.get(node.name) ?? [];
    const op = refs.find((r) => maskOps.has(r.layer));
    if (op) {
      throw new UserError(
        `Layer '${node.name}' takes the result of the Keras operation '${op.layer}' as data; Model Studio reads such operations only as the masks Keras records`,
        'express the computation with layers in Keras and save again',
        'keras-ops',
      );
    }
    node.inbound = refs.map((r) => checkRef(r, known, `the input of layer '${node.name}'`));
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
function parseCallNode(node: Json, owner: LayerNode, maskOps: ReadonlySet<string>): TensorRef[] {
  const layer = owner.name;
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
    const kwargs = isJsonObject(node.kwargs) ? node.kwargs : {};
    refuseCallOptions(owner.className, layer, kwargs);
    readCallArgs(owner.className, owner.config, kwargs);
    const names = namedTensorArgs(owner.className);
    const named = new Map<string, TensorRef[]>();
    const kwRefs: TensorRef[] = [];
    for (const [key, value] of Object.entries(kwargs)) {
      const found: TensorRef[] = [];
      collectKerasTensors(value, found);
      if (names?.includes(key)) named.set(key, found);
      // A mask Keras recorded from Masking / Embedding(mask_zero): our engine derives it from the same layers.
      else if (!isRecordedMask(key, found.map((r) => r.layer), maskOps)) kwRefs.push(...found);
    }
    if (kwRefs.length) {
      throw new UserError(
        `Layer '${layer}' receives tensors as keyword arguments (such as mask or initial_state), which Model Studio does not support`,
        'pass all tensors as the layer\'s regular inputs in Keras and save again',
        'tensor-kwargs',
      );
    }
    return names ? orderNamedTensors(refs, named, names, (a, b) => a.layer === b.layer && a.nodeIndex === b.nodeIndex && a.tensorIndex === b.tensorIndex) : refs;
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

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
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
