/**
 * The shape of a layer spec. The catalog is data: one spec per Keras layer class drives defaults, the
 * properties panel, validation, shape inference, parameter counts and serialization.
 */
import type { Json, JsonObject, Shape } from '../types';

export type Category =
  | 'Input'
  | 'Core'
  | 'Convolution'
  | 'Pooling'
  | 'Recurrent'
  | 'Normalization'
  | 'Regularization'
  | 'Preprocessing'
  | 'Merge'
  | 'Attention'
  | 'Reshape'
  | 'Activation'
  | 'Wrapper';

export type FieldType =
  | 'int'
  | 'float'
  | 'bool'
  | 'string'
  | 'enum'
  /** A fixed-length tuple of ints (kernel_size, strides...); a single int is accepted and broadcast as Keras does. */
  | 'ints'
  /** A shape without the batch dimension; entries may be null. */
  | 'shape'
  /** An int or a list of ints (axis). */
  | 'axis'
  | 'activation'
  | 'initializer'
  | 'regularizer'
  | 'constraint'
  /** A nested layer config `{class_name, config}` (Bidirectional, TimeDistributed). */
  | 'layer'
  /** Anything else, kept as JSON. */
  | 'json';

export interface FieldSpec {
  /** The Keras config key, e.g. `kernel_size`. */
  name: string;
  type: FieldType;
  /** Keras' default, written into new layers. */
  default: Json;
  /** One line for the properties panel. */
  doc: string;
  /** For `enum`: the allowed values. */
  options?: readonly string[];
  min?: number;
  max?: number;
  /** For `ints`: the tuple length. */
  length?: number;
  /** `null` is allowed. */
  nullable?: boolean;
  /** Shown under "Advanced" in the properties panel. */
  advanced?: boolean;
}

export interface WeightSpec {
  /** The weight's own name, e.g. `kernel`, `recurrent_kernel`, `moving_mean`, `forward_lstm/kernel`. */
  name: string;
  shape: number[];
  trainable: boolean;
}

/** Thrown by shape rules; the analyzer turns it into a diagnostic on the layer. */
export class ShapeError extends Error {
  constructor(message: string, readonly hint?: string, readonly field?: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export interface LayerSpec {
  className: string;
  category: Category;
  /** One line shown in the palette. */
  doc: string;
  fields: readonly FieldSpec[];
  /** How many inbound connections the layer takes. */
  inputs: { min: number; max: number };
  /**
   * Output shape (batch first) from the input shapes and the full config (defaults filled in).
   * Throws ShapeError with a plain message and a hint when the inputs do not fit.
   */
  outputShape(inputs: Shape[], config: JsonObject): Shape;
  /** The layer's weights in Keras order, given its input shapes. */
  weights(inputs: Shape[], config: JsonObject): WeightSpec[];
}
