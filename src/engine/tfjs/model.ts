/**
 * ModelFile <-> tf.LayersModel. The architecture goes through the Keras JSON writer (one serializer for the
 * whole product) and `tf.models.modelFromJSON`; weights are then assigned by name, never by position alone,
 * so a graph edited in the editor keeps the weights of the layers it still has.
 */
import { analyze, expectedWeights } from '../../core/analysis';
import { reconcileWeights } from '../../core/initializers';
import { TFJS_DEPARTURE_CODE } from '../../core/layers/tfjsSupport';
import { UserError, type Json, type JsonObject, type ModelFile, type ModelGraph, type NamedTensor } from '../../core/types';
import { toTfjsSpelling } from '../../formats/keras-config-layer';
import { kerasConfigFromGraph } from '../../formats/keras-config-write';
import { registerKerasGru } from './gruResetAfter';
import { registerKerasLayers } from './kerasLayers';
import { registerKerasSubtract } from './subtract';
import type { ArrayData } from '../trainer';
import type { LayersModel, Tensor, Tf } from './tf';
import { regularizersForTfjs } from './training/regularizers';

type LayerVariable = LayersModel['weights'][number];
type Layer = LayersModel['layers'][number];

export interface BuildOptions {
  /**
   * When the file has weights but not for every layer (a layer was added in the editor), the missing ones keep
   * their fresh initialisation; `strict` turns that into an error instead (evaluate/predict want trained weights).
   */
  strict?: boolean;
  /** Build even where tfjs departs from Keras (the Keras suite measures those departures); never in the product. */
  allowDepartures?: boolean;
  /** Seed of the initial values of weights the file lacks (Keras' initializers, core/initializers.ts). */
  seed?: number;
}

/**
 * The file's weights plus, for every layer the file has none for, its initial values by Keras' rules (our
 * initializers: truncated `*_normal`, LSTM unit_forget_bias...), never tfjs' own initializers.
 */
function withInitialWeights(file: ModelFile, seed: number): NamedTensor[] {
  const have = new Set(file.weights.map((w) => w.name.slice(0, w.name.indexOf('/'))));
  const fresh = reconcileWeights(file.graph, file.weights, seed).filter((w) => !have.has(w.name.slice(0, w.name.indexOf('/'))));
  return fresh.length === 0 ? file.weights : [...file.weights, ...fresh];
}

/** The `<layer>/<weight>` name of a tfjs weight: the layer's name plus the weight's own (possibly nested) name. */
export function weightName(layer: Layer, w: LayerVariable): string {
  // tfjs keeps the name from the file in `originalName` (`name` is uniquified when a process builds the
  // same model twice). Nested names (`bidirectional/forward_lstm/kernel`) keep everything after the layer.
  const original = w.originalName ?? w.name;
  const prefix = `${layer.name}/`;
  const own = original.startsWith(prefix) ? original.slice(prefix.length) : original.slice(original.indexOf('/') + 1);
  return `${layer.name}/${own}`;
}

/**
 * TensorFlow.js would build these layers but compute something else than Keras (or fail deep inside tfjs):
 * refuse with the options at fault, the first few of them, rather than train or predict silently differently.
 */
function refuseDepartures(file: ModelFile): void {
  const found = analyze(file.graph, { kerasVersion: file.producer?.kerasVersion }).diagnostics.filter((d) => d.code === TFJS_DEPARTURE_CODE);
  if (found.length === 0) return;
  const shown = found.slice(0, 3).map((d) => d.message);
  const more = found.length > 3 ? ` (and ${found.length - 3} more)` : '';
  throw new UserError(
    `The TensorFlow.js engine cannot run this model as Keras does: ${shown.join('; ')}${more}.`,
    'Train it with the keras engine (real Keras in Python), or change those options.',
    'tfjs-departure',
  );
}

/**
 * Reshape's `-1` made concrete from the analysed output shape: tfjs infers the -1 only at call time, so a
 * layer after it that needs a known size (Dense) cannot build, where Keras builds it.
 */
function withKnownReshapes(graph: ModelGraph): ModelGraph {
  const reshapes = graph.layers.filter((l) => l.className === 'Reshape' && Array.isArray(l.config.target_shape) && (l.config.target_shape as Json[]).includes(-1));
  if (reshapes.length === 0) return graph;
  const a = analyze(graph);
  const layers = graph.layers.map((l) => {
    const out = a.layers.get(l.name)?.outputShape;
    if (!reshapes.includes(l) || !out || out.slice(1).some((d) => d === null)) return l;
    return { ...l, config: { ...l.config, target_shape: out.slice(1) as Json } };
  });
  return { ...graph, layers };
}

