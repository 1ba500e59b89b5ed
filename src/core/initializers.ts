/**
 * Keras weight initializers in plain TypeScript, so that a model gets real initial weights without tfjs
 * (the extension host never loads tfjs). Semantics follow keras/src/initializers/random_initializers.py:
 * fan computation, variance scaling with the truncated-normal correction, orthogonal via QR.
 */
import { expectedWeights } from './analysis';
import type { Json, JsonObject, LayerNode, ModelGraph, NamedTensor } from './types';

/** A small seeded PRNG (mulberry32): reproducible initial weights for a given seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  // Box-Muller; 1 - u keeps log away from 0.
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function truncatedNormal(rand: () => number): number {
  // Keras/TF resample values more than two standard deviations from the mean.
  for (;;) {
    const x = normal(rand);
    if (Math.abs(x) <= 2) return x;
  }
}

/** Keras' _compute_fans: dense kernels (in, out); conv kernels (*receptive, in, out). */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

export interface InitializerRef {
  name: string;
  config: { [key: string]: Json };
}

/** `'glorot_uniform'`, `{class_name: 'GlorotUniform', config}` (Keras 2) or Keras 3's `{module, class_name, config}`. */
export function parseInitializer(value: Json | undefined, fallback: string): InitializerRef {
  if (typeof value === 'string') return { name: toSnake(value), config: {} };
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.class_name === 'string') {
    const cfg = value.config && typeof value.config === 'object' && !Array.isArray(value.config) ? (value.config as JsonObject) : {};
    return { name: toSnake(value.class_name), config: cfg };
  }
  return { name: fallback, config: {} };
}

function toSnake(s: string): string {
  if (s.includes('_') || s === s.toLowerCase()) return s.toLowerCase();
  return s.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase();
}

const num = (v: Json | undefined, d: number): number => (typeof v === 'number' ? v : d);

/** Fill a tensor of `shape` as the named Keras initializer would. */
export function initialize(ref: InitializerRef, shape: number[], rand: () => number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const c = ref.config;
  const vs = (scale: number, mode: string, distribution: string) => {
    const { fanIn, fanOut } = computeFans(shape);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const s = scale / Math.max(1, n);
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * s);
      for (let i = 0; i < size; i++) out[i] = (rand() * 2 - 1) * limit;
    } else if (distribution === 'untruncated_normal' || distribution === 'normal') {
      const std = Math.sqrt(s);
      for (let i = 0; i < size; i++) out[i] = normal(rand) * std;
    } else {
      // Constant from scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.)
      const std = Math.sqrt(s) / 0.87962566103423978;
      for (let i = 0; i < size; i++) out[i] = truncatedNormal(rand) * std;
    }
  };
  switch (ref.name) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'constant':
      out.fill(num(c.value, 0));
      break;
    case 'random_normal':
    case 'normal': {
      const m = num(c.mean, 0), sd = num(c.stddev, 0.05);
      for (let i = 0; i < size; i++) out[i] = m + sd * normal(rand);
      break;
    }
    case 'random_uniform':
    case 'uniform': {
      const lo = num(c.minval, -0.05), hi = num(c.maxval, 0.05);
      for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * rand();
      break;
    }
    case 'truncated_normal': {
      const m = num(c.mean, 0), sd = num(c.stddev, 0.05);
      for (let i = 0; i < size; i++) out[i] = m + sd * truncatedNormal(rand);
      break;
    }
    case 'variance_scaling':
      vs(num(c.scale, 1), typeof c.mode === 'string' ? c.mode : 'fan_in', typeof c.distribution === 'string' ? c.distribution : 'truncated_normal');
      break;
    case 'glorot_uniform':
      vs(1, 'fan_avg', 'uniform');
      break;
    case 'glorot_normal':
      vs(1, 'fan_avg', 'truncated_normal');
      break;
    case 'he_uniform':
      vs(2, 'fan_in', 'uniform');
      break;
    case 'he_normal':
      vs(2, 'fan_in', 'truncated_normal');
      break;
    case 'lecun_uniform':
      vs(1, 'fan_in', 'uniform');
      break;
    case 'lecun_normal':
      vs(1, 'fan_in', 'truncated_normal');
      break;
    case 'orthogonal':
      orthogonal(out, shape, num(c.gain, 1), rand);
      break;
    case 'identity': {
      if (shape.length !== 2) throw new Error('identity initializer needs a 2-D shape');
      const g = num(c.gain, 1);
      for (let i = 0; i < Math.min(shape[0], shape[1]); i++) out[i * shape[1] + i] = g;
      break;
    }
    default:
      // Unknown names never reach here for catalog layers; glorot_uniform is Keras' usual default.
      vs(1, 'fan_avg', 'uniform');
  }
  return out;
}

