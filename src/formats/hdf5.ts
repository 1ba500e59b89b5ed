/**
 * A thin layer over h5wasm: whole HDF5 files <-> a plain in-memory tree. Keras model files are small enough
 * to read eagerly, and a plain tree keeps every Keras-specific rule (names, attribute splitting, layouts) in
 * keras-h5.ts / keras-weights-h5.ts / keras-zip.ts, testable without HDF5.
 *
 * h5wasm works on files in its emscripten file system: bytes are written to a unique path there, opened, and
 * unlinked again. We load h5wasm's ES-module build, whose file system is MEMFS (in memory). Its `h5wasm/node`
 * build is NODERAWFS, the real disk: every path would be a file at the filesystem root, which a user who is
 * not root cannot write (and a killed process leaves behind).
 */
import { UserError } from '../core/types';
import { checkLimit } from './limits';
import { isHdf5 } from './magic';

type H5Lib = typeof import('h5wasm');
type H5Group = InstanceType<H5Lib['Group']>;

/** An attribute as h5py would see it. `shape` is `[]` for a scalar. */
export interface H5Attr {
  value: string | string[] | number[];
  /** HDF5 class of the element type. */
  type: 'string' | 'float' | 'int';
  shape: number[];
  /** For strings: variable-length (h5py `str`/`bytes` scalars) or fixed-length (numpy `S` arrays). */
  vlen?: boolean;
  cset?: 'ascii' | 'utf8';
  /** For fixed-length strings; numpy `S` arrays are NULLPAD. */
  strpad?: 'nullterm' | 'nullpad' | 'spacepad';
  /** Element size in bytes (fixed strings: the longest string; numbers: 4 or 8). */
  size?: number;
}

type H5Data = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array | BigUint64Array;

export interface H5DatasetNode {
  kind: 'dataset';
  shape: number[];
  /** numpy-style dtype: `float32`, `float64`, `int32`, `int64`, ... */
  dtype: string;
  data: H5Data;
  attrs: Map<string, H5Attr>;
}

export interface H5GroupNode {
  kind: 'group';
  attrs: Map<string, H5Attr>;
  children: Map<string, H5Node>;
}

export type H5Node = H5GroupNode | H5DatasetNode;

export function group(attrs: Record<string, H5Attr> = {}): H5GroupNode {
  return { kind: 'group', attrs: new Map(Object.entries(attrs)), children: new Map() };
}

export function float32Dataset(shape: number[], data: Float32Array | Int32Array): H5DatasetNode {
  return { kind: 'dataset', shape, dtype: data instanceof Int32Array ? 'int32' : 'float32', data, attrs: new Map() };
}

/** Attribute constructors for the types h5py writes for Keras files. */
export const attr = {
  /** A scalar variable-length string (h5py: `attrs[k] = b'...'` in Keras 2). */
  vlenString(value: string, cset: 'ascii' | 'utf8' = 'ascii'): H5Attr {
    return { value, type: 'string', shape: [], vlen: true, cset };
  },
  /** A 1-D variable-length string array (Keras 3 legacy H5 `layer_names`). */
  vlenStrings(value: string[], cset: 'ascii' | 'utf8' = 'ascii'): H5Attr {
    return { value, type: 'string', shape: [value.length], vlen: true, cset };
  },
  /**
   * A 1-D numpy `S<n>` array (Keras 2 `layer_names` / `weight_names`): fixed length = the longest UTF-8
   * string, NULLPAD. An empty list becomes what numpy makes of `np.asarray([])`: an empty float64 array.
   */
  fixedStrings(value: string[], size?: number): H5Attr {
    if (value.length === 0) return { value: [], type: 'float', shape: [0], size: 8 };
    const longest = Math.max(1, ...value.map((s) => utf8Length(s)));
    return { value, type: 'string', shape: [value.length], vlen: false, cset: 'ascii', strpad: 'nullpad', size: size ?? longest };
  },
};

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

let lib: Promise<H5Lib> | undefined;

