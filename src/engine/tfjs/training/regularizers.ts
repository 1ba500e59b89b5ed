/**
 * Keras' weight regularizers for TensorFlow.js: Keras 3 (and 2) files name `L1` and `L2`, which tfjs does not
 * know; tfjs' `L1L2` computes the same penalty (l1 * sum(|x|) + l2 * sum(x^2), keras/src/regularizers/
 * regularizers.py), so those become L1L2 with the other factor 0. The fit loop adds the penalties to the loss
 * (./objective.ts). Activity regularizers are refused before building (src/core/layers/tfjsSupport.ts).
 */
import type { Json, JsonObject } from '../../../core/types';

const isObj = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function asL1L2(v: JsonObject): JsonObject | undefined {
  const cfg = isObj(v.config ?? null) ? (v.config as JsonObject) : {};
  if (v.class_name === 'L2') return { class_name: 'L1L2', config: { l1: 0, l2: (cfg.l2 as number) ?? 0.01 } };
  if (v.class_name === 'L1') return { class_name: 'L1L2', config: { l1: (cfg.l1 as number) ?? 0.01, l2: 0 } };
  return undefined;
}

/** A Keras model config with every `*_regularizer` of class L1 or L2 spelled as tfjs' L1L2. */
export function regularizersForTfjs<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => regularizersForTfjs(x)) as T;
  if (!isObj(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = k.endsWith('_regularizer') && isObj(x) ? (asL1L2(x) ?? x) : regularizersForTfjs(x);
  return out as T;
}
