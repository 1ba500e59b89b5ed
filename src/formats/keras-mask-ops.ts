/**
 * Keras 3 records the automatic mask of a Masking layer or an `Embedding(mask_zero=True)` as operation nodes
 * in a functional config when a later layer receives it (keras/src/layers/core/masking.py `compute_mask`:
 * `any(not_equal(x, mask_value), axis=-1)`; embedding.py: `not_equal(x, 0)`): entries of module
 * `keras.src.ops.numpy` (`NotEqual`, `Any`; no module in Keras 3's legacy .h5) whose result reaches the consumer's `mask` keyword argument.
 * Our graph propagates those masks itself (the engine computes them from the same layers), so these entries
 * and the `mask` arguments are dropped, after checking that each one is exactly such a mask; anything else
 * is refused as before.
 */
import { UserError, type Json, type JsonObject } from '../core/types';
import { isJsonObject } from './format';

const MASK_OPS = new Set(['NotEqual', 'Any']);

/** The `{layer, value}` a NotEqual compares: the tensor's producer and the scalar it is compared with. */
function notEqualOperands(entry: JsonObject): { source: string; value: Json } | null {
  const node = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes[0] : undefined;
  const args = isJsonObject(node) && Array.isArray(node.args) ? node.args : [];
  const tensor = args[0];
  const history = isJsonObject(tensor) && isJsonObject(tensor.config) ? tensor.config.keras_history : undefined;
  if (!Array.isArray(history) || typeof history[0] !== 'string' || args.length !== 2) return null;
  return { source: history[0], value: args[1] ?? null };
}

/** The first tensor argument's producer of a layer entry (Keras 3 inbound node). */
function firstInputOf(entry: JsonObject): string | undefined {
  const node = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes[0] : undefined;
  const arg = isJsonObject(node) && Array.isArray(node.args) ? node.args[0] : undefined;
  const history = isJsonObject(arg) && isJsonObject(arg.config) ? arg.config.keras_history : undefined;
  return Array.isArray(history) && typeof history[0] === 'string' ? history[0] : undefined;
}

/**
 * The names of the mask operation entries of a functional config (empty when there are none). Throws when an
 * operation entry is not the mask of a Masking layer or of an Embedding with mask_zero fed the same tensor.
 */
export function maskOperationNames(layers: readonly Json[]): Set<string> {
  const entries = layers.filter(isJsonObject);
  // `.keras` files say module keras.src.ops.numpy; Keras 3's legacy .h5 writes no module (no layer has these names).
  const ops = entries.filter((e) => (e.module === undefined || (typeof e.module === 'string' && e.module.startsWith('keras.src.ops'))) && MASK_OPS.has(String(e.class_name)));
  const names = new Set(ops.map((e) => String(e.name ?? (isJsonObject(e.config) ? e.config.name : ''))));
  for (const op of ops) {
    if (op.class_name !== 'NotEqual') continue;
    const operands = notEqualOperands(op);
    const masker = operands && entries.find((e) => {
      if (firstInputOf(e) !== operands.source || !isJsonObject(e.config)) return false;
      if (e.class_name === 'Masking') return Number(e.config.mask_value ?? 0) === Number(operands.value);
      return e.class_name === 'Embedding' && e.config.mask_zero === true && Number(operands.value) === 0;
    });
    if (!masker) {
      throw new UserError(
        `The model computes with Keras operations (${String(op.name)}: NotEqual) that are not the mask of a Masking or Embedding(mask_zero=True) layer`,
        'Model Studio reads layers only; express the computation with layers in Keras and save again',
        'keras-ops',
      );
    }
  }
  return names;
}

/** Whether a layer's keyword argument may be dropped: a `mask` made only of mask operation entries. */
export function isRecordedMask(key: string, producers: readonly string[], maskOps: ReadonlySet<string>): boolean {
  return key === 'mask' && producers.length > 0 && producers.every((p) => maskOps.has(p));
}
