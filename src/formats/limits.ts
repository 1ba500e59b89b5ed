/**
 * Limits on what a file may ask of us: hostile or damaged files must not be able to hang the editor or use up
 * the machine's memory. Each limit is far above any real Keras / TF.js / ONNX model. This table is the one
 * declaration: it gives the VS Code setting `modelStudio.limits.<name>` (package.json's entries are checked
 * against `limitSettingsSchema()` by a test; `npx tsx scripts/limit-settings.ts` writes them), the environment
 * variable the CLI reads, and the messages.
 *
 * The transport is the environment, read at the moment of each check: the extension writes its settings into
 * its own process' environment (`limitsEnvFromSettings`), which every worker it forks inherits, and the
 * long-lived children (HDF5, predict) get the current values with each request (`limitsEnv` / `applyLimitsEnv`).
 */
import { UserError } from '../core/types';

export interface LimitSpec {
  /** Environment variable that raises it (the CLI's way; the extension sets it from the setting). */
  env: string;
  /** The default. */
  value: number;
  /** What it counts, for messages ("layers", "bytes"). */
  unit: string;
  /** The setting's description. */
  description: string;
}

export const LIMITS = {
  fileBytes: { env: 'MODEL_STUDIO_MAX_FILE_BYTES', value: 2 * 1024 ** 3, unit: 'bytes', description: 'Largest model or data file read into memory (bytes).' },
  jsonBytes: { env: 'MODEL_STUDIO_MAX_JSON_BYTES', value: 256 * 1024 ** 2, unit: 'bytes', description: 'Largest JSON text: model.json, config.json, a Keras to_json (bytes).' },
  jsonDepth: { env: 'MODEL_STUDIO_MAX_JSON_DEPTH', value: 1000, unit: 'levels', description: 'Deepest nesting of JSON arrays and objects (Keras configs nest about 10 deep).' },
  layers: { env: 'MODEL_STUDIO_MAX_LAYERS', value: 50_000, unit: 'layers', description: 'Most layers (or ONNX nodes) in one model.' },
  dimension: { env: 'MODEL_STUDIO_MAX_DIMENSION', value: 2 ** 31 - 1, unit: 'elements', description: "Largest single dimension of a shape (a layer's units, an input's size)." },
  tensorElements: { env: 'MODEL_STUDIO_MAX_TENSOR_ELEMENTS', value: 2 ** 28, unit: 'elements', description: "Most elements in one tensor: a weight, one sample's activation (2^28 float32 values are 1 GiB)." },
  params: { env: 'MODEL_STUDIO_MAX_PARAMS', value: 2 ** 33, unit: 'parameters', description: 'Most parameters in a whole model.' },
  entries: { env: 'MODEL_STUDIO_MAX_ENTRIES', value: 10_000, unit: 'entries', description: 'Most entries in a zip archive (.keras, .npz) or a TF.js weights manifest.' },
  unpackedBytes: { env: 'MODEL_STUDIO_MAX_UNPACKED_BYTES', value: 2 * 1024 ** 3, unit: 'bytes', description: 'Largest unpacked size of a zip archive (.keras, .npz) (bytes).' },
  zipRatio: { env: 'MODEL_STUDIO_MAX_ZIP_RATIO', value: 200, unit: 'times', description: 'Largest unpacked size over packed size of one compressed zip entry (a zip bomb is far above it).' },
  imagePixels: { env: 'MODEL_STUDIO_MAX_IMAGE_PIXELS', value: 64 * 1024 ** 2, unit: 'pixels', description: 'Most pixels in one image of a dataset folder.' },
  h5Objects: { env: 'MODEL_STUDIO_MAX_H5_OBJECTS', value: 200_000, unit: 'objects', description: 'Most HDF5 groups and datasets in one .h5 file.' },
  h5Seconds: { env: 'MODEL_STUDIO_MAX_H5_SECONDS', value: 60, unit: 'seconds', description: 'Longest time one HDF5 file may take to parse (seconds).' },
} satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;

export const LIMIT_NAMES = Object.keys(LIMITS) as LimitName[];

/** Set (to `settings`) by the extension: the messages then name the setting only. */
export const LIMITS_FROM_ENV = 'MODEL_STUDIO_LIMITS_FROM';

export function limitSetting(name: LimitName): string {
  return `modelStudio.limits.${name}`;
}