/** Build a tf.LayersModel from a ModelFile: architecture, then the file's weights by name. */
export async function buildTfModel(tf: Tf, file: ModelFile, opts: BuildOptions = {}): Promise<LayersModel> {
  if (!opts.allowDepartures) refuseDepartures(file);
  const keras = kerasConfigFromGraph(withKnownReshapes(file.graph));
  // Weights the file lacks start as Keras would start them (strict callers want trained weights instead).
  const weights = opts.strict ? file.weights : withInitialWeights(file, opts.seed ?? Date.now());
  // When the weights replace every initial value, initialising in tfjs is wasted work, and tfjs' Orthogonal
  // initializer (the recurrent default) takes about a minute for an LSTM kernel on the cpu backend.
  const have = new Set(weights.map((w) => w.name));
  const covered = weights.length > 0 && expectedWeights(file.graph).every((w) => have.has(w.name));
  const config = toTfjsSpelling(regularizersForTfjs(covered ? withZeroInitializers(keras) : keras));
  registerKerasGru(tf);
  registerKerasLayers(tf);
  registerKerasSubtract(tf);
  let model: LayersModel;
  try {
    model = await tf.models.modelFromJSON(config as never);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown (?:layer|initializer|regularizer|constraint|activation)[^:]*: (\w+)/.exec(msg);
    throw new UserError(
      unknown
        ? `TensorFlow.js cannot build this model: it does not support "${unknown[1]}".`
        : `TensorFlow.js cannot build this model: ${msg}`,
      'Replace or remove the unsupported layer to train or run the model here.',
      'tf-build',
    );
  }
  try {
    assignWeights(tf, model, weights, opts);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

const ZEROS: JsonObject = { class_name: 'Zeros', config: {} };
const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM2D']);

/** A Keras config with every initializer set to Zeros; recurrent layers get theirs named explicitly. */
function withZeroInitializers<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => withZeroInitializers(x)) as T;
  if (v === null || typeof v !== 'object') return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = k.endsWith('_initializer') && x !== null ? ZEROS : withZeroInitializers(x);
  const cfg = out.config;
  if (typeof out.class_name === 'string' && RECURRENT.has(out.class_name) && cfg && typeof cfg === 'object' && !Array.isArray(cfg)) {
    out.config = { ...cfg, kernel_initializer: ZEROS, recurrent_initializer: ZEROS, bias_initializer: ZEROS };
  }
  return out as T;
}

function assignWeights(tf: Tf, model: LayersModel, weights: NamedTensor[], opts: BuildOptions): void {
  if (weights.length === 0) {
    // A model without weights (pooling, activations) needs none to predict.
    if (opts.strict && model.layers.some((l) => l.weights.length > 0)) throw new UserError('The model has no weights.', 'Train it first, or open a file that has weights.', 'no-weights');
    return;
  }
  const byName = new Map(weights.map((w) => [w.name, w]));
  const missing: string[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    // Fallback for files whose weight names differ only in their own part (e.g. a nested cell name): the
    // layer's weights from the file, in file order, when they are exactly as many as the layer has.
    const ofLayer = weights.filter((w) => w.name.startsWith(`${layer.name}/`));
    const values = layer.weights.map((w, i) => {
      const name = weightName(layer, w);
      const found = byName.get(name) ?? (ofLayer.length === layer.weights.length ? ofLayer[i] : undefined);
      if (!found) {
        missing.push(name);
        return null;
      }
      const expected = w.shape;
      if (expected.length !== found.shape.length || expected.some((d, k) => d !== found.shape[k])) {
        throw new UserError(
          `Weight "${name}" has shape [${found.shape.join(', ')}] in the file but the layer needs [${expected.join(', ')}].`,
          'The layer configuration changed since the weights were saved; re-initialise the layer or undo the change.',
          'weight-shape',
        );
      }
      return found;
    });
    if (values.every((v) => v === null)) continue;
    // getWeights() hands out the variables themselves: only the tensors made here are disposed.
    const current = layer.getWeights();
    // In the variable's dtype: Normalization's count is an int in Keras' files and in our layer alike.
    const made = values.map((v, i) => (v ? tf.tensor(v.data, v.shape, layer.weights[i]!.dtype as never) : null));
    try {
      layer.setWeights(made.map((t, i) => t ?? current[i]));
    } finally {
      tf.dispose(made.filter((t): t is NonNullable<typeof t> => t !== null));
    }
  }
  if (missing.length > 0 && opts.strict) {
    throw new UserError(
      `The file has no values for ${missing.length === 1 ? 'weight' : 'weights'} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}.`,
      'Train the model (or the new layers) before using it.',
      'missing-weights',
    );
  }
}

/** The model's weights as NamedTensor[] in Keras order (layer by layer, each layer trainable first). */
export function readTfWeights(model: LayersModel): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const v = w.read();
      const data = v.dataSync();
      out.push({
        name: weightName(layer, w),
        shape: [...v.shape],
        dtype: v.dtype === 'int32' ? 'int32' : 'float32',
        data: v.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data),
      });
    }
  }
  return out;
}

/** Same as readTfWeights but without blocking the thread on a GPU engine (`data()` instead of `dataSync()`). */
export async function readTfWeightsAsync(model: LayersModel): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const v = w.read();
      const data = await v.data();
      out.push({
        name: weightName(layer, w),
        shape: [...v.shape],
        dtype: v.dtype === 'int32' ? 'int32' : 'float32',
        data: v.dtype === 'int32' ? Int32Array.from(data as ArrayLike<number>) : Float32Array.from(data as ArrayLike<number>),
      });
    }
  }
  return out;
}

/**
 * `model.predict`, except that a batch of scalars (rank 1: Keras' `Input(shape=())`) reaches the model as it
 * is: TF.js' predict first makes every rank-1 input [N, 1] (ensureTensorsRank2OrHigher) and then refuses it
 * against the model's [null]. Such a model runs in one call, as the layers run it in training.
 */
export function predictModel(model: LayersModel, x: Tensor | Tensor[]): Tensor | Tensor[] {
  const xs = Array.isArray(x) ? x : [x];
  if (xs.every((t) => t.rank >= 2)) return model.predict(x);
  return model.apply(x, { training: false }) as Tensor | Tensor[];
}

/** One prediction on an array (int32 inputs stay int32, e.g. token ids), read back into a plain array. */
export async function predictArray(tf: Tf, model: LayersModel, x: ArrayData): Promise<ArrayData> {
  const out = tf.tidy(() => predictModel(model, tf.tensor(x.data, x.shape, x.data instanceof Int32Array ? 'int32' : 'float32')) as Tensor);
  try {
    const data = await out.data();
    return { shape: out.shape, data: data instanceof Int32Array ? data : Float32Array.from(data as ArrayLike<number>) };
  } finally {
    out.dispose();
  }
}
