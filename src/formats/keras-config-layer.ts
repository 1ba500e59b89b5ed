/**
 * One layer entry of a Keras model config: its class checked against the catalog (custom classes, Lambda
 * layers and nested models are refused by name, nothing is ever executed), its values normalized across
 * Keras versions, and the class-name spellings TF.js expects.
 */
import { KERAS_BUILTIN_LAYERS } from './keras-builtins';
import { UserError, type Json, type JsonObject, type LayerNode } from '../core/types';
import { getSpec } from '../core/layers';
import { isJsonObject } from './format';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

export function parseLayerEntry(entry: Json, index: number): LayerNode {
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
  // Keras 3 renamed LeakyReLU's `alpha` to `negative_slope`; the catalog keeps the Keras 2 / TF.js name.
  if (className === 'LeakyReLU' && config.negative_slope !== undefined) {
    config.alpha = config.negative_slope;
    delete config.negative_slope;
  }
  // Keras 3 writes Normalization(axis=None) as `axis: []` (normalization.py keeps a tuple); the catalog's null.
  if (className === 'Normalization' && Array.isArray(config.axis) && config.axis.length === 0) config.axis = null;
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
  if (!isCustomObject(entry) && !getSpec(className) && KERAS_BUILTIN_LAYERS.has(className)) {
    throw new UserError(
      `Layer '${layer}' is a Keras ${className} layer, which Model Studio does not support yet`,
      'train this model in Keras itself, or rebuild it in Keras from the layers of Model Studio\'s catalog (the layer palette) and save again',
      'unsupported-keras-layer',
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