/** Loads h5wasm's in-memory (ES module) build once; dynamic import works from our CommonJS output. */
function loadH5wasm(): Promise<H5Lib> {
  lib ??= (async () => {
    // The package root's `import` condition is the MEMFS build (see the header); never `h5wasm/node`.
    const m = (await import('h5wasm' as string)) as H5Lib;
    await m.ready;
    // Errors become exceptions instead of HDF5-DIAG dumps on stderr.
    (m.Module as unknown as { activate_throwing_error_handler(): number }).activate_throwing_error_handler();
    return m;
  })();
  return lib;
}

let counter = 0;
function memPath(): string {
  counter += 1;
  return `/model-studio-${process.pid}-${counter}.h5`;
}

/**
 * Reads a whole HDF5 file into a tree, less the top-level groups named in `skip` (a Keras 3 file's `optimizer`
 * state, twice the size of its weights, when only the weights are wanted). Unreadable files (truncated, not
 * HDF5) are a UserError naming `label`.
 * The parse runs in a child process under time and memory limits (hdf5-isolate.ts).
 */
export async function readHdf5(bytes: Uint8Array, label: string, skip: string[] = []): Promise<H5GroupNode> {
  if (!isHdf5(bytes)) return readHdf5InProcess(bytes, label);
  if (!process.env.MODEL_STUDIO_H5_CHILD && process.env.MODEL_STUDIO_H5_IN_PROCESS !== '1') {
    const isolated = (await import('./hdf5-isolate')).readHdf5Isolated(bytes, label, skip);
    if (isolated) return isolated;
  }
  return readHdf5InProcess(bytes, label, skip);
}

/** readHdf5 in this process: for the child, and where no child can be started. */
export async function readHdf5InProcess(bytes: Uint8Array, label: string, skip: string[] = []): Promise<H5GroupNode> {
  if (!isHdf5(bytes)) {
    throw new UserError(`${label} is not an HDF5 file`, 'Keras .h5 files start with the HDF5 signature; the file may be of another kind or damaged', 'h5-not-hdf5');
  }
  const h5 = await loadH5wasm();
  const p = memPath();
  h5.FS!.writeFile(p, bytes);
  let file: InstanceType<H5Lib['File']> | undefined;
  try {
    file = new h5.File(p, 'r');
    return readGroup(h5, file, { label, objects: 0, skip }, 0);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `${label} could not be read as HDF5 (${firstLine(e)})`,
      'the file is probably truncated or damaged; save or download it again',
      'h5-unreadable',
    );
  } finally {
    try {
      file?.close();
    } catch {
      // closing a half-open file may fail too; the MEMFS copy is removed below either way
    }
    h5.FS!.unlink(p);
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split('\n').map((l) => l.trim());
  const minor = lines.filter((l) => l.startsWith('minor:')).pop();
  return (minor ? minor.slice(6).trim() : lines[0] ?? 'unknown error').slice(0, 200);
}

function readAttrs(obj: H5Group | InstanceType<H5Lib['Dataset']>): Map<string, H5Attr> {
  const out = new Map<string, H5Attr>();
  for (const [name, a] of Object.entries(obj.attrs)) {
    const m = a.metadata as { type: number; vlen?: boolean; cset?: number; strpad?: number; size: number };
    const shape = (a.shape ?? []).map(Number);
    const raw = a.value as unknown;
    if (m.type === 3) {
      const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map((s) => String(s)) : String(raw);
      out.set(name, {
        value,
        type: 'string',
        shape,
        vlen: !!m.vlen,
        cset: m.cset === 1 ? 'utf8' : 'ascii',
        strpad: m.vlen ? undefined : (['nullterm', 'nullpad', 'spacepad'] as const)[m.strpad ?? 0],
        size: m.vlen ? undefined : m.size,
      });
    } else if (m.type === 0 || m.type === 1) {
      const arr = ArrayBuffer.isView(raw) ? Array.from(raw as unknown as ArrayLike<number | bigint>, Number) : Array.isArray(raw) ? raw.map(Number) : [Number(raw)];
      out.set(name, { value: arr, type: m.type === 1 ? 'float' : 'int', shape, size: m.size });
    }
    // Other attribute classes (references, compounds) never occur in Keras files; they are skipped.
  }
  return out;
}

