/**
 * NumPy `.npy` and `.npz` read and write (format spec: numpy/lib/format.py, versions 1.0 to 3.0). Read: bool,
 * int8-64, uint8-64, float16 (widened to float32), float32 and float64, either byte order, C or Fortran order
 * (turned into C order). `.npz` is a zip of `.npy` members (np.savez stores them, np.savez_compressed deflates
 * them); fflate reads both. Big `.npy` files are read row by row on demand. Object arrays (pickles) are refused.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { zipSync } from 'fflate';
import { unzipChecked } from '../../formats/zip';
import { UserError } from '../../core/types';
import { checkSampleWeights, elementCount, type DataBatch, type DataSource, type Labels } from './source';

export type NpyDType = '<f4' | '<f8' | '<i4' | '<i8' | '|u1' | '|b1' | '|i1' | '<i2' | '<u2' | '<u4' | '<u8';
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array | BigUint64Array;

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: NpyData;
}

/** The hint of every damaged-file error: what to do about it. */
const NPY_DAMAGED = 'the file is damaged or was not written by numpy; save the array again with np.save';

/** Header text as shown in messages: bytes outside printable ASCII as \xNN (a damaged header holds any byte). */
const asciiOnly = (t: string) => t.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** How the bytes of one element are stored in the file (numpy's `descr`), before we normalise them. */
interface StoredType {
  /** The little-endian dtype the data becomes in memory (float16 widens to float32). */
  dtype: NpyDType;
  /** Bytes per element in the file. */
  size: number;
  bigEndian: boolean;
  float16: boolean;
}

export interface NpyHeader {
  /** The in-memory dtype (little-endian; float16 read as float32). */
  dtype: NpyDType;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
  /** numpy's `fortran_order`: the data is stored column-major. */
  fortranOrder: boolean;
  stored: StoredType;
}

function parseDescr(descr: string, where: string): StoredType {
  // numpy's descr: byte order ('<' little, '>' big, '|' not applicable, '=' native: little on every machine
  // we run on), kind (b bool, i int, u uint, f float) and the item size.
  const m = /^([<>|=]?)([biuf])(\d+)$/.exec(descr);
  const order = m?.[1] ?? '';
  const key = m ? `${m[2]}${m[3]}` : '';
  const dtype = ({ b1: '|b1', i1: '|i1', u1: '|u1', i2: '<i2', u2: '<u2', i4: '<i4', u4: '<u4', i8: '<i8', u8: '<u8', f2: '<f4', f4: '<f4', f8: '<f8' } as Record<string, NpyDType>)[key];
  if (!m || !dtype) {
    const hint = /O/.test(descr)
      ? 'Object arrays hold pickled Python objects, which Model Studio never loads; save a numeric array instead.'
      : 'Save the array with a numeric or bool dtype, e.g. arr.astype("float32").';
    throw new UserError(`${where}: NumPy dtype "${descr}" is not supported.`, hint, 'npy-dtype');
  }
  return { dtype, size: Number(m[3]), bigEndian: order === '>', float16: key === 'f2' };
}

/** The header length field and where the header text starts, for the three `.npy` format versions. */
function headerLayout(bytes: Uint8Array, where: string): { start: number; length: number; utf8: boolean } {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new UserError(`${where} is not a NumPy .npy file.`, 'The file must start with the \\x93NUMPY magic bytes.', 'npy-magic');
  }
  const [major, minor] = [bytes[6], bytes[7]];
  if (major < 1 || major > 3 || minor !== 0) {
    throw new UserError(`${where}: .npy format version ${major}.${minor} is not supported.`, 'numpy writes versions 1.0, 2.0 and 3.0; save the array again with np.save.', 'npy-version');
  }
  if (major > 1 && bytes.length < 12) throw new UserError(`${where}: the .npy header is truncated.`, NPY_DAMAGED, 'npy-header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return major === 1 ? { start: 10, length: view.getUint16(8, true), utf8: false } : { start: 12, length: view.getUint32(8, true), utf8: major === 3 };
}

/** Parse the header of an `.npy` file from its first bytes (the whole header must be there). */
export function parseNpyHeader(bytes: Uint8Array, where = 'npy'): NpyHeader {
  const { start, length, utf8 } = headerLayout(bytes, where);
  if (bytes.length < start + length) throw new UserError(`${where}: the .npy header is truncated.`, NPY_DAMAGED, 'npy-header');
  const header = new TextDecoder(utf8 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + length));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw new UserError(`${where}: cannot read the .npy header (${asciiOnly(header.trim().slice(0, 200))}).`, NPY_DAMAGED, 'npy-header');
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new UserError(`${where}: the .npy shape (${asciiOnly(shapeText)}) is not a list of sizes.`, NPY_DAMAGED, 'npy-header');
  }
  const stored = parseDescr(descr, where);
  return { dtype: stored.dtype, shape, offset: start + length, fortranOrder: fortran === 'True', stored };
}

