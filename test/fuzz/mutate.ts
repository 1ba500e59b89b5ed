/**
 * Mutations for the fuzzer: byte-level ones for every file, JSON-aware ones for JSON files, CSV-aware ones for
 * training data. Every mutation is a pure function of (bytes, random), so a seed and a run index replay it.
 */

/** The product's seeded PRNG (mulberry32), so a seed and a run index replay a mutation anywhere. */
export { rng } from '../../src/core/initializers';

export type Random = () => number;
const int = (r: Random, n: number) => Math.floor(r() * n);
const pick = <T>(r: Random, xs: readonly T[]): T => xs[int(r, xs.length)]!;

export interface Mutation {
  kind: string;
  /** Human-readable: what changed where, enough to reproduce by hand. */
  detail: string;
  bytes: Uint8Array;
}

const INTERESTING8 = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];
const INTERESTING32 = [0xffffffff, 0x7fffffff, 0x80000000, 0, 1, 0xfffffffe, 0x10000];

type ByteMutator = (b: Uint8Array, r: Random) => Mutation;

const byteMutators: Record<string, ByteMutator> = {
  flip(b, r) {
    const out = b.slice();
    const n = 1 + int(r, 8);
    const at: number[] = [];
    for (let k = 0; k < n && out.length; k++) {
      const i = int(r, out.length);
      out[i] ^= 1 << int(r, 8);
      at.push(i);
    }
    return { kind: 'flip', detail: `bits flipped at ${at.join(',')}`, bytes: out };
  },
  byte(b, r) {
    const out = b.slice();
    const at: string[] = [];
    for (let k = 0, n = 1 + int(r, 4); k < n && out.length; k++) {
      const i = int(r, out.length);
      out[i] = pick(r, INTERESTING8);
      at.push(`${i}=${out[i]}`);
    }
    return { kind: 'byte', detail: at.join(','), bytes: out };
  },
  u32(b, r) {
    const out = b.slice();
    if (out.length < 4) return { kind: 'u32', detail: 'too short', bytes: out };
    const i = int(r, out.length - 3);
    const v = pick(r, INTERESTING32);
    new DataView(out.buffer).setUint32(i, v, true);
    return { kind: 'u32', detail: `${v} at ${i}`, bytes: out };
  },
  truncate(b, r) {
    const n = int(r, b.length);
    return { kind: 'truncate', detail: `to ${n} bytes`, bytes: b.slice(0, n) };
  },
  duplicate(b, r) {
    const from = int(r, b.length);
    const len = Math.min(b.length - from, 1 + int(r, 512));
    const to = int(r, b.length);
    const out = new Uint8Array(b.length + len);
    out.set(b.subarray(0, to), 0);
    out.set(b.subarray(from, from + len), to);
    out.set(b.subarray(to), to + len);
    return { kind: 'duplicate', detail: `${len} bytes from ${from} inserted at ${to}`, bytes: out };
  },
  zero(b, r) {
    const out = b.slice();
    const from = int(r, out.length);
    const len = 1 + int(r, 64);
    out.fill(0, from, from + len);
    return { kind: 'zero', detail: `${len} bytes at ${from}`, bytes: out };
  },
};