/** `raw` as a limit: a positive finite number, else a UserError naming where it came from (`source`). */
export function parseLimitValue(name: LimitName, raw: unknown, source: string): number {
  const n = typeof raw === 'number' ? raw : NaN;
  if (Number.isFinite(n) && n > 0) return n;
  const shown = typeof raw === 'string' ? `the text ${JSON.stringify(raw.slice(0, 40))}` : String(raw);
  return badLimit(name, `${source} is ${shown}`);
}

function badLimit(name: LimitName, what: string): never {
  throw new UserError(
    `${what}, which is not a limit: it must be a positive number of ${LIMITS[name].unit} (default ${LIMITS[name].value.toLocaleString('en-US')})`,
    `fix or remove ${fromSettings() ? `the setting ${limitSetting(name)}` : `the environment variable ${LIMITS[name].env}`}`,
    'limit-invalid',
  );
}

function fromSettings(): boolean {
  return process.env[LIMITS_FROM_ENV] === 'settings';
}

/** The limit in force: the environment variable (set by the user, or by the extension from its setting), else the default. */
export function limit(name: LimitName): number {
  const spec = LIMITS[name];
  const raw = process.env[spec.env];
  if (raw === undefined || raw.trim() === '') return spec.value;
  const n = Number(raw);
  if (Number.isFinite(n) && n > 0) return n;
  return badLimit(name, `${spec.env}=${raw.slice(0, 40)}`);
}

/** How the user raises `name`: the setting in the editor; from the CLI the environment variable (and the setting). */
export function howToRaise(name: LimitName): string {
  return fromSettings()
    ? `raise the setting ${limitSetting(name)} (Settings > Model Studio)`
    : `raise the limit with the environment variable ${LIMITS[name].env} (in VS Code: the setting ${limitSetting(name)})`;
}

/** The error for `what` (e.g. "model.json has 80,000 layers") going over the limit `name`. */
export function limitError(name: LimitName, what: string): UserError {
  const spec = LIMITS[name];
  return new UserError(
    `${what}, over the limit of ${limit(name).toLocaleString('en-US')} ${spec.unit}`,
    `a real model stays far below it, so the file is probably damaged or hostile; if it is genuine, ${howToRaise(name)}`,
    `limit-${name}`,
  );
}

/** Throws limitError when `value` is over the limit. */
export function checkLimit(name: LimitName, value: number, what: (value: string) => string): void {
  if (value > limit(name)) throw limitError(name, what(value.toLocaleString('en-US')));
}

/**
 * The environment that carries the settings' limits (`get(name)` reads `modelStudio.limits.<name>`; undefined
 * is the default). A bad value is refused (the default stays in force) and reported in `errors`.
 */
export function limitsEnvFromSettings(get: (name: LimitName) => unknown): { env: Record<string, string>; errors: UserError[] } {
  const env: Record<string, string> = { [LIMITS_FROM_ENV]: 'settings' };
  const errors: UserError[] = [];
  for (const name of LIMIT_NAMES) {
    const raw = get(name);
    let value = LIMITS[name].value;
    try {
      if (raw !== undefined) value = parseLimitValue(name, raw, `The setting ${limitSetting(name)}`);
    } catch (e) {
      errors.push(e as UserError);
    }
    env[LIMITS[name].env] = String(value);
  }
  return { env, errors };
}

const LIMIT_VARS = [LIMITS_FROM_ENV, ...LIMIT_NAMES.map((n) => LIMITS[n].env)];

/** The limit variables of this process, to hand to a long-lived child with each request ('' for unset). */
export function limitsEnv(): Record<string, string> {
  return Object.fromEntries(LIMIT_VARS.map((k) => [k, process.env[k] ?? '']));
}

/** In a long-lived child: takes the limits its parent sent (only our own variables; anything else is ignored). */
export function applyLimitsEnv(env: unknown): void {
  if (typeof env !== 'object' || env === null) return;
  for (const [k, v] of Object.entries(env)) {
    if (!LIMIT_VARS.includes(k) || typeof v !== 'string') continue;
    if (v === '') delete process.env[k];
    else process.env[k] = v;
  }
}

/** package.json's `contributes.configuration.properties` entries for the limits. */
export function limitSettingsSchema(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const name of LIMIT_NAMES) {
    const spec = LIMITS[name];
    out[limitSetting(name)] = {
      type: 'number',
      default: spec.value,
      exclusiveMinimum: 0,
      // Machine scope: a workspace (a cloned repository) must not be able to raise the limits that protect from its own files.
      scope: 'machine',
      markdownDescription: `${spec.description} Hostile or damaged files are refused above it. Default: ${spec.value.toLocaleString('en-US')}. The CLI reads \`${spec.env}\`.`,
    };
  }
  return out;
}
