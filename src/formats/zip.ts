/**
 * Reading zip archives (`.keras`, `.npz`) that may be hostile. The central directory is parsed and checked
 * before a single byte is inflated: entry count, names (no `..`, no absolute paths, no NUL), zip64 fields
 * (a size of 0xFFFFFFFF must come with its zip64 extra field; a general-purpose unzipper loops on one that
 * does not), declared sizes against the unpacked-size limit, and the compression ratio of every sizeable
 * entry. Entries are then inflated by zlib with the declared size as a hard output limit, so an entry that
 * lies about its size is refused instead of filling the memory.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32';
import { UserError } from '../core/types';
import { checkLimit, limit, limitError } from './limits';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** CRC-32 of the unpacked bytes, from the central directory. */
  crc: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

/** Why a zip entry name is unsafe to honour, or undefined when it is fine. */
export function unsafeEntryReason(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL character';
  const p = name.replace(/\\/g, '/');
  if (p.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(p)) return 'is an absolute Windows path';
  if (p.split('/').some((s) => s === '..')) return 'climbs out of the archive folder with ".."';
  return undefined;
}

function damaged(label: string, why: string): UserError {
  return new UserError(`${label} is not a readable zip archive (${why})`, 'the file is probably truncated or damaged; save or download it again', 'zip-unreadable');
}

/** Names shown in messages: printable, short. */
function shown(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
}

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly label: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(at: number, n: number, what: string): void {
    if (!Number.isSafeInteger(at) || at < 0 || at + n > this.bytes.length) throw damaged(this.label, `${what} lies outside the file`);
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  u64(at: number, what: string): number {
    const v = this.view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged(this.label, `${what} is ${v}, which no file can hold`);
    return Number(v);
  }
}

interface Directory {
  count: number;
  offset: number;
  size: number;
}

function findEocd(r: Reader): number {
  const b = r.bytes;
  const start = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= start; i--) if (r.u32(i) === SIG_EOCD) return i;
  throw damaged(r.label, 'no end-of-central-directory record; the file is not a zip or it is truncated');
}

function directory(r: Reader): Directory {
  const eocd = findEocd(r);
  let count = r.u16(eocd + 10);
  let size = r.u32(eocd + 12);
  let offset = r.u32(eocd + 16);
  if (count === 0xffff || size === MAX32 || offset === MAX32) {
    const loc = eocd - 20;
    if (loc < 0 || r.u32(loc) !== SIG_ZIP64_LOCATOR) throw damaged(r.label, 'its directory declares zip64 sizes but has no zip64 record');
    const z = r.u64(loc + 8, 'the zip64 record offset');
    r.need(z, 56, 'the zip64 record');
    if (r.u32(z) !== SIG_ZIP64_EOCD) throw damaged(r.label, 'the zip64 record is missing');
    count = r.u64(z + 32, 'the entry count');
    size = r.u64(z + 40, 'the directory size');
    offset = r.u64(z + 48, 'the directory offset');
  }
  checkLimit('entries', count, (n) => `${r.label} has ${n} entries`);
  r.need(offset, size, 'the central directory');
  return { count, offset, size };
}

/** The zip64 extra field (id 1) values for the fields stored as 0xFFFFFFFF, in the order the format fixes. */
function zip64Values(r: Reader, extraAt: number, extraLen: number, wanted: number, name: string): number[] {
  for (let p = extraAt; p + 4 <= extraAt + extraLen; ) {
    const id = r.u16(p);
    const len = r.u16(p + 2);
    if (id === 1) {
      if (len < wanted * 8 || p + 4 + len > extraAt + extraLen) break;
      return Array.from({ length: wanted }, (_, k) => r.u64(p + 4 + 8 * k, `a size of ${shown(name)}`));
    }
    p += 4 + len;
  }
  throw damaged(r.label, `entry ${shown(name)} declares a size of 0xFFFFFFFF without the zip64 field that must give the real one`);
}

function centralEntry(r: Reader, at: number): { entry: ZipEntry; next: number } {
  r.need(at, 46, 'a central directory entry');
  if (r.u32(at) !== SIG_CENTRAL) throw damaged(r.label, 'a central directory entry has a wrong signature');
  const method = r.u16(at + 10);
  const crc = r.u32(at + 16);
  let compressedSize = r.u32(at + 20);
  let size = r.u32(at + 24);
  const nameLen = r.u16(at + 28);
  const extraLen = r.u16(at + 30);
  const commentLen = r.u16(at + 32);
  let localOffset = r.u32(at + 42);
  r.need(at + 46, nameLen + extraLen + commentLen, 'a central directory entry');
  const name = new TextDecoder('utf-8', { fatal: false }).decode(r.bytes.subarray(at + 46, at + 46 + nameLen));
  const wide = [size, compressedSize, localOffset].filter((v) => v === MAX32).length;
  if (wide > 0) {
    const vals = zip64Values(r, at + 46 + nameLen, extraLen, wide, name);
    if (size === MAX32) size = vals.shift()!;
    if (compressedSize === MAX32) compressedSize = vals.shift()!;
    if (localOffset === MAX32) localOffset = vals.shift()!;
  }
  return { entry: { name, method, compressedSize, size, localOffset, crc }, next: at + 46 + nameLen + extraLen + commentLen };
}

