/**
 * NumPy `.npy` and `.npz` read and write (format spec: numpy/lib/format.py). Supported dtypes: <f4 <f8 <i4 <i8
 * |u1 |b1 (also |i1 <u2 <i2 <u4), C order only. `.npz` is a zip of `.npy` members (np.savez stores them,
 * np.savez_compressed deflates them); fflate reads both. Big `.npy` files are read row by row on demand.
 */
import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { UserError } from '../../core/types';
import { elementCount, type DataBatch, type DataSource, type Labels } from './source';

export type NpyDType = '<f4' | '<f8' | '<i4' | '<i8' | '|u1' | '|b1' | '|i1' | '<i2' | '<u2' | '<u4';
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: NpyData;
}

const ITEM_SIZE: Record<NpyDType, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8, '|u1': 1, '|b1': 1, '|i1': 1, '<i2': 2, '<u2': 2, '<u4': 4 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  dtype: NpyDType;
  shape: number[];
  /** Byte offset of the data. */
  offset: number;
}

function normalizeDescr(descr: string, where: string): NpyDType {
  // '<u1' and '|u1' mean the same; '=' is native order, little-endian on every machine we run on.
  const d = descr.replace(/^[=<]/, '<');
  const oneByte = /^[<|]([ub]1|i1|b1)$/.exec(d);
  const t = (oneByte ? `|${oneByte[1]}` : d) as NpyDType;
  if (!(t in ITEM_SIZE)) {
    throw new UserError(
      `${where}: NumPy dtype "${descr}" is not supported.`,
      'Save the array as float32, float64, int32, int64, uint8 or bool (little-endian), e.g. arr.astype("float32").',
      'npy-dtype',
    );
  }
  return t;
}

/** Parse the header of an `.npy` file from its first bytes. */
export function parseNpyHeader(bytes: Uint8Array, where = 'npy'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new UserError(`${where} is not a NumPy .npy file.`, 'The file must start with the \\x93NUMPY magic bytes.', 'npy-magic');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLen) throw new UserError(`${where}: the .npy header is truncated.`, undefined, 'npy-header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw new UserError(`${where}: cannot read the .npy header (${header.trim()}).`, undefined, 'npy-header');
  }
  if (fortran === 'True') {
    throw new UserError(`${where}: Fortran-ordered arrays are not supported.`, 'Save with np.ascontiguousarray(arr).', 'npy-fortran');
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  return { dtype: normalizeDescr(descr, where), shape, offset: start + headerLen };
}

function typedView(dtype: NpyDType, bytes: Uint8Array, count: number): NpyData {
  // Copy into an aligned buffer: npy data offsets are 64-byte aligned in files but not inside a zip member.
  const copy = bytes.slice(0, count * ITEM_SIZE[dtype]).buffer;
  switch (dtype) {
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
  }
}

export function readNpy(bytes: Uint8Array, where = 'npy'): NpyArray {
  const h = parseNpyHeader(bytes, where);
  const count = elementCount(h.shape);
  const need = count * ITEM_SIZE[h.dtype];
  if (bytes.length - h.offset < need) {
    throw new UserError(`${where}: the file is truncated (${bytes.length - h.offset} of ${need} data bytes).`, undefined, 'npy-truncated');
  }
  return { dtype: h.dtype, shape: h.shape, data: typedView(h.dtype, bytes.subarray(h.offset), count) };
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
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new UserError(`${where} is not a valid .npz (zip) file: ${e instanceof Error ? e.message : String(e)}.`, undefined, 'npz-zip');
  }
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(files)) {
    if (!name.endsWith('.npy')) continue;
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
  if (d instanceof BigInt64Array) return Float32Array.from(d, (v) => Number(v));
  return Float32Array.from(d as ArrayLike<number>);
}

/** Integer npy data as int32 (class labels, token ids). */
export function toInt32(d: NpyData): Int32Array {
  if (d instanceof Int32Array) return d;
  if (d instanceof BigInt64Array) return Int32Array.from(d, (v) => Number(v));
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

/**
 * A dataset from two `.npy` files (X and Y), read on demand: only the header is read up front and each batch
 * reads its rows with positional reads, so files larger than memory train fine.
 */
export async function npyFilePairSource(xPath: string, yPath: string): Promise<DataSource> {
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
  return {
    description: `${basename(xPath)}, ${basename(yPath)}`,
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
      };
    },
    async close() {
      await Promise.all([x.close(), y.close()]);
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
  const head = new Uint8Array(4096);
  const { bytesRead } = await fh.read(head, 0, head.length, 0);
  const header = parseNpyHeader(head.subarray(0, bytesRead), basename(path));
  const rowBytes = elementCount(header.shape.slice(1)) * ITEM_SIZE[header.dtype];
  const size = (await fh.stat()).size;
  if (size < header.offset + rowBytes * (header.shape[0] ?? 0)) {
    await fh.close();
    throw new UserError(`${basename(path)} is truncated.`, undefined, 'npy-truncated');
  }
  const handle = fh;
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
      return typedView(header.dtype, out, indices.length * elementCount(header.shape.slice(1)));
    },
    close: () => handle.close(),
  };
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
