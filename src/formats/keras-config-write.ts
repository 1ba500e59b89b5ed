/**
 * Writing a graph as a Keras 2 (tf.keras 2.x) model config, which TF.js, tf.keras 2.x and Keras 3 all load.
 */
import { type Json, type JsonObject, type LayerNode, type ModelGraph } from '../core/types';
import { consumers, isChain } from '../core/graph';
import { isKerasOperation } from '../core/layers/operations';
import { isJsonObject } from './format';

/** The `keras_version` we write: the layout we emit is tf.keras 2.x's (Keras only uses it for 1.x conversions). */
export const WRITTEN_KERAS_VERSION = '2.15.0';
export const WRITTEN_BACKEND = 'tensorflow';

/** The layers of `g` in chain order, when `g` is a Sequential-shaped chain that covers every layer; else null. */
function sequentialChain(g: ModelGraph): LayerNode[] | null {
  if (g.kind !== 'Sequential' || !isChain(g) || g.layers.length === 0) return null;
  // keras.Sequential takes layers only; a Keras operation is a node of a functional model.
  if (g.layers.some((l) => isKerasOperation(l.className))) return null;
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
  if (['LSTM', 'GRU', 'ConvLSTM1D', 'ConvLSTM2D'].includes(className) && config.recurrent_activation === undefined) {
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

interface KerasJsonExtras {
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