/**
 * Decodes `count` stored elements into a fresh, aligned typed array of the header's dtype. Always copies:
 * `bytes` may be a view into a larger buffer (Node's Buffer pool, a whole file, a zip), and a typed array
 * made on `bytes.buffer` would read from the start of that buffer instead.
 */
function decode(h: NpyHeader, bytes: Uint8Array, count: number): NpyData {
  const { size, bigEndian, float16 } = h.stored;
  const raw = new Uint8Array(count * size);
  raw.set(bytes.subarray(0, count * size));
  if (bigEndian && size > 1) {
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  if (float16) {
    const halves = new Uint16Array(raw.buffer);
    return Float32Array.from(halves, halfToFloat);
  }
  const copy = raw.buffer;
  switch (h.dtype) {
    case '<f4':
      return new Float32Array(copy);
    case '<f8':
      return new Float64Array(copy);
    case '<i4':
      return new Int32Array(copy);
    case '<i8':
      return new BigInt64Array(copy);
    case '|u1':
    case '|b1':
      return new Uint8Array(copy);
    case '|i1':
      return new Int8Array(copy);
    case '<i2':
      return new Int16Array(copy);
    case '<u2':
      return new Uint16Array(copy);
    case '<u4':
      return new Uint32Array(copy);
    case '<u8':
      return new BigUint64Array(copy);
  }
}

/** IEEE 754 half precision to a JavaScript number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Column-major (Fortran order) data to row-major, the order every reader here assumes. */
function fortranToC<T extends NpyData>(data: T, shape: number[]): T {
  if (shape.length < 2) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const strides = shape.map((_, k) => shape.slice(0, k).reduce((a, d) => a * d, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let k = 0; k < shape.length; k++) f += idx[k] * strides[k];
    (out as unknown as unknown[])[c] = (data as unknown as unknown[])[f];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function readNpy(bytes: Uint8Array, where = 'npy'): NpyArray {
  const h = parseNpyHeader(bytes, where);
  const count = elementCount(h.shape);
  const need = count * h.stored.size;
  if (bytes.length - h.offset < need) {
    throw new UserError(`${where}: the file is truncated (${bytes.length - h.offset} of ${need} data bytes).`, NPY_DAMAGED, 'npy-truncated');
  }
  const data = decode(h, bytes.subarray(h.offset), count);
  return { dtype: h.dtype, shape: h.shape, data: h.fortranOrder ? fortranToC(data, h.shape) : data };
}

/** Encode an array as `.npy` version 1.0 (header padded so the data starts at a multiple of 64). */
export function writeNpy(a: NpyArray): Uint8Array {
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${a.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const data = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

/** Read every member of an `.npz` (names without the `.npy` suffix, as np.load gives them). */
export function readNpz(bytes: Uint8Array, where = 'npz'): Map<string, NpyArray> {
  // The directory is checked before anything is inflated (zip bombs, zip64 tricks): formats/zip.ts.
  const files = unzipChecked(bytes, where, (name) => name.endsWith('.npy'));
  const out = new Map<string, NpyArray>();
  for (const [name, data] of files) {
    const key = name.slice(0, -4);
    out.set(key, readNpy(data, `${where}:${key}`));
  }
  return out;
}

/** Encode arrays as an `.npz` the way np.savez does (stored, not compressed). */
export function writeNpz(arrays: Record<string, NpyArray>, compress = false): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [k, a] of Object.entries(arrays)) files[`${k}.npy`] = [writeNpy(a), { level: compress ? 6 : 0 }];
  return zipSync(files);
}

/** Any numeric npy data as float32. */
export function toFloat32(d: NpyData): Float32Array {
  if (d instanceof Float32Array) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float32Array.from(d as ArrayLike<bigint>, (v) => Number(v));
  return Float32Array.from(d as ArrayLike<number>);
}

/** Integer npy data as int32 (class labels, token ids). */
export function toInt32(d: NpyData): Int32Array {
  if (d instanceof Int32Array) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Int32Array.from(d as ArrayLike<bigint>, (v) => Number(v));
  return Int32Array.from(d as ArrayLike<number>, (v) => Math.trunc(v));
}

export function isIntegerDType(t: NpyDType): boolean {
  return t !== '<f4' && t !== '<f8';
}

/**
 * How targets are read: integer arrays of shape [N] or [N, 1] are class indices (sparse labels, Keras'
 * usual `y`); anything else is dense values.
 */
export function labelsFor(y: NpyArray | NpyHeader): Labels {
  const dims = y.shape.slice(1);
  if (isIntegerDType(y.dtype) && y.dtype !== '|b1' && (dims.length === 0 || (dims.length === 1 && dims[0] === 1))) {
    const max = 'data' in y ? Math.max(0, ...Array.from(toInt32(y.data))) : 0;
    return { kind: 'class', numClasses: max + 1 };
  }
  return { kind: 'values', shape: dims.length ? dims : [1] };
}

/** Input arrays: integer (token ids) stay int32, everything else becomes float32. */
export function inputData(a: NpyArray): Float32Array | Int32Array {
  return a.dtype === '<i4' || a.dtype === '<i8' ? toInt32(a.data) : toFloat32(a.data);
}

/** An array of Keras sample weights: shape [N] (or [N, 1]), one checked weight per sample. */
export function sampleWeightsOf(a: NpyArray, size: number, description: string): Float32Array {
  if (a.shape.length < 1 || a.shape.length > 2 || (a.shape.length === 2 && a.shape[1] !== 1)) {
    throw new UserError(`${description}: sample weights of shape [${a.shape.join(', ')}]; they need one number per sample, shape [${size}].`, 'Save them as a 1-D array (np.asarray(w, "float32").reshape(-1)).', 'bad-sample-weight');
  }
  return checkSampleWeights(toFloat32(a.data), size, description);
}

/**
 * A dataset from two `.npy` files (X and Y), read on demand: only the header is read up front and each batch
 * reads its rows with positional reads, so files larger than memory train fine. An optional third file holds
 * the sample weights (small: one number per sample, read whole).
 */
export async function npyFilePairSource(xPath: string, yPath: string, wPath?: string): Promise<DataSource> {
  const w = wPath === undefined ? undefined : readNpyFile(wPath);
  const [x, y] = await Promise.all([openNpy(xPath), openNpy(yPath)]);
  if (x.header.shape[0] !== y.header.shape[0]) {
    await Promise.all([x.close(), y.close()]);
    throw new UserError(
      `${basename(xPath)} has ${x.header.shape[0]} samples but ${basename(yPath)} has ${y.header.shape[0]}.`,
      'X and Y must have the same first dimension.',
      'dataset-mismatch',
    );
  }
  let labels: Labels = labelsFor(y.header);
  if (labels.kind === 'class') {
    // The class count needs the label values: labels are small (one number per sample), read them all once.
    const all = await y.rows([...Array(y.header.shape[0]).keys()]);
    labels = { kind: 'class', numClasses: Math.max(0, ...Array.from(toInt32(all))) + 1 };
  }
  const intX = x.header.dtype === '<i4' || x.header.dtype === '<i8';
  const finalLabels = labels;
  let weights: Float32Array | undefined;
  try {
    weights = w && sampleWeightsOf(w, x.header.shape[0], basename(wPath as string));
  } catch (e) {
    await Promise.all([x.close(), y.close()]);
    throw e;
  }
  return {
    description: [xPath, yPath, ...(wPath ? [wPath] : [])].map((p) => basename(p)).join(', '),
    xShape: x.header.shape.slice(1),
    xDType: intX ? 'int32' : 'float32',
    labels: finalLabels,
    size: x.header.shape[0],
    async read(indices): Promise<DataBatch> {
      const [xr, yr] = await Promise.all([x.rows(indices), y.rows(indices)]);
      return {
        x: intX ? toInt32(xr) : toFloat32(xr),
        y: finalLabels.kind === 'class' ? toInt32(yr) : toFloat32(yr),
        size: indices.length,
        ...(weights ? { w: Float32Array.from(indices, (i) => weights[i]) } : {}),
      };
    },
    async close() {
      await Promise.all([x.close(), y.close()]);
    },
    async readLabels() {
      const all = await y.rows([...Array(y.header.shape[0]).keys()]);
      return finalLabels.kind === 'class' ? toInt32(all) : toFloat32(all);
    },
  };
}

interface OpenNpy {
  header: NpyHeader;
  rows(indices: readonly number[]): Promise<NpyData>;
  close(): Promise<void>;
}

async function openNpy(path: string): Promise<OpenNpy> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    throw new UserError(`File not found: ${path}`, 'Check the path in the data spec.', 'missing-file');
  }
  let header: NpyHeader;
  let rowBytes: number;
  try {
    header = await readHeaderAt(fh, basename(path));
    rowBytes = elementCount(header.shape.slice(1)) * header.stored.size;
    const size = (await fh.stat()).size;
    if (size < header.offset + rowBytes * (header.shape[0] ?? 0)) {
      throw new UserError(`${basename(path)} is truncated.`, NPY_DAMAGED, 'npy-truncated');
    }
  } catch (e) {
    await fh.close();
    throw e;
  }
  const handle = fh;
  if (header.fortranOrder) {
    // Column-major rows are not contiguous on disk: read the array once and serve rows from memory.
    await handle.close();
    const whole = readNpyFile(path);
    const per = elementCount(header.shape.slice(1));
    const C = whole.data.constructor as new (n: number) => NpyData;
    return {
      header,
      async rows(indices) {
        const out = new C(indices.length * per) as NpyData;
        indices.forEach((r, i) => (out as Float32Array).set((whole.data as Float32Array).subarray(r * per, (r + 1) * per), i * per));
        return out;
      },
      close: async () => undefined,
    };
  }
  return {
    header,
    async rows(indices) {
      const out = new Uint8Array(indices.length * rowBytes);
      // Merge runs of consecutive indices into one read each (unshuffled epochs read one block per batch).
      let i = 0;
      while (i < indices.length) {
        let j = i + 1;
        while (j < indices.length && indices[j] === indices[j - 1] + 1) j++;
        await handle.read(out, i * rowBytes, (j - i) * rowBytes, header.offset + indices[i] * rowBytes);
        i = j;
      }
      return decode(header, out, indices.length * elementCount(header.shape.slice(1)));
    },
    close: () => handle.close(),
  };
}

/** Reads just the header of an open `.npy` file, however long the header is. */
async function readHeaderAt(fh: FileHandle, where: string): Promise<NpyHeader> {
  const prefix = new Uint8Array(12);
  const { bytesRead } = await fh.read(prefix, 0, prefix.length, 0);
  const { start, length } = headerLayout(prefix.subarray(0, bytesRead), where);
  const head = new Uint8Array(start + length);
  const got = await fh.read(head, 0, head.length, 0);
  return parseNpyHeader(head.subarray(0, got.bytesRead), where);
}

/** Read a whole `.npy` file (for predict inputs). */
export function readNpyFile(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UserError(`File not found: ${path}`, 'Check the path.', 'missing-file');
  }
  return readNpy(bytes, basename(path));
}