/** Orthogonal matrix (rows = prod(shape[:-1]), cols = shape[-1]) by Gram-Schmidt on a normal matrix. */
function orthogonal(out: Float32Array, shape: number[], gain: number, rand: () => number): void {
  const cols = shape[shape.length - 1];
  const rows = out.length / cols;
  // Orthonormalise along the longer side so that the vectors are independent.
  const transpose = rows < cols;
  const n = transpose ? cols : rows; // vector length
  const k = transpose ? rows : cols; // number of vectors
  const vecs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = normal(rand);
    for (const q of vecs) {
      let d = 0;
      for (let i = 0; i < n; i++) d += v[i] * q[i];
      for (let i = 0; i < n; i++) v[i] -= d * q[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) v[i] /= norm;
    vecs.push(v);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (transpose ? vecs[r][c] : vecs[c][r]);
    }
  }
}

/** Which config key holds the initializer of a weight, and Keras' default for it. */
const WEIGHT_INITIALIZERS: Record<string, [string, string]> = {
  kernel: ['kernel_initializer', 'glorot_uniform'],
  bias: ['bias_initializer', 'zeros'],
  recurrent_kernel: ['recurrent_initializer', 'orthogonal'],
  depthwise_kernel: ['depthwise_initializer', 'glorot_uniform'],
  pointwise_kernel: ['pointwise_initializer', 'glorot_uniform'],
  gamma: ['gamma_initializer', 'ones'],
  beta: ['beta_initializer', 'zeros'],
  moving_mean: ['moving_mean_initializer', 'zeros'],
  moving_variance: ['moving_variance_initializer', 'ones'],
  embeddings: ['embeddings_initializer', 'uniform'],
  alpha: ['alpha_initializer', 'zeros'],
};

/** Weights whose initializer is fixed by their class (no config key): keras/src/layers/attention/*.py build(). */
const CLASS_INITIALIZERS: Record<string, Record<string, string>> = {
  Attention: { scale: 'ones', concat_score_weight: 'ones' },
  AdditiveAttention: { scale: 'glorot_uniform' },
  // keras/src/layers/preprocessing/normalization.py build(): un-adapted, the layer is the identity.
  Normalization: { mean: 'zeros', variance: 'ones', count: 'zeros' },
};

/** The config that owns a weight: wrappers (Bidirectional, TimeDistributed) delegate to their inner layer. */
function ownerConfig(layer: LayerNode): JsonObject {
  const inner = layer.config.layer;
  if ((layer.className === 'Bidirectional' || layer.className === 'TimeDistributed') && inner && typeof inner === 'object' && !Array.isArray(inner)) {
    const cfg = (inner as JsonObject).config;
    if (cfg && typeof cfg === 'object' && !Array.isArray(cfg)) return cfg as JsonObject;
  }
  return layer.config;
}

function initialWeight(layer: LayerNode, weightPath: string, shape: number[], rand: () => number): Float32Array {
  const short = weightPath.split('/').pop() as string;
  const cfg = ownerConfig(layer);
  const fixed = CLASS_INITIALIZERS[layer.className]?.[short];
  const [key, fallback] = WEIGHT_INITIALIZERS[short] ?? ['kernel_initializer', 'glorot_uniform'];
  const ref = parseInitializer(fixed ? null : cfg[key], fixed ?? fallback);
  // An initializer with its own seed (Keras' `seed` argument) gives the same values whatever the model's seed.
  const data = initialize(ref, shape, typeof ref.config.seed === 'number' ? rng(ref.config.seed) : rand);
  // LSTM's unit_forget_bias (default true) sets the forget gate's bias to ones whatever bias_initializer says;
  // the other gates keep bias_initializer's values (keras/src/layers/rnn/lstm.py LSTMCell.build).
  const cls = layer.className === 'Bidirectional' ? String((layer.config.layer as JsonObject | undefined)?.class_name ?? '') : layer.className;
  if (short === 'bias' && cls === 'LSTM' && cfg.unit_forget_bias !== false) {
    const units = shape[0] / 4;
    data.fill(1, units, 2 * units);
  }
  return data;
}

/**
 * Weights for a graph: existing tensors are kept where name and shape still match; every other weight the
 * graph needs is initialised the way its layer's config says. Extra tensors are dropped.
 */
export function reconcileWeights(graph: ModelGraph, existing: readonly NamedTensor[] = [], seed = Date.now()): NamedTensor[] {
  const byName = new Map(existing.map((t) => [t.name, t]));
  const rand = rng(seed);
  const layers = new Map(graph.layers.map((l) => [l.name, l]));
  return expectedWeights(graph).map((w) => {
    const old = byName.get(w.name);
    if (old && old.shape.length === w.shape.length && old.shape.every((d, i) => d === w.shape[i])) return old;
    const layerName = w.name.split('/')[0];
    const layer = layers.get(layerName);
    const data = layer ? initialWeight(layer, w.name, w.shape, rand) : new Float32Array(w.shape.reduce((a, b) => a * b, 1));
    return { name: w.name, shape: [...w.shape], dtype: 'float32' as const, data };
  });
}
