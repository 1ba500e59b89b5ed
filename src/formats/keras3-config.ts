/**
 * The Keras 3 serialization of a graph (`config.json` of a `.keras` archive, Keras 3 `model.to_json()`),
 * derived from the Keras 2 config the product writes everywhere else so both stay one serializer.
 *
 * Keras 3 differences handled here (keras/src/saving/serialization_lib.py `serialize_keras_object`,
 * keras/src/models/functional.py `get_config`/`serialize_node`, keras/src/layers/core/input_layer.py):
 * - every object is `{module, class_name, config, registered_name}` (layers, initializers, regularizers,
 *   constraints), layers also carry `build_config: {input_shape}`;
 * - InputLayer has `batch_shape` and only `batch_shape`, `dtype`, `sparse`, `name`;
 * - functional inbound nodes are `[{args: [<__keras_tensor__>...], kwargs: {}}]`; merge layers take one
 *   list argument;
 * - Keras 3 constructors reject tf.keras-only arguments (`time_major`, BatchNormalization's `fused`,
 *   `renorm*`, `virtual_batch_size`, `adjustment`), so those are dropped; Embedding's `input_length` too.
 */
import type { Json, JsonObject, ModelGraph, Shape } from '../core/types';
import { analyze } from '../core/analysis';
import { getSpec, withDefaults } from '../core/layers';
import { takesSeparateTensors, KERAS_OPERATIONS } from '../core/layers/operations';
import { isJsonObject } from './format';
import { kerasConfigFromGraph } from './keras-config-write';

const DROPPED_KEYS = new Set(['time_major', 'fused', 'renorm', 'renorm_clipping', 'renorm_momentum', 'virtual_batch_size', 'adjustment', 'input_length']);

/** Arguments a Keras 3 constructor of that class refuses although tf.keras 2 wrote them. */
const DROPPED_BY_CLASS: Record<string, readonly string[]> = {
  SpatialDropout1D: ['trainable'],
  SpatialDropout2D: ['trainable'],
  SpatialDropout3D: ['trainable'],
};

const OBJECT_MODULES: [RegExp, string][] = [
  [/_initializer$/, 'keras.initializers'],
  [/_regularizer$/, 'keras.regularizers'],
  [/_constraint$/, 'keras.constraints'],
];

function serializedObject(module: string, v: JsonObject): JsonObject {
  return { module, class_name: v.class_name as string, config: (v.config ?? {}) as Json, registered_name: null };
}

function layerConfig3(className: string, config: JsonObject): JsonObject {
  if (className === 'InputLayer') {
    return {
      batch_shape: (config.batch_input_shape ?? config.batch_shape ?? null) as Json,
      dtype: (config.dtype ?? 'float32') as Json,
      sparse: (config.sparse ?? false) as Json,
      name: config.name as Json,
    };
  }
  const out: JsonObject = {};
  // Every argument, defaults included, as Keras' get_config writes them: a Keras 3 constructor may require an
  // argument that tfjs and Keras 2 default (AveragePooling's pool_size), so a file must not rely on defaults.
  for (const [k, v] of Object.entries(withDefaults(className, config))) {
    if (DROPPED_KEYS.has(k) || k === 'batch_input_shape' || DROPPED_BY_CLASS[className]?.includes(k)) continue;
    const mod = OBJECT_MODULES.find(([re]) => re.test(k));
    if (mod && isJsonObject(v) && typeof v.class_name === 'string') out[k] = serializedObject(mod[1], v);
    else if (k === 'layer' && isJsonObject(v) && typeof v.class_name === 'string') out[k] = layerObject(v.class_name, v.config as JsonObject);
    else out[k] = v;
  }
  return out;
}

function layerObject(className: string, config: JsonObject, inputShape?: Json): JsonObject {
  const op = KERAS_OPERATIONS[className];
  if (op) return operationObject(className, op.module, config);
  const o: JsonObject = { module: 'keras.layers', class_name: className, config: layerConfig3(className, config), registered_name: null };
  if (inputShape !== undefined && className !== 'InputLayer') o.build_config = buildConfig(className, inputShape);
  return o;
}

/**
 * A Keras operation as Keras 3 writes it (keras/src/ops/operation.py get_config): its module, the class as
 * registered name, `name` plus the constructor's arguments only (an operation takes no trainable or dtype),
 * and no build_config.
 */
