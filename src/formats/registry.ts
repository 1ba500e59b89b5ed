/**
 * The one place that decides which format a file is, and the entry points everything else uses:
 * `readModel(absPath)` and `writeModel(absPath, model, formatId?)`.
 *
 * Detection: by content first (HDF5 and zip signatures, JSON keys, otherwise ONNX protobuf; see magic.ts),
 * with the file's extension breaking ties; a `.json` is a TF.js model when it has `modelTopology`, a Keras
 * `to_json` when it has `class_name` + `config`. A format's module (h5wasm, protobufjs and all) is imported
 * only when a file of that format is first read or written, so callers import this module directly.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyze, expectedWeights, type Analysis } from '../core/analysis';
import { UserError, isUserError, type Diagnostic, type ModelFile, type NamedTensor } from '../core/types';
import { writeFilesAtomic } from './atomic';
import { adoptKerasTraining } from './keras-compile';
import { parseJsonFile, type FormatEntry, type FormatId, type OutputFile, type WriteOptions } from './format';
import {
  firstSignificantByte,
  looksLikeKerasH5,
  looksLikeKerasJson,
  looksLikeKerasWeightsH5,
  looksLikeKerasZip,
  looksLikeOnnx,
  looksLikeTfjs,
} from './magic';
import { checkLimit, limit, limitError } from './limits';
import { folderContext } from './paths';

const formats: FormatEntry[] = [];

/** Adds a format (or replaces the one with the same id). Registration order is the detection order. */
export function registerFormat(f: FormatEntry): void {
  const i = formats.findIndex((x) => x.id === f.id);
  if (i >= 0) formats[i] = f;
  else formats.push(f);
}

export function allFormats(): readonly FormatEntry[] {
  return formats;
}

function getFormat(id: FormatId): FormatEntry | undefined {
  return formats.find((f) => f.id === id);
}

/** Length of the longest extension of `f` that `fileName` ends with (0 for none): `.weights.h5` beats `.h5`. */
function extensionMatch(f: FormatEntry, fileName: string): number {
  const lower = fileName.toLowerCase();
  return Math.max(0, ...f.extensions.filter((e) => lower.endsWith(e)).map((e) => e.length));
}

/** The format claiming the longest matching extension among `candidates`, or undefined. */
function byExtension(candidates: readonly FormatEntry[], fileName: string): FormatEntry | undefined {
  let best: FormatEntry | undefined;
  let bestLen = 0;
  for (const f of candidates) {
    const n = extensionMatch(f, fileName);
    if (n > bestLen) [best, bestLen] = [f, n];
  }
  return best;
}

/** The format whose magic accepts the bytes, preferring one that also claims the file's extension. */
export function detectFormat(fileName: string, bytes: Uint8Array): FormatEntry | undefined {
  const matches = formats.filter((f) => {
    try {
      return f.magic(bytes, fileName);
    } catch {
      return false;
    }
  });
  return byExtension(matches, fileName) ?? matches[0];
}

function supportedList(): string {
  return formats.map((f) => `${f.label}`).join('; ');
}

/** Reads a model file. Every problem a user can cause comes back as one UserError. */
export async function readModel(absPath: string): Promise<ModelFile> {
  const fileName = path.basename(absPath);
  let bytes: Uint8Array;
  try {
    const st = await fs.stat(absPath);
    if (st.isDirectory()) throw new UserError(`${absPath} is a folder, not a model file`, 'open the model file inside it (e.g. model.json)', 'not-a-file');
    bytes = new Uint8Array(await fs.readFile(absPath));
  } catch (e) {
    if (isUserError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(`File not found: ${absPath}`, 'check the path; it is relative to the current folder', 'file-missing');
    }
    throw new UserError(`Cannot read ${absPath}: ${(e as Error).message}`, 'check that the file is readable by you', 'read-failed');
  }
  // JSON files are parsed once up front so that a syntax error is reported as such (with line and column),
  // not as "unknown format".
  if (firstSignificantByte(bytes) === 0x7b || fileName.toLowerCase().endsWith('.json')) parseJsonFile(bytes, fileName);
  const format = detectFormat(fileName, bytes);
  if (!format) {
    // A known extension with contents that do not match (a .keras that is no zip, an .h5 that is no HDF5).
    const byName = fileName.toLowerCase().endsWith('.json') ? undefined : formatForPath(fileName);
    if (byName) {
      throw new UserError(
        `${fileName} is not a valid ${byName.label} file: its contents do not match that format`,
        'the file may be damaged or only partly copied; re-export it from where it came from',
        'bad-content',
      );
    }
    throw new UserError(`Unknown model format: ${fileName}`, `Model Studio reads: ${supportedList()}`, 'unknown-format');
  }
  let model: ModelFile;
  try {
    model = await (await format.load()).read(bytes, folderContext(absPath));
  } catch (e) {
    if (isUserError(e)) throw e;
    // A damaged file can trip a reader in ways nobody listed; it is still the file's fault, not a crash.
    throw new UserError(
      `Could not read ${fileName} as ${format.label}: ${(e as Error).message}`,
      'the file may be damaged or written by a tool Model Studio does not know',
      'read-failed',
    );
  }
  const analysis = checkModelLimits(model, fileName);
  checkWeightsMatchGraph(model, fileName, analysis);
  return adoptKerasTraining(model);
}