const HOSTILE_VALUES: unknown[] = [-1, 0, 2.5, 1e9, 2 ** 53 + 2, -1e308, '', 'x', null, [], {}, true, 'NaN', [0, 0], [null, 1e9], '\u0000', '../outside.bin', '/etc/passwd', 'EVIL'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every container in the document with its keys, for picking a random spot. */
function spots(root: Json): { parent: Json[] | { [k: string]: Json }; key: string | number }[] {
  const out: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (Array.isArray(v)) v.forEach((c, i) => (out.push({ parent: v, key: i }), stack.push(c)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push({ parent: v, key: k }), stack.push(v[k]!);
  }
  return out;
}

const jsonMutators: Record<string, (doc: Json, r: Random) => string> = {
  value(doc, r) {
    const s = spots(doc);
    if (!s.length) return 'nothing to change';
    const at = pick(r, s);
    const v = pick(r, HOSTILE_VALUES) as Json;
    (at.parent as Record<string | number, Json>)[at.key] = structuredClone(v);
    return `${String(at.key)} := ${JSON.stringify(v)}`;
  },
  drop(doc, r) {
    const s = spots(doc).filter((x) => !Array.isArray(x.parent));
    if (!s.length) return 'nothing to drop';
    const at = pick(r, s);
    delete (at.parent as Record<string, Json>)[at.key as string];
    return `deleted ${String(at.key)}`;
  },
  cycle(doc) {
    // The first layer with inbound nodes is fed by the last layer: a cycle in any Keras / TF.js layout.
    const text = JSON.stringify(doc);
    const names = [...text.matchAll(/"name":"([^"]+)"/g)].map((m) => m[1]!);
    const last = names[names.length - 1];
    const s = spots(doc).filter((x) => x.key === 'inbound_nodes' && JSON.stringify((x.parent as Record<string, Json>).inbound_nodes) !== '[]');
    if (!last || !s.length) return 'no layers';
    const p = s[0]!.parent as Record<string, Json>;
    p.inbound_nodes = [[[last, 0, 0, {}]]];
    return `inbound of the first connected layer := ${last}`;
  },
  paths(doc, r) {
    const s = spots(doc).filter((x) => x.key === 'paths');
    const v = pick(r, [['../outside.bin'], ['/etc/passwd'], ['a/../../outside.bin'], ['\u0000.bin'], ['/dev/zero']]);
    for (const x of s) (x.parent as Record<string, Json>).paths = v;
    return `weights paths := ${JSON.stringify(v)}${s.length ? '' : ' (none found)'}`;
  },
  duplicate(doc, r) {
    const s = spots(doc).filter((x) => Array.isArray((x.parent as Record<string | number, Json>)[x.key]));
    if (!s.length) return 'no arrays';
    const at = pick(r, s);
    const arr = (at.parent as Record<string | number, Json>)[at.key] as Json[];
    if (arr.length) arr.push(structuredClone(arr[int(r, arr.length)]!));
    return `array ${String(at.key)} got a copy of one of its items`;
  },
};

/** Deep nesting and runaway text, JSON's classic parser killers. */
function jsonBomb(r: Random): Mutation {
  const depth = pick(r, [10_000, 200_000]);
  const unclosed = r() < 0.5;
  const text = '['.repeat(depth) + (unclosed ? '' : ']'.repeat(depth));
  return { kind: 'json-bomb', detail: `${depth} nested arrays${unclosed ? ', unclosed' : ''}`, bytes: new TextEncoder().encode(text) };
}

/** One mutation of `bytes`; `json` says the file is JSON (so JSON-aware kinds apply too). */
export function mutate(bytes: Uint8Array, r: Random, json: boolean): Mutation {
  if (json && r() < 0.6) {
    if (r() < 0.05) return jsonBomb(r);
    let doc: Json;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes)) as Json;
    } catch {
      return byteMutators.flip!(bytes, r);
    }
    const kind = pick(r, Object.keys(jsonMutators));
    const detail = jsonMutators[kind]!(doc, r);
    return { kind: `json-${kind}`, detail, bytes: new TextEncoder().encode(JSON.stringify(doc)) };
  }
  const kind = pick(r, Object.keys(byteMutators));
  return byteMutators[kind]!(bytes, r);
}

const BAD_LABELS = ['-1', '2.5', 'NaN', '', '955', '10', 'x', 'inf', '1e400'];

/** A CSV training-data mutation: labels a 10-class model cannot output, empty or text cells, runaway rows. */
export function mutateCsv(text: string, r: Random): Mutation {
  const rows = text.trimEnd().split('\n');
  const kind = pick(r, ['label', 'label', 'cell', 'wide', 'bytes']);
  if (kind === 'label') {
    const i = 1 + int(r, rows.length - 1);
    const v = pick(r, BAD_LABELS);
    const cells = rows[i]!.split(',');
    cells[cells.length - 1] = v;
    rows[i] = cells.join(',');
    return { kind: 'csv-label', detail: `row ${i + 1} label := ${JSON.stringify(v)}`, bytes: new TextEncoder().encode(`${rows.join('\n')}\n`) };
  }
  if (kind === 'cell') {
    const i = 1 + int(r, rows.length - 1);
    const cells = rows[i]!.split(',');
    const j = int(r, cells.length);
    cells[j] = pick(r, ['x', '', 'NaN', '"', '1e999']);
    rows[i] = cells.join(',');
    return { kind: 'csv-cell', detail: `row ${i + 1} column ${j} := ${JSON.stringify(cells[j])}`, bytes: new TextEncoder().encode(`${rows.join('\n')}\n`) };
  }
  if (kind === 'wide') {
    return { kind: 'csv-wide', detail: '200,001 columns on one line', bytes: new TextEncoder().encode(`${'1,'.repeat(200_000)}1\n`) };
  }
  return mutate(new TextEncoder().encode(text), r, false);
}

