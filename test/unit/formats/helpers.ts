/** Shared helpers for the format tests: fixture paths, temp folders, and a TF.js file IOHandler. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/** `../shared/fixtures/real` from the repo root; tests fail (not skip) when it is missing. */
export const FIXTURES = path.resolve(__dirname, '../../..', '../shared/fixtures/real');

export function fixture(...parts: string[]): string {
  const p = path.join(FIXTURES, ...parts);
  assert.ok(existsSync(p), `missing fixture ${p}`);
  return p;
}

export function tempDir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ms-formats-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Files in a folder, temp files included (to prove a failed write left nothing behind). */
export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

/**
 * An IOHandler that reads `model.json` and its weight files from a folder the way tfjs-node's `file://`
 * handler does (tfjs-core io.getModelArtifactsForJSON), so `tf.loadLayersModel` sees exactly our files.
 */
export function folderHandler(dir: string, file = 'model.json'): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const parts = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(path.join(dir, p)))));
        const total = parts.reduce((a, p) => a + p.byteLength, 0);
        const all = new Uint8Array(total);
        let o = 0;
        for (const p of parts) {
          all.set(p, o);
          o += p.byteLength;
        }
        return [specs, all.buffer];
      });
    },
  };
}

let backendReady: Promise<void> | null = null;
export function cpuBackend(): Promise<void> {
  backendReady ??= tf.setBackend('cpu').then(() => undefined);
  return backendReady;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Deterministic pseudo-random values (tests must not depend on Math.random). */
export function seededValues(n: number, seed = 1, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}