/** readModel's analysis of each graph it returned, reused while the graph is unchanged (graphs are replaced, not edited, on change). */
const analyses = new WeakMap<ModelFile['graph'], Analysis>();

/**
 * Sizes no real model reaches (layer count, one dimension, the parameter count, one weight), refused for
 * every file that is read, before anything allocates for them. Returns the model's analysis.
 */
function checkModelLimits(model: ModelFile, fileName: string): Analysis {
  checkLimit('layers', model.graph.layers.length, (n) => `${fileName} has ${n} layers`);
  const a = analyze(model.graph);
  analyses.set(model.graph, a);
  for (const [name, info] of a.layers) {
    const big = (info.outputShape ?? []).find((d) => typeof d === 'number' && d > limit('dimension'));
    if (typeof big === 'number') throw limitError('dimension', `${fileName}: layer '${name}' has an output dimension of ${big.toLocaleString('en-US')}`);
    const sample = (info.outputShape ?? []).slice(1).reduce<number>((p, d) => p * (typeof d === 'number' ? d : 1), 1);
    if (sample > limit('tensorElements')) throw limitError('tensorElements', `${fileName}: layer '${name}' outputs ${sample.toLocaleString('en-US')} values per sample`);
    for (const w of info.weights) {
      const n = w.shape.reduce((p, q) => p * q, 1);
      if (n > limit('tensorElements')) throw limitError('tensorElements', `${fileName}: weight '${name}/${w.name}' has ${n.toLocaleString('en-US')} elements`);
    }
  }
  checkLimit('params', a.totals.total, (n) => `${fileName} declares ${n} parameters`);
  for (const w of model.weights) checkLimit('tensorElements', w.shape.reduce((p, q) => p * Math.max(0, q), 1), (n) => `${fileName}: weight '${w.name}' has ${n} elements`);
  return a;
}

/**
 * The one verdict `summary`, `check` and `convert` share: a model with an error diagnostic (a cycle, an
 * invalid setting such as units -1 or a zero kernel size, a shape that does not fit) is refused by summary
 * and convert with the first errors, and reported in full by check (which exits 1 on the same list).
 */
export function modelErrors(a: Analysis): Diagnostic[] {
  return a.diagnostics.filter((d) => d.severity === 'error');
}

/** Throws a UserError naming the model's first errors (modelErrors); returns the analysis otherwise. */
export function requireValidModel(model: ModelFile, fileName: string, a: Analysis = analyses.get(model.graph) ?? analyze(model.graph)): Analysis {
  const errors = modelErrors(a);
  if (errors.length === 0) return a;
  const shown = errors.slice(0, 3).map((d) => d.message).join('; ');
  throw new UserError(
    `${fileName} is not a valid model: ${shown}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`,
    `\`model-studio check ${fileName}\` lists every problem; fix them in the editor or in the tool that wrote the file`,
    'invalid-model',
  );
}

/**
 * Weights must fit the architecture: a weight whose `<layer>/<weight>` name the model expects must have the
 * expected shape, and a layer that has weights must find some in the file. Names Model Studio does not
 * derive itself (e.g. TF.js' names for the cells inside a Bidirectional) are left to the engine's loader.
 * Architecture-only files (no weights) are fine.
 */
function checkWeightsMatchGraph(model: ModelFile, fileName: string, analysis: Analysis): void {
  if (model.weights.length === 0) return;
  const layerNames = new Set(model.graph.layers.map((l) => l.name));
  const byName = new Map<string, NamedTensor>(model.weights.map((w) => [w.name, w]));
  const fileLayers = new Set(model.weights.map((w) => w.name.split('/')[0]!));
  for (const w of model.weights) {
    const layer = w.name.split('/')[0]!;
    if (!layerNames.has(layer)) {
      throw new UserError(
        `${fileName} has a weight '${w.name}' for a layer '${layer}' that the model does not have`,
        'the weights belong to a different model; save the model and its weights together again',
        'weights-mismatch',
      );
    }
  }
  for (const e of expectedWeights(model.graph, analysis)) {
    const w = byName.get(e.name);
    if (w) {
      if (w.shape.length !== e.shape.length || w.shape.some((d, i) => d !== e.shape[i])) {
        throw new UserError(
          `Weight '${e.name}' has shape [${w.shape.join(', ')}] in ${fileName}, but the layer needs [${e.shape.join(', ')}]`,
          'the weights do not match the architecture; save the model and its weights together again',
          'weights-mismatch',
        );
      }
    } else if (!fileLayers.has(e.name.split('/')[0]!)) {
      throw new UserError(
        `${fileName} has no weights for layer '${e.name.split('/')[0]}' (expected '${e.name}')`,
        'the weights do not match the architecture; save the model and its weights together again',
        'weights-mismatch',
      );
    }
  }
}