function dtypeName(meta: { type: number; size: number; signed?: boolean }): string {
  if (meta.type === 1) return `float${meta.size * 8}`;
  if (meta.type === 0) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  return 'other';
}

/** Groups nest a few levels in Keras files; deeper means a hard-link cycle (a group linked into itself). */
const MAX_GROUP_DEPTH = 64;

/**
 * h5wasm shows no object addresses, so a hard-link cycle cannot be recognised by identity: it is caught by
 * the depth it produces (a cycle is infinitely deep) and, for cycles that branch, by the object count.
 */
function readGroup(h5: H5Lib, g: H5Group, walk: { label: string; objects: number; skip: string[] }, depth: number): H5GroupNode {
  if (depth > MAX_GROUP_DEPTH) {
    throw new UserError(
      `${walk.label} is damaged: its groups nest more than ${MAX_GROUP_DEPTH} deep, which means a group is linked into itself (a link cycle)`,
      'a Keras file never does this; save or download the file again',
      'h5-link-cycle',
    );
  }
  const node: H5GroupNode = { kind: 'group', attrs: readAttrs(g), children: new Map() };
  for (const key of g.keys()) {
    if (depth === 0 && walk.skip.includes(key)) continue;
    walk.objects += 1;
    checkLimit('h5Objects', walk.objects, (n) => `${walk.label} has more than ${n} groups and datasets (or a link cycle)`);
    const child = g.get(key);
    if (child instanceof h5.Group) node.children.set(key, readGroup(h5, child, walk, depth + 1));
    else if (child instanceof h5.Dataset) {
      const meta = child.metadata as { type: number; size: number; signed?: boolean };
      const dtype = dtypeName(meta);
      const value = child.value as unknown;
      let data: H5Data;
      if (ArrayBuffer.isView(value)) data = value as H5Data;
      else if (typeof value === 'number') data = meta.type === 1 ? new Float64Array([value]) : new Int32Array([value]);
      else if (typeof value === 'bigint') data = new BigInt64Array([value]);
      else continue; // string or compound datasets carry no weights
      node.children.set(key, { kind: 'dataset', shape: (child.shape ?? []).map(Number), dtype, data, attrs: readAttrs(child) });
    }
  }
  return node;
}

/** Follows a `/`-separated path; undefined when any part is missing. */
export function getNode(root: H5GroupNode, path: string): H5Node | undefined {
  let cur: H5Node | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    if (!cur || cur.kind !== 'group') return undefined;
    cur = cur.children.get(part);
  }
  return cur;
}

export function getGroup(root: H5GroupNode, path: string): H5GroupNode | undefined {
  const n = getNode(root, path);
  return n?.kind === 'group' ? n : undefined;
}

/** Creates intermediate groups as needed and returns the group at `path`. */
export function ensureGroup(root: H5GroupNode, path: string): H5GroupNode {
  let cur = root;
  for (const part of path.split('/').filter(Boolean)) {
    let next = cur.children.get(part);
    if (!next) {
      next = group();
      cur.children.set(part, next);
    }
    if (next.kind !== 'group') throw new Error(`HDF5 path ${path}: ${part} is a dataset`);
    cur = next;
  }
  return cur;
}

/** A string attribute's value(s) as a list (scalars become one-element lists; numeric empties become []). */
export function attrStrings(a: H5Attr | undefined): string[] | undefined {
  if (!a) return undefined;
  if (a.type !== 'string') return Array.isArray(a.value) && a.value.length === 0 ? [] : undefined;
  return typeof a.value === 'string' ? [a.value] : (a.value as string[]);
}

export function attrString(a: H5Attr | undefined): string | undefined {
  if (!a || a.type !== 'string') return undefined;
  return typeof a.value === 'string' ? a.value : (a.value as string[])[0];
}

/**
 * Writes a tree to HDF5 bytes the way h5py does by default: library version bounds "earliest" (version-1
 * object headers, as in every Keras file we have seen), no chunking or compression, groups in name order.
 */