/** Every entry of the central directory, checked as described in the header. Nothing is inflated. */
export function zipEntries(bytes: Uint8Array, label: string): ZipEntry[] {
  if (bytes.length < 22) throw damaged(label, 'too short to be a zip file');
  const r = new Reader(bytes, label);
  const dir = directory(r);
  const entries: ZipEntry[] = [];
  const bad: string[] = [];
  let total = 0;
  for (let k = 0, at = dir.offset; k < dir.count; k++) {
    const { entry, next } = centralEntry(r, at);
    at = next;
    const why = unsafeEntryReason(entry.name);
    if (why) bad.push(`${shown(entry.name)} ${why}`);
    if (entry.method !== 0 && entry.method !== 8) throw damaged(label, `entry ${shown(entry.name)} uses compression method ${entry.method}; only stored and deflated entries are read`);
    if (entry.method === 0 && entry.size !== entry.compressedSize) throw damaged(label, `stored entry ${shown(entry.name)} declares ${entry.size} bytes but holds ${entry.compressedSize}`);
    r.need(entry.localOffset, 30 + entry.compressedSize, `the data of entry ${shown(entry.name)}`);
    total += entry.size;
    if (entry.size > 1024 ** 2 && entry.size / Math.max(1, entry.compressedSize) > limit('zipRatio')) {
      throw limitError('zipRatio', `${label}: entry ${shown(entry.name)} would unpack to ${(entry.size / Math.max(1, entry.compressedSize)).toFixed(0)} times its packed size`);
    }
    entries.push(entry);
  }
  if (bad.length) {
    throw new UserError(
      `${label} contains entries whose names escape the archive: ${bad.slice(0, 5).join('; ')}`,
      'this archive was not written by Keras or numpy and was not opened',
      'zip-unsafe-entry',
    );
  }
  checkLimit('unpackedBytes', total, (n) => `${label} would unpack to ${n} bytes`);
  return entries;
}

/** The bytes of one entry, inflated with its declared size as the limit. */
export function zipEntryData(bytes: Uint8Array, entry: ZipEntry, label: string): Uint8Array {
  const r = new Reader(bytes, label);
  const at = entry.localOffset;
  r.need(at, 30, `the local header of ${shown(entry.name)}`);
  if (r.u32(at) !== SIG_LOCAL) throw damaged(label, `entry ${shown(entry.name)} has no local header where the directory says`);
  const start = at + 30 + r.u16(at + 26) + r.u16(at + 28);
  r.need(start, entry.compressedSize, `the data of entry ${shown(entry.name)}`);
  const raw = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return checkedCrc(raw.slice(), entry, label);
  let out: Uint8Array;
  try {
    out = new Uint8Array(inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) }));
  } catch (e) {
    const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw damaged(label, tooBig ? `entry ${shown(entry.name)} unpacks to more than the ${entry.size} bytes it declares` : `entry ${shown(entry.name)} does not inflate: ${(e as Error).message}`);
  }
  if (out.length !== entry.size) throw damaged(label, `entry ${shown(entry.name)} unpacks to ${out.length} bytes, not the ${entry.size} it declares`);
  return checkedCrc(out, entry, label);
}

/** `data` when its CRC-32 is the one the directory gives: flipped bytes in a stored entry are not silently read. */
function checkedCrc(data: Uint8Array, entry: ZipEntry, label: string): Uint8Array {
  const actual = crc32(data);
  if (actual !== entry.crc) {
    const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
    throw damaged(label, `entry ${shown(entry.name)} is damaged: its CRC-32 is ${hex(actual)}, the archive says ${hex(entry.crc)}`);
  }
  return data;
}

/** The entries `wanted` accepts, by name, after the whole directory passed zipEntries' checks. */
export function unzipChecked(bytes: Uint8Array, label: string, wanted: (name: string) => boolean = () => true): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const e of zipEntries(bytes, label)) if (wanted(e.name) && !e.name.endsWith('/')) out.set(e.name, zipEntryData(bytes, e, label));
  return out;
}
