/**
 * What our own tfjs layer classes (kerasLayers*.ts) need from the config tfjs hands them: its spellings
 * (`channelsFirst`), and the regularizer and constraint objects a weight must carry so that the fit loop adds
 * the penalty (objective.ts, `calculateLosses`) and the optimizer applies the constraint (optimizers.ts).
 */
import type { Tensor, Tf } from './tf';

/** tfjs hands configs over in its own spelling (`channelsFirst`); Keras' is accepted too. */
export function isChannelsFirst(v: unknown): boolean {
  return v === 'channelsFirst' || v === 'channels_first';
}

export function first(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/**
 * A `{className, config}` regularizer or constraint as the tfjs object its own layers would build (through
 * tfjs' serialization registry, where L1L2, MaxNorm, UnitNorm, NonNeg, MinMaxNorm live); none for null.
 */
export function tfjsObject(tf: Tf, v: unknown): any {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && typeof (v as { className?: unknown }).className === 'string') {
    const { className, config } = v as { className: string; config?: object };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
    if (entry) return entry[1](entry[0], (config ?? {}) as never);
    throw new Error(`Unknown regularizer or constraint: ${className}`);
  }
  // Already an object (a layer built in code rather than from a config).
  return v;
}
