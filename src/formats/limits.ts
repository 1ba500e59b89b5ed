/**
 * Limits on what a file may ask of us: hostile or damaged files must not be able to hang the editor or use up
 * the machine's memory. Each limit is far above any real Keras / TF.js / ONNX model, and each can be raised
 * by an environment variable named in the message (read at the moment of the check, so the CLI, the
 * extension host and the worker processes all honour it), e.g. `MODEL_STUDIO_MAX_LAYERS=200000`.
 */
import { UserError } from '../core/types';

export interface LimitSpec {
  /** Environment variable that raises it. */
  env: string;
  /** The default. */
  value: number;
  /** What it counts, for messages ("layers", "bytes"). */
  unit: string;
}

export const LIMITS = {
  /** Size of one model or data file read into memory. */
  fileBytes: { env: 'MODEL_STUDIO_MAX_FILE_BYTES', value: 2 * 1024 ** 3, unit: 'bytes' },
  /** JSON text (model.json, config.json, to_json). */
  jsonBytes: { env: 'MODEL_STUDIO_MAX_JSON_BYTES', value: 256 * 1024 ** 2, unit: 'bytes' },
  /** Nesting of JSON arrays and objects (Keras configs nest about 10 deep). */
  jsonDepth: { env: 'MODEL_STUDIO_MAX_JSON_DEPTH', value: 1000, unit: 'levels' },
  /** Layers (or ONNX nodes) in one model. */
  layers: { env: 'MODEL_STUDIO_MAX_LAYERS', value: 50_000, unit: 'layers' },
  /** One dimension of a shape (a layer's units, an input's size). */
  dimension: { env: 'MODEL_STUDIO_MAX_DIMENSION', value: 2 ** 31 - 1, unit: 'elements' },
  /** Elements of one tensor (a weight, one sample's activation): 2^28 float32 values are 1 GiB. */
  tensorElements: { env: 'MODEL_STUDIO_MAX_TENSOR_ELEMENTS', value: 2 ** 28, unit: 'elements' },
  /** Parameters of a whole model. */
  params: { env: 'MODEL_STUDIO_MAX_PARAMS', value: 2 ** 33, unit: 'parameters' },
  /** Entries in a zip archive (.keras, .npz) or a weights manifest. */
  entries: { env: 'MODEL_STUDIO_MAX_ENTRIES', value: 10_000, unit: 'entries' },
  /** Unpacked size of a zip archive (.keras, .npz). */
  unpackedBytes: { env: 'MODEL_STUDIO_MAX_UNPACKED_BYTES', value: 2 * 1024 ** 3, unit: 'bytes' },
  /** Unpacked size over packed size of one compressed zip entry. */
  zipRatio: { env: 'MODEL_STUDIO_MAX_ZIP_RATIO', value: 200, unit: 'times' },
  /** Pixels of one image in a dataset folder. */
  imagePixels: { env: 'MODEL_STUDIO_MAX_IMAGE_PIXELS', value: 64 * 1024 ** 2, unit: 'pixels' },
  /** HDF5 groups and datasets in one file. */
  h5Objects: { env: 'MODEL_STUDIO_MAX_H5_OBJECTS', value: 200_000, unit: 'objects' },
  /** Seconds one HDF5 file may take to parse. */
  h5Seconds: { env: 'MODEL_STUDIO_MAX_H5_SECONDS', value: 60, unit: 'seconds' },
} satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;

/** The limit in force: the environment variable when it holds a positive number, else the default. */
export function limit(name: LimitName): number {
  const spec = LIMITS[name];
  const raw = process.env[spec.env];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : spec.value;
}

/** The error for `what` (e.g. "model.json has 80,000 layers") going over the limit `name`. */
export function limitError(name: LimitName, what: string): UserError {
  const spec = LIMITS[name];
  return new UserError(
    `${what}, over the limit of ${limit(name).toLocaleString('en-US')} ${spec.unit}`,
    `a real model stays far below it, so the file is probably damaged or hostile; if it is genuine, raise the limit with the environment variable ${spec.env}`,
    `limit-${name}`,
  );
}

/** Throws limitError when `value` is over the limit. */
export function checkLimit(name: LimitName, value: number, what: (value: string) => string): void {
  if (value > limit(name)) throw limitError(name, what(value.toLocaleString('en-US')));
}
