/**
 * The vendored ONNX backend data (test/fixtures/onnx-backend/onnx-backend-data.tar.br) read in memory: Brotli
 * through zlib, then the tar entries `git archive` writes (ustar headers with a name prefix, pax 'x' records for
 * longer paths, one pax 'g' global header holding the commit). Nothing is unpacked on disk.
 */
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';

function text(b: Buffer, at: number, len: number): string {
  const s = b.subarray(at, at + len);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? s.length : end).toString('utf8');
}

/** pax records: "LEN key=value\n" repeated; only `path` matters here. */
function paxPath(body: Buffer): string | undefined {
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const len = Number(body.subarray(i, sp).toString());
    if (!len) break;
    const rec = body.subarray(sp + 1, i + len - 1).toString('utf8');
    if (rec.startsWith('path=')) return rec.slice(5);
    i += len;
  }
  return undefined;
}

/** Every regular file of the archive, by path. */
export function readTarBr(file: string): Map<string, Buffer> {
  const tar = brotliDecompressSync(readFileSync(file));
  const files = new Map<string, Buffer>();
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const name = text(tar, off, 100);
    if (!name) break;
    const size = parseInt(text(tar, off + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[off + 156]!);
    const prefix = text(tar, off + 345, 155);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(body);
      continue;
    }
    if (type === 'g') continue;
    const path = longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = undefined;
    if (type === '0' || type === '\0') files.set(path, body);
  }
  return files;
}
