/**
 * The model core's data types. Pure data: no vscode, no tfjs. Everything else (formats, engine, editor)
 * speaks in these terms.
 */

/** One dimension of a tensor shape; `null` is an unknown size (the batch, or a variable length). */
export type Dim = number | null;
/** A Keras-style shape, batch dimension first, e.g. `[null, 28, 28, 1]`. */
export type Shape = Dim[];

/** A plain JSON value, as found in Keras configs. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A layer in the graph: one Keras layer, called once. */
export interface LayerNode {
  /** Unique within the graph; Keras' `config.name`. */
  name: string;
  /** Keras class name, e.g. `Dense`, `Conv2D`, `InputLayer`. */
  className: string;
  /** The Keras config of the layer, without `name` (the node's `name` is authoritative). */
  config: JsonObject;
  /** Ordered names of the layers whose outputs feed this one (merge layers care about order). */
  inbound: string[];
  /** Canvas position, kept in the file's metadata so manual layouts survive. */
  position?: { x: number; y: number };
}

/**
 * A model: layers with directed connections and named model inputs/outputs.
 * Sequential is the special case of one chain; `kind` records how it is written back.
 */
export interface ModelGraph {
  name: string;
  kind: 'Sequential' | 'Functional';
  /** In insertion order; analysis computes a topological order separately. */
  layers: LayerNode[];
  /** Names of the InputLayer nodes that are model inputs, in order. */
  inputs: string[];
  /** Names of the layers whose outputs are model outputs, in order. */
  outputs: string[];
}

export type WeightDType = 'float32' | 'int32';

/** A weight tensor named the TF.js way: `<layer name>/<weight name>`, e.g. `dense_1/kernel`. */
export interface NamedTensor {
  name: string;
  shape: number[];
  dtype: WeightDType;
  data: Float32Array | Int32Array;
}

/** What every format reads and writes. */
export interface ModelFile {
  graph: ModelGraph;
  /** Weights in Keras order (layer by layer, each layer's own order); empty for architecture-only files. */
  weights: NamedTensor[];
  /** Keras `training_config` / TF.js `trainingConfig`, kept as found. */
  trainingConfig?: JsonObject | null;
  /** TF.js `userDefinedMetadata`; our own settings live under the `modelStudio` key. */
  userDefinedMetadata?: JsonObject;
  /** What the reader did that the user should know (e.g. weights loaded by order); shown when the file opens. */
  notes?: string[];
  /** Where it came from (informational, kept for round trips where the format has the field). */
  producer?: { format: string; kerasVersion?: string; backend?: string; generatedBy?: string; convertedBy?: string };
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem found in a model. Users see `message` and `hint`; `code` is for tests and quick fixes. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  /** The layer the problem belongs to, when there is one. */
  layer?: string;
  /** The config field at fault, when there is one. */
  field?: string;
  message: string;
  hint?: string;
}

/** A user-caused error (bad file, bad input) carried as a value: a plain message and a hint, no stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string, readonly code = 'user-error') {
    super(message);
    this.name = 'UserError';
  }
  /** Message and hint in one line, as shown in notifications and the CLI. */
  get text(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'UserError');
}
