/**
 * The contract every file format implements: bytes <-> ModelFile. One module per format
 * (tfjs.ts, keras-json.ts, keras-h5.ts, keras-weights-h5.ts, keras-zip.ts, onnx/); registry.ts picks between them
 * (with the signatures in magic.ts) and loads a format's module when a file first needs it.
 */
import { isObj } from '../core/guards';
import { UserError, type Json, type JsonObject, type ModelFile, type ModelGraph } from '../core/types';
import { PRODUCT_VERSION } from '../core/version';
import { jsonErrorOffset } from './json-syntax';
import { checkLimit, limit, limitError } from './limits';

export type FormatId = 'tfjs' | 'keras-json' | 'keras-h5' | 'keras-zip' | 'keras-weights-h5' | 'onnx';

/** What a reader may look at besides the main file: other files in the same folder, and nothing else. */
export interface ReadContext {
  /** The main file's name (no folder), for messages. */
  fileName: string;
  /**
   * Bytes of a file named relative to the main file's folder (e.g. a weights shard).
   * Throws UserError for `../` escapes, absolute paths, symlinks leading outside, and missing files.
   */
  readSibling(relPath: string): Promise<Uint8Array>;
}

/** One file a writer produces, relative to the folder of the main file. */
export interface OutputFile {
  relPath: string;
  bytes: Uint8Array;
}

/** Format-specific write options; each format reads the ones it knows and ignores the rest. */
export interface WriteOptions {
  /** ONNX opset version (13+). */
  opset?: number;
  [option: string]: unknown;
}

/** Reading and writing one format: the part of a format that is loaded only when a file needs it. */
export interface FormatCodec {
  read(main: Uint8Array, ctx: ReadContext): Promise<ModelFile>;
  /**
   * The files that make up `model`. `files[0]` is the main file (the registry writes it at the path the user
   * chose); the others are siblings named from `baseName`, the main file's name without its extension.
   */
  write(model: ModelFile, baseName: string, opts?: WriteOptions): Promise<OutputFile[]>;
}

/** A format as the registry holds it: names and signature at hand, reader and writer loaded on first use. */
export interface FormatEntry {
  id: FormatId;
  /** Shown to users, e.g. "TensorFlow.js Layers (model.json + .bin)". */
  label: string;
  /** Lower-case file name endings this format claims, with the dot, e.g. `['.json']`. */
  extensions: readonly string[];
  /** True when `bytes` (the whole file, or at least its start) look like this format. Must not throw (magic.ts). */
  magic(bytes: Uint8Array, fileName: string): boolean;
  /** The format's module, imported the first time a file of this format is read or written. */
  load(): Promise<FormatCodec>;
}

/** The `generatedBy` / producer string we put in files we write. */
export const GENERATED_BY = `Model Studio ${PRODUCT_VERSION}`;

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/**
 * Canvas positions travel in the file's metadata (`userDefinedMetadata.modelStudio.layout`, `{layer: {x, y}}`)
 * so a manual layout survives a save. These two helpers move them between the graph and the metadata.
 */
export function metadataWithLayout(g: ModelGraph, meta: JsonObject | undefined): JsonObject | undefined {
  const layout: JsonObject = {};
  // A tenth of a pixel is finer than anyone drags; it keeps the numbers short in the file.
  const round = (v: number) => Math.round(v * 10) / 10;
  for (const l of g.layers) if (l.position) layout[l.name] = { x: round(l.position.x), y: round(l.position.y) };
  if (Object.keys(layout).length === 0) return meta;
  const out: JsonObject = structuredClone(meta ?? {});
  const ms = out.modelStudio;
  out.modelStudio = { ...(typeof ms === 'object' && ms !== null && !Array.isArray(ms) ? ms : {}), layout };
  return out;
}

/** Applies `modelStudio.layout` to `g` (in place) and returns the metadata without it. */
export function takeLayoutFromMetadata(g: ModelGraph, meta: JsonObject | undefined): JsonObject | undefined {
  const ms = meta?.modelStudio;
  if (!meta || typeof ms !== 'object' || ms === null || Array.isArray(ms) || !('layout' in ms)) return meta;
  const layout = ms.layout;
  if (typeof layout === 'object' && layout !== null && !Array.isArray(layout)) {
    for (const l of g.layers) {
      const p = layout[l.name];
      if (typeof p === 'object' && p !== null && !Array.isArray(p) && typeof p.x === 'number' && typeof p.y === 'number') {
        l.position = { x: p.x, y: p.y };
      }
    }
  }
  const { layout: _dropped, ...restMs } = ms;
  void _dropped;
  const out: JsonObject = { ...meta };
  if (Object.keys(restMs).length) out.modelStudio = restMs;
  else delete out.modelStudio;
  return out;
}

/** `isObj` (core/guards.ts) typed as a JSON object. */
export function isJsonObject(v: unknown): v is JsonObject {
  return isObj(v);
}

/**
 * How deep arrays and objects nest, found without recursion and without parsing: a file of a million `[`
 * must be refused before JSON.parse (or our error scanner) runs out of stack on it. Brackets inside strings
 * do not count. Stops counting once past `max`.
 */
export function jsonDepth(text: string, max = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** Parses JSON bytes; a syntax error becomes a UserError with line and column. */
export function parseJsonFile(bytes: Uint8Array, fileName: string): Json {
  checkLimit('jsonBytes', bytes.length, (n) => `${fileName} is ${n} bytes of JSON`);
  const text = decodeUtf8(bytes).replace(/^\uFEFF/, '');
  const maxDepth = limit('jsonDepth');
  if (jsonDepth(text, maxDepth) > maxDepth) throw limitError('jsonDepth', `${fileName} nests arrays and objects too deeply`);
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    // V8 gives a position for some syntax errors only ("Unexpected token" has none in Node 20), so find it ourselves.
    const pos = jsonErrorOffset(text);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    const found = pos < text.length ? `unexpected ${JSON.stringify(text[pos])}` : 'unexpected end of file';
    throw new UserError(
      `${fileName} is not valid JSON at line ${line}, column ${column}: ${found}`,
      'fix the file in a text editor, or save it again from the tool that made it',
      'invalid-json',
    );
  }
}
