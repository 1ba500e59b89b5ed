/**
 * Keras' sample_weight from a data spec: an npz's `sample_weight` arrays, a csv column (`?weight=COL`), an npy
 * spec's third file. The weights reach every batch (also through the validation split and autoencoder
 * targets); bad weights are refused with a hint before training.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataSpec, SAMPLE_WEIGHT, checkTrainingConfig } from '../../../src/core/training';
import { writeNpy, writeNpz, type NpyArray } from '../../../src/engine/datasets/npy';
import { inputAsTarget, validationSplit } from '../../../src/engine/datasets/source';
import { loadDataset } from '../../../src/engine/datasets/spec';
import { tempDir } from '../../helpers/paths';
import { userError } from '../../helpers/assertions';

const f32 = (shape: number[], values: number[]): NpyArray => ({ dtype: '<f4', shape, data: Float32Array.from(values) });
const x = f32([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
const y: NpyArray = { dtype: '<i4', shape: [4], data: Int32Array.from([0, 1, 0, 1]) };

function npz(arrays: Record<string, NpyArray>): string {
  const dir = tempDir('ms-sw-');
  writeFileSync(join(dir, 'd.npz'), writeNpz(arrays));
  return dir;
}

const weightsOf = async (source: { size: number; read(i: number[]): Promise<{ w?: Float32Array }> }) =>
  Array.from((await source.read([...Array(source.size).keys()])).w ?? []);

describe('sample weights from an npz', () => {
  test('sample_weight beside x_train/y_train reaches the batches, the validation split and autoencoder targets', async () => {
    const dir = npz({ x_train: x, y_train: y, [SAMPLE_WEIGHT.npzKeys.train]: f32([4], [0.5, 1, 2, 0]) });
    const d = await loadDataset('npz:d.npz', { baseDir: dir });
    assert.deepEqual(await weightsOf(d.train), [0.5, 1, 2, 0]);
    const split = validationSplit(d.train, 0.25);
    assert.deepEqual(await weightsOf(split.train), [0.5, 1, 2]);
    assert.deepEqual(await weightsOf(split.validation!), [0]);
    assert.deepEqual(await weightsOf(inputAsTarget(d.train)), [0.5, 1, 2, 0]);
  });

  test('per split: sample_weight_val and sample_weight_test, with x/y and shape [N, 1] too', async () => {
    const dir = npz({ x_train: x, y_train: y, x_val: x, y_val: y, x_test: x, y_test: y, sample_weight_val: f32([4, 1], [1, 2, 3, 4]), sample_weight_test: f32([4], [4, 3, 2, 1]) });
    const d = await loadDataset('npz:d.npz', { baseDir: dir });
    assert.deepEqual(await weightsOf(d.train), []);
    assert.deepEqual(await weightsOf(d.validation!), [1, 2, 3, 4]);
    assert.deepEqual(await weightsOf(d.test!), [4, 3, 2, 1]);
    const plain = await loadDataset('npz:d.npz', { baseDir: npz({ x, y, sample_weight: f32([4], [1, 1, 3, 1]) }) });
    assert.deepEqual(await weightsOf(plain.train), [1, 1, 3, 1]);
  });

  test('bad weights are refused with a hint: length, NaN, infinite, negative, shape, no arrays to weigh', async () => {
    const bad = async (w: NpyArray, re: RegExp) => userError(() => loadDataset('npz:d.npz', { baseDir: npz({ x_train: x, y_train: y, sample_weight: w }) }), re);
    const hint = await bad(f32([3], [1, 1, 1]), /4 samples but 3 sample weights/);
    assert.match(hint, /one weight per sample/);
    await bad(f32([4], [1, NaN, 1, 1]), /sample weight 1 is NaN.*finite and non-negative/);
    await bad(f32([4], [1, 1, Infinity, 1]), /sample weight 2 is Infinity/);
    await bad(f32([4], [1, 1, 1, -0.5]), /sample weight 3 is -0.5.*0 leaves a sample out/);
    await bad(f32([2, 2], [1, 1, 1, 1]), /shape \[2, 2\].*one number per sample.*1-D array/);
    await userError(() => loadDataset('npz:d.npz', { baseDir: npz({ x_train: x, y_train: y, sample_weight_val: f32([4], [1, 1, 1, 1]) }) }), /has sample_weight_val but not the inputs.*x_val\/y_val/);
  });
});

describe('sample weights from a csv column', () => {
  const write = (text: string) => {
    const dir = tempDir('ms-sw-');
    writeFileSync(join(dir, 'd.csv'), text);
    return dir;
  };

  test('?weight=COL: the column is neither feature nor label', async () => {
    const dir = write('a,b,w,label\n1,2,0.5,x\n3,4,2,y\n5,6,1,x\n');
    const d = await loadDataset('csv:d.csv?label=label&weight=w', { baseDir: dir });
    assert.deepEqual(d.train.xShape, [2]);
    assert.deepEqual((d.info.features as { name: string }[]).map((f) => f.name), ['a', 'b']);
    assert.deepEqual(await weightsOf(d.train), [0.5, 2, 1]);
    const byIndex = await loadDataset('csv:d.csv?label=3&weight=2', { baseDir: dir });
    assert.deepEqual(await weightsOf(byIndex.train), [0.5, 2, 1]);
  });

  test('bad weight columns are refused with a hint', async () => {
    const dir = write('a,w,label\n1,0.5,x\n3,oops,y\n5,-1,x\n');
    await userError(() => loadDataset('csv:d.csv?weight=nope', { baseDir: dir }), /no weight column "nope".*Its columns are: a, w, label/);
    await userError(() => loadDataset('csv:d.csv?weight=w', { baseDir: dir }), /row 3 has the sample weight "oops" in column "w", which is not a number/);
    await userError(() => loadDataset('csv:d.csv?weight=label', { baseDir: dir }), /cannot be both the label and the sample weight.*\?label=COL/);
    const negative = write('a,w,label\n1,0.5,x\n3,1,y\n5,-1,x\n');
    await userError(() => loadDataset('csv:d.csv?weight=w', { baseDir: negative }), /sample weight 2 is -1/);
  });
});

describe('sample weights from an npy spec', () => {
  test('npy:X.npy,Y.npy,W.npy reads the third file as weights', async () => {
    const dir = tempDir('ms-sw-');
    writeFileSync(join(dir, 'x.npy'), writeNpy(x));
    writeFileSync(join(dir, 'y.npy'), writeNpy(y));
    writeFileSync(join(dir, 'w.npy'), writeNpy({ dtype: '<f8', shape: [4], data: Float64Array.from([1, 0, 2, 3]) }));
    writeFileSync(join(dir, 'short.npy'), writeNpy(f32([2], [1, 1])));
    assert.deepEqual(parseDataSpec('npy:x.npy,y.npy,w.npy').paths, ['x.npy', 'y.npy', 'w.npy']);
    const d = await loadDataset('npy:x.npy,y.npy,w.npy', { baseDir: dir });
    assert.deepEqual(Array.from((await d.train.read([3, 1])).w!), [3, 0]);
    await d.train.close?.();
    await userError(() => loadDataset('npy:x.npy,y.npy,short.npy', { baseDir: dir }), /short.npy: 4 samples but 2 sample weights/);
    await userError(() => loadDataset('npy:x.npy,y.npy,missing.npy', { baseDir: dir }), /Sample-weight file not found/);
    await userError(() => parseDataSpec('npy:x.npy,y.npy,w.npy,v.npy'), /needs two files \(or three with sample weights\).*npy:X.npy,Y.npy,W.npy/);
    assert.deepEqual(readdirSync(dir).sort(), ['short.npy', 'w.npy', 'x.npy', 'y.npy']);
  });

  test('the training form accepts a third npy file and a weight column, and refuses a fourth file or an empty column', () => {
    const errors = (dataset: string) => checkTrainingConfig({ dataset } as never);
    assert.equal(errors('npy:x.npy,y.npy,w.npy')['dataset.path'], undefined);
    assert.match(errors('npy:x.npy,y.npy,w.npy,v.npy')['dataset.path'] ?? '', /a third: sample weights/);
    assert.equal(errors('csv:d.csv?weight=w')['dataset.options'], undefined);
    assert.match(errors('csv:d.csv?weight=')['dataset.options'] ?? '', /weight= needs a column/);
  });
});
