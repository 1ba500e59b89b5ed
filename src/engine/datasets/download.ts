/**
 * Keras' `get_file` in small: reuse a cached file, else download it with progress into the cache (temp file
 * + rename, so an interrupted download never leaves a half file that looks cached), optionally hash-checked.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../../core/types';

/** Progress of a download: bytes so far and the total when the server said it. */
export type DownloadProgress = (p: { file: string; received: number; total?: number }) => void;

/** Keras' cache: `$KERAS_HOME/datasets` or `~/.keras/datasets` (keras/src/utils/file_utils.py `get_file`). */
export function defaultCacheDir(): string {
  const kerasHome = process.env.KERAS_HOME;
  return kerasHome ? join(kerasHome, 'datasets') : join(homedir(), '.keras', 'datasets');
}

export interface GetFileOptions {
  /** The file's path in the cache. */
  cachePath: string;
  url: string;
  /** sha256 of the expected file; a cached file with another hash is downloaded again (as Keras does). */
  sha256?: string;
  onProgress?: DownloadProgress;
  /** Dataset name for messages. */
  what: string;
  timeoutMs?: number;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Path of the cached (or freshly downloaded) file. */
export async function getFile(o: GetFileOptions): Promise<string> {
  if (existsSync(o.cachePath) && (!o.sha256 || sha256Of(o.cachePath) === o.sha256)) return o.cachePath;
  let bytes: Uint8Array;
  try {
    bytes = await download(o.url, o.cachePath, o.onProgress, o.timeoutMs ?? 60_000);
  } catch (e) {
    const cause = networkCause(e);
    throw new UserError(
      `Could not download ${o.what} from ${o.url} (${cause}).`,
      `Download the file on a machine with internet access and put it at ${o.cachePath}.`,
      'download-failed',
    );
  }
  if (o.sha256) {
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== o.sha256) {
      throw new UserError(
        `The downloaded ${o.what} file is corrupt (sha256 ${got.slice(0, 12)}..., expected ${o.sha256.slice(0, 12)}...).`,
        `Try again, or put a good copy at ${o.cachePath}.`,
        'download-corrupt',
      );
    }
  }
  mkdirSync(dirname(o.cachePath), { recursive: true });
  const tmp = `${o.cachePath}.part-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, o.cachePath);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`Could not save ${o.what} to ${o.cachePath}: ${e instanceof Error ? e.message : String(e)}`, undefined, 'cache-write');
  }
  return o.cachePath;
}

async function download(url: string, file: string, onProgress: DownloadProgress | undefined, timeoutMs: number): Promise<Uint8Array> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get('content-length')) || undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  let lastReport = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    const now = Date.now();
    if (onProgress && now - lastReport > 100) {
      lastReport = now;
      onProgress({ file, received, total });
    }
  }
  onProgress?.({ file, received, total });
  const out = new Uint8Array(received);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** The network reason in words: "connection refused", "host not found", "timed out", "HTTP 404 Not Found". */
function networkCause(e: unknown): string {
  const err = e as { message?: string; name?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found — no internet connection?';
  if (code === 'ECONNRESET') return 'connection reset';
  if (err?.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timed out';
  return err?.cause?.message ?? err?.message ?? String(e);
}