function operationObject(className: string, module: string, config: JsonObject): JsonObject {
  const filled = withDefaults(className, config);
  const callArgs = KERAS_OPERATIONS[className]?.callArgs ?? [];
  const args = Object.fromEntries((getSpec(className)?.fields ?? []).filter((f) => !callArgs.includes(f.name)).map((f) => [f.name, filled[f.name] ?? null] as [string, Json]));
  return { module, class_name: className, config: { name: config.name as Json, ...args }, registered_name: className };
}

/**
 * The call of an operation with keyword arguments as Keras records it: query, key and value positional, the
 * later tensors (DotProductAttention's bias) and the call arguments (its scale) as kwargs.
 */
function operationCall(className: string, config: JsonObject, tensors: JsonObject[]): JsonObject | undefined {
  const op = KERAS_OPERATIONS[className];
  if (!op?.tensorArgs) return undefined;
  const kwargs: JsonObject = {};
  op.tensorArgs.slice(3).forEach((name, i) => (kwargs[name] = tensors[3 + i] ?? null));
  const filled = withDefaults(className, config);
  for (const name of op.callArgs ?? []) kwargs[name] = filled[name] ?? null;
  return { args: tensors.slice(0, 3), kwargs };
}

/** Keras' `get_build_config`: `input_shape`, or a `shapes_dict` for a build() of several named shapes. */
function buildConfig(className: string, inputShape: Json): JsonObject {
  if (className !== 'MultiHeadAttention' || !Array.isArray(inputShape)) return { input_shape: inputShape };
  // keras/src/layers/attention/multi_head_attention.py build(query_shape, value_shape, key_shape=None).
  const [query, value, key] = inputShape as Json[];
  return { shapes_dict: { query_shape: query ?? null, value_shape: value ?? null, ...(key !== undefined ? { key_shape: key } : {}) } };
}

function kerasTensor(shape: Shape | null, from: string): JsonObject {
  return { class_name: '__keras_tensor__', config: { shape: (shape ?? null) as Json, dtype: 'float32', keras_history: [from, 0, 0] } };
}

/** The Keras 3 `{module, class_name, config, registered_name, build_config}` of a graph. */
export function keras3ModelConfig(g: ModelGraph): JsonObject {
  const k2 = kerasConfigFromGraph(g);
  const cfg = k2.config as JsonObject;
  const analysis = analyze(g);
  const out = (name: string): Shape | null => analysis.layers.get(name)?.outputShape ?? null;
  const inShape = (name: string): Json | undefined => {
    const info = analysis.layers.get(name);
    if (!info || info.inputShapes.length === 0) return undefined;
    return (info.inputShapes.length === 1 ? info.inputShapes[0] : info.inputShapes) as Json;
  };
  const layers2 = cfg.layers as JsonObject[];
  const firstInput = g.inputs[0] ? out(g.inputs[0]) : null;

  if (k2.class_name === 'Sequential') {
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: g.name,
        trainable: true,
        dtype: 'float32',
        layers: layers2.map((l) => {
          const c = l.config as JsonObject;
          return layerObject(l.class_name as string, c, inShape(c.name as string));
        }),
      },
      registered_name: null,
      build_config: { input_shape: firstInput as Json },
    };
  }
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: g.name,
      trainable: true,
      layers: layers2.map((l) => {
        const c = l.config as JsonObject;
        const name = c.name as string;
        const node = byName.get(name);
        const inbound = node?.inbound ?? [];
        const tensors = inbound.map((s) => kerasTensor(out(s), s));
        const o = layerObject(l.class_name as string, c, inShape(name));
        o.name = name;
        // Merge layers are called on one list of tensors; the others on one tensor; MultiHeadAttention on
        // separate tensors, call(query, value, key), and so are Keras operations of several tensors, call(x1, x2).
        const separate = l.class_name === 'MultiHeadAttention' || takesSeparateTensors(l.class_name as string);
        const merge = !separate && (inbound.length > 1 || ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'].includes(l.class_name as string));
        o.inbound_nodes = inbound.length === 0 ? [] : [operationCall(l.class_name as string, c, tensors) ?? { args: merge ? [tensors] : tensors, kwargs: {} }];
        return o;
      }),
      input_layers: cfg.input_layers as Json,
      output_layers: cfg.output_layers as Json,
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}
