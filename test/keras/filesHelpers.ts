/** Shared by the file tests of the Keras suite: predict a model file with the tfjs engine, compare outputs. */
import type { ModelFile } from '../../src/core/types';
import { readFileSync } from 'node:fs';
import { readNpy, type NpyArray } from '../../src/engine/datasets/npy';
import { buildTfModel, predictModel } from '../../src/engine/tfjs/model';
import type { Tensor, Tf } from '../../src/engine/tfjs/tf';

export async function predictFile(tf: Tf, file: ModelFile, xs: NpyArray[]): Promise<{ data: Float32Array; shape: number[] }> {
  const model = await buildTfModel(tf, file, { strict: true });
  try {
    const ts = xs.map((x) => tf.tensor(x.data as Float32Array, x.shape, x.data instanceof Int32Array ? 'int32' : 'float32'));
    // As the engine predicts: a batch of scalars (Input(shape=())) stays [N] (tfjs' own predict makes it [N, 1]).
    const y = predictModel(model, ts.length === 1 ? ts[0]! : ts) as Tensor;
    const out = { data: Float32Array.from((await y.data()) as Float32Array), shape: [...y.shape] };
    tf.dispose([...ts, y]);
    return out;
  } finally {
    model.dispose();
  }
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let j = 0; j < a.length; j++) {
    if (Number.isNaN(a[j]) !== Number.isNaN(b[j])) return Infinity;
    if (!Number.isNaN(a[j])) m = Math.max(m, Math.abs(a[j] - b[j]));
  }
  return m;
}

/** A .npy file, read into its own buffer (offset 0), whatever the reader does with byte offsets. */
export function loadNpy(path: string): NpyArray {
  return readNpy(Uint8Array.from(readFileSync(path)), path);
}