export async function writeHdf5(root: H5GroupNode): Promise<Uint8Array> {
  const h5 = await loadH5wasm();
  const p = memPath();
  const fixed: { name: string; size: number }[] = [];
  try {
    const file = new h5.File(p, 'w', { libver: ['earliest', 'v200'] });
    try {
      writeGroup(file, root, fixed);
    } finally {
      file.close();
    }
    const bytes = new Uint8Array(h5.FS!.readFile(p));
    for (const f of fixed) setNullPad(bytes, f.name, f.size);
    return bytes;
  } finally {
    try {
      h5.FS!.unlink(p);
    } catch {
      // not created
    }
  }
}

function writeAttrs(obj: H5Group | InstanceType<H5Lib['Dataset']>, attrs: Map<string, H5Attr>, fixed: { name: string; size: number }[]): void {
  for (const [name, a] of attrs) {
    if (a.type === 'string') {
      if (a.vlen) {
        const dtype = a.cset === 'utf8' ? 'S' : 'A';
        obj.create_attribute(name, a.value as string | string[], a.shape.length ? a.shape : [], dtype);
      } else {
        const values = a.value as string[];
        const size = a.size ?? Math.max(1, ...values.map(utf8Length));
        obj.create_attribute(name, values, [values.length], `A${size}`);
        fixed.push({ name, size });
      }
    } else if (a.type === 'float') {
      const vals = a.value as number[];
      if (a.size === 4) obj.create_attribute(name, new Float32Array(vals), a.shape, '<f');
      else obj.create_attribute(name, new Float64Array(vals), a.shape, '<d');
    } else {
      const vals = a.value as number[];
      if (a.size === 8) obj.create_attribute(name, BigInt64Array.from(vals.map((v) => BigInt(v))), a.shape, '<q');
      else obj.create_attribute(name, new Int32Array(vals), a.shape, '<i');
    }
  }
}

function writeGroup(g: H5Group, node: H5GroupNode, fixed: { name: string; size: number }[]): void {
  writeAttrs(g, node.attrs, fixed);
  // Name order, as HDF5 lists links when creation order is not tracked (h5py's default).
  const names = [...node.children.keys()].sort();
  for (const name of names) {
    const child = node.children.get(name)!;
    if (child.kind === 'group') writeGroup(g.create_group(name), child, fixed);
    else {
      const ds = g.create_dataset({ name, data: child.data as never, shape: child.shape });
      writeAttrs(ds, child.attrs, fixed);
    }
  }
}

/**
 * h5wasm writes fixed-length strings NULLTERM and has no way to ask for NULLPAD, which is what numpy `S`
 * arrays (and so Keras' `layer_names`/`weight_names`) use. With version-1 object headers there is no
 * checksum, so the padding bits of the datatype are set in place: an attribute message holds the
 * NUL-terminated name padded to 8 bytes, then the datatype (class-and-version byte 0x13 = string v1,
 * three class-bit bytes whose low nibble is the padding, then the 4-byte element size). The full
 * name + datatype header + size must match, so weight bytes can never be mistaken for it.
 */
function setNullPad(bytes: Uint8Array, name: string, size: number): void {
  const nameBytes = new TextEncoder().encode(name);
  const padded = Math.ceil((nameBytes.length + 1) / 8) * 8;
  outer: for (let i = 0; i + padded + 8 <= bytes.length; i++) {
    for (let k = 0; k < nameBytes.length; k++) if (bytes[i + k] !== nameBytes[k]) continue outer;
    for (let k = nameBytes.length; k < padded; k++) if (bytes[i + k] !== 0) continue outer;
    const t = i + padded;
    if (bytes[t] !== 0x13 || bytes[t + 1] !== 0 || bytes[t + 2] !== 0 || bytes[t + 3] !== 0) continue;
    const s = bytes[t + 4]! | (bytes[t + 5]! << 8) | (bytes[t + 6]! << 16) | (bytes[t + 7]! << 24);
    if (s !== size) continue;
    bytes[t + 1] = 0x01; // H5T_STR_NULLPAD, charset ASCII
  }
}