/** The format a path is written in when none is named: by extension (`.json` is TF.js, the canonical format). */
function formatForPath(absPath: string): FormatEntry | undefined {
  const name = path.basename(absPath);
  if (name.toLowerCase().endsWith('.json')) return getFormat('tfjs');
  return byExtension(formats, name);
}

/** Checks the bytes a writer produced before any of them reaches the disk; throwing keeps the disk unchanged. */
export type BeforeWrite = (files: readonly OutputFile[]) => Promise<void>;

/**
 * Writes `model` at `absPath` (plus sibling files such as weights) atomically: on any error nothing is
 * changed. `verify`, when given, sees the encoded files first (convert runs ONNX Runtime on them there): a
 * failed check, or a crash during it, leaves an existing file untouched and no new one behind. Returns the
 * absolute paths written, main file first.
 */
export async function writeModel(absPath: string, model: ModelFile, formatId?: FormatId, opts?: WriteOptions, verify?: BeforeWrite): Promise<string[]> {
  const format = formatId ? getFormat(formatId) : formatForPath(absPath);
  if (!format) {
    throw new UserError(
      formatId ? `The format '${formatId}' is not available` : `Model Studio cannot tell which format to write for ${path.basename(absPath)}`,
      formatId
        ? `available formats: ${formats.map((f) => f.id).join(', ')}`
        : `use one of these extensions: ${[...new Set(formats.flatMap((f) => f.extensions))].join(', ')}`,
      'unknown-format',
    );
  }
  const fileName = path.basename(absPath);
  const ext = [...format.extensions].sort((a, b) => b.length - a.length).find((e) => fileName.toLowerCase().endsWith(e));
  const baseName = ext ? fileName.slice(0, fileName.length - ext.length) : fileName.replace(/\.[^.]*$/, '');
  const files = await (await format.load()).write(model, baseName, opts);
  if (files.length === 0) throw new Error(`format ${format.id} wrote no files`);
  // The main file goes exactly where the user asked, whatever case its extension has.
  const placed = [{ relPath: fileName, bytes: files[0]!.bytes }, ...files.slice(1)];
  if (verify) await verify(placed);
  return writeFilesAtomic(path.dirname(path.resolve(absPath)), placed);
}

// ---------------------------------------------------------------------------------------------- formats
// Registration order is detection order. To add a format: a `magic` in magic.ts, a module exporting its
// FormatCodec, and one registerFormat entry here.
registerFormat({
  id: 'tfjs',
  label: 'TensorFlow.js Layers (model.json + .bin)',
  extensions: ['.json'],
  magic: looksLikeTfjs,
  load: async () => (await import('./tfjs')).tfjsCodec,
});
registerFormat({
  id: 'keras-json',
  label: 'Keras architecture JSON (model.to_json())',
  extensions: ['.json'],
  magic: looksLikeKerasJson,
  load: async () => (await import('./keras-json')).kerasJsonCodec,
});
registerFormat({
  id: 'keras-weights-h5',
  label: 'Keras weights (.weights.h5) + architecture JSON',
  extensions: ['.weights.h5'],
  magic: looksLikeKerasWeightsH5,
  load: async () => (await import('./keras-weights-h5')).kerasWeightsH5Codec,
});
registerFormat({
  id: 'keras-h5',
  label: 'Keras HDF5 model (.h5)',
  extensions: ['.h5', '.hdf5'],
  magic: looksLikeKerasH5,
  load: async () => (await import('./keras-h5')).kerasH5Codec,
});
registerFormat({
  id: 'keras-zip',
  label: 'Keras 3 model (.keras)',
  extensions: ['.keras'],
  magic: looksLikeKerasZip,
  load: async () => (await import('./keras-zip')).kerasZipCodec,
});
registerFormat({
  id: 'onnx',
  label: 'ONNX (.onnx)',
  extensions: ['.onnx'],
  magic: looksLikeOnnx,
  load: async () => (await import('./onnx')).onnxCodec,
});
