/**
 * The call arguments of a Keras 3 functional node beyond its tensors (keras/src/models/functional.py records
 * `layer(*args, **kwargs)`): the layers called on separately named tensors (MultiHeadAttention's
 * `call(query, value, key=None, ...)`, where Keras writes `key` as a keyword), and the call options that
 * change what a layer computes, which the graph cannot hold and which are therefore refused by name rather
 * than dropped silently.
 */
import { KERAS_OPERATIONS } from '../core/layers/operations';
import { UserError, type Json, type JsonObject } from '../core/types';

/** Layers whose inputs are separate call arguments, in the graph's input order. */
const NAMED_TENSOR_ARGS: Record<string, readonly string[]> = { MultiHeadAttention: ['query', 'value', 'key'] };

/** Call options the graph has no place for: a layer called with one of them set is refused. */
const UNSUPPORTED_CALL_OPTIONS: Record<string, readonly string[]> = {
  MultiHeadAttention: ['use_causal_mask', 'return_attention_scores'],
  Attention: ['use_causal_mask', 'return_attention_scores'],
  AdditiveAttention: ['use_causal_mask', 'return_attention_scores'],
};

export function namedTensorArgs(className: string): readonly string[] | undefined {
  return NAMED_TENSOR_ARGS[className] ?? KERAS_OPERATIONS[className]?.tensorArgs;
}

/** An operation's call arguments that are values, not tensors (DotProductAttention's scale), into its config. */
export function readCallArgs(className: string, config: JsonObject, kwargs: Record<string, Json>): void {
  for (const name of KERAS_OPERATIONS[className]?.callArgs ?? []) if (kwargs[name] !== undefined) config[name] = kwargs[name]!;
}

/** A UserError naming the first call option set on this node that Model Studio cannot represent. */
export function refuseCallOptions(className: string, layer: string, kwargs: Record<string, Json>): void {
  for (const key of UNSUPPORTED_CALL_OPTIONS[className] ?? []) {
    const v = kwargs[key];
    if (v === undefined || v === null || v === false) continue;
    throw new UserError(
      `Layer '${layer}' (${className}) is called with ${key}=${JSON.stringify(v)}, which Model Studio does not support yet`,
      key === 'use_causal_mask' ? 'call the layer without use_causal_mask in Keras (or mask the inputs) and save again' : `call the layer without ${key} in Keras and save again`,
      'call-option',
    );
  }
}

/**
 * Positional tensors then named ones, in the order `names` gives; MultiHeadAttention's key equal to its value
 * is dropped, an operation's absent optional tensor (DotProductAttention's bias) is left out.
 */
export function orderNamedTensors<T>(positional: T[], named: Map<string, T[]>, names: readonly string[], same: (a: T, b: T) => boolean): T[] {
  const slots: (T | undefined)[] = names.map((n, i) => positional[i] ?? named.get(n)?.[0]);
  if (names !== NAMED_TENSOR_ARGS.MultiHeadAttention) return slots.filter((x): x is T => x !== undefined);
  const [query, value, key] = slots;
  const out = [query, value].filter((x): x is T => x !== undefined);
  if (key !== undefined && !(value !== undefined && same(key, value))) out.push(key);
  return out;
}