const NPY_EDITS: [string, RegExp, string][] = [
  ['shape 1e9 rows', /'shape': \([^)]*\)/, "'shape': (1000000000, 8, 8, 3)"],
  ['shape negative', /'shape': \([^)]*\)/, "'shape': (-1, 8, 8, 3)"],
  ['shape zero rows', /'shape': \([^)]*\)/, "'shape': (0, 8, 8, 3)"],
  ['shape 2^53+1', /'shape': \([^)]*\)/, "'shape': (9007199254740993,)"],
  ['shape other rank', /'shape': \([^)]*\)/, "'shape': (12, 192)"],
  ['shape not a tuple', /'shape': \([^)]*\)/, "'shape': 'many'"],
  ['descr object', /'descr': '[^']*'/, "'descr': '|O'"],
  ['descr complex', /'descr': '[^']*'/, "'descr': '<c8'"],
  ['descr big-endian', /'descr': '[^']*'/, "'descr': '>f4'"],
  ['descr text', /'descr': '[^']*'/, "'descr': '<U5'"],
  ['fortran order', /'fortran_order': False/, "'fortran_order': True"],
  ['not a dict', /^\{/, '['],
];

/** A .npy mutation: its header's shape, dtype or order (the length field rewritten to match), or its bytes. */
export function mutateNpy(bytes: Uint8Array, r: Random): Mutation {
  const version = bytes[6];
  if (r() < 0.4 || bytes.length < 12 || (version !== 1 && version !== 2)) return mutate(bytes, r, false);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = version === 1 ? 2 : 4;
  const start = 8 + lenBytes;
  const len = version === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + len));
  const [name, re, to] = pick(r, NPY_EDITS);
  const edited = new TextEncoder().encode(header.replace(re, to));
  const out = new Uint8Array(start + edited.length + bytes.length - start - len);
  out.set(bytes.subarray(0, 8));
  const ov = new DataView(out.buffer);
  if (version === 1) ov.setUint16(8, edited.length, true);
  else ov.setUint32(8, edited.length, true);
  out.set(edited, start);
  out.set(bytes.subarray(start + len), start + edited.length);
  return { kind: 'npy-header', detail: name, bytes: out };
}

/** A PNG or JPEG mutation: the image header's size, bit depth or colour type (checksum fixed), or its bytes. */
export function mutateImage(bytes: Uint8Array, r: Random, crc: (b: Uint8Array) => number): Mutation {
  if (r() < 0.5) return mutate(bytes, r, false);
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  if (out[1] === 0x50 && out.length > 33) {
    // PNG: IHDR is the first chunk, its body at 16..29, its CRC at 29.
    const field = pick(r, ['width', 'height', 'both', 'depth', 'colour', 'interlace'] as const);
    const big = pick(r, [0, 1, 40_000, 0x7fffffff, 0xffffffff]);
    if (field === 'width' || field === 'both') v.setUint32(16, big);
    if (field === 'height' || field === 'both') v.setUint32(20, big);
    if (field === 'depth') out[24] = pick(r, [0, 1, 3, 7, 16, 255]);
    if (field === 'colour') out[25] = pick(r, [1, 3, 5, 7, 255]);
    if (field === 'interlace') out[28] = pick(r, [1, 2]);
    v.setUint32(29, crc(out.subarray(12, 29)));
    return { kind: 'png-ihdr', detail: `${field} (${big})`, bytes: out };
  }
  // JPEG: the first start-of-frame marker's height and width.
  for (let i = 2; i + 9 < out.length; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      const h = pick(r, [0, 1, 0xffff]);
      const w = pick(r, [0, 1, 0xffff]);
      v.setUint16(i + 5, h);
      v.setUint16(i + 7, w);
      return { kind: 'jpeg-sof', detail: `${w}x${h} at ${i}`, bytes: out };
    }
  }
  return mutate(bytes, r, false);
}
