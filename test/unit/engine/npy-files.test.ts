/**
 * `.npy` files written by numpy itself (test/fixtures/npy, made by make.py there): every dtype, both byte
 * orders, C and Fortran order, format versions 1 to 3, files below and above Node's 4 KiB Buffer-pool size.
 * Each is read through every path the product uses (a whole file for predict, row reads for training) and must
 * give numpy's values; predictions from a `.npy` input equal those from the same data as JSON.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npyFilePairSource, readNpy, readNpyFile, writeNpy, type NpyData } from '../../../src/engine/datasets/npy';
import { repoRoot, tempDir } from '../../helpers/paths';
import { runCli } from '../../helpers/cli';

const dir = join(repoRoot, 'test', 'fixtures', 'npy');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, { shape: number[]; values: (number | boolean)[] }>;
const names = readdirSync(dir).filter((f) => f.endsWith('.npy')).map((f) => f.slice(0, -4)).sort();

function numbers(d: NpyData): number[] {
  return Array.from(d as ArrayLike<number | bigint>, Number);
}

function want(name: string): number[] {
  return expected[name].values.map(Number);
}

describe('.npy files written by numpy', () => {
  test('the fixture set covers small and large files, every order and version', () => {
    assert.equal(names.length, Object.keys(expected).length);
    assert.ok(names.some((n) => n.startsWith('big-') && readFileSync(join(dir, `${n}.npy`)).length > 4096));
    assert.ok(names.some((n) => n.endsWith('-f')) && names.includes('v2-le-f4') && names.includes('v3-le-f4'));
  });

  for (const name of names) {
    test(`${name}: whole-file read (predict) equals numpy`, () => {
      const a = readNpyFile(join(dir, `${name}.npy`));
      assert.deepEqual(a.shape, expected[name].shape);
      assert.deepEqual(numbers(a.data), want(name));
      // The same bytes handed over as a Buffer view into a larger buffer, as Node's pool and zip readers do.
      const bytes = readFileSync(join(dir, `${name}.npy`));
      const big = Buffer.alloc(bytes.length + 100, 0x55);
      bytes.copy(big, 37);
      assert.deepEqual(numbers(readNpy(big.subarray(37, 37 + bytes.length)).data), want(name));
    });
  }

  for (const name of names.filter((n) => expected[n].shape.length > 0)) {
    test(`${name}: row reads (training) equal numpy`, async () => {
      const [n, ...rest] = expected[name].shape;
      const per = rest.reduce((a, d) => a * d, 1);
      const labels = join(tempDir(), 'y.npy');
      writeFileSync(labels, writeNpy({ dtype: '<f4', shape: [n, 1], data: new Float32Array(n) }));
      const src = await npyFilePairSource(join(dir, `${name}.npy`), labels);
      try {
        const rows = [n - 1, 0, 1, 2, Math.floor(n / 2)];
        const batch = await src.read(rows);
        const all = want(name);
        const rowsWanted = rows.flatMap((r) => all.slice(r * per, (r + 1) * per));
        // Training reads floats (or int32 token ids); compare as float32, the precision training sees.
        assert.deepEqual(Array.from(batch.x as ArrayLike<number>), rowsWanted.map((v) => Math.fround(v)));
      } finally {
        await src.close?.();
      }
    });
  }
});

describe('predict: a .npy input and the same data as JSON give identical predictions', () => {
  for (const samples of [10, 1000]) {
    test(`${samples} samples (${samples * 12} bytes of data)`, async () => {
      const work = tempDir();
      assert.equal((await runCli(['new', '--template', 'linear-regression', '--seed', '3', join(work, 'm')])).code, 0);
      const x = Float32Array.from({ length: samples * 3 }, (_, i) => Math.sin(i * 0.37) * 4);
      writeFileSync(join(work, 'x.npy'), writeNpy({ dtype: '<f4', shape: [samples, 3], data: x }));
      writeFileSync(join(work, 'x.json'), JSON.stringify([...Array(samples).keys()].map((i) => Array.from(x.subarray(i * 3, i * 3 + 3)))));
      for (const [input, output] of [['x.npy', 'y1.npy'], ['x.json', 'y2.npy']]) {
        const r = await runCli(['predict', join(work, 'm', 'model.json'), '--input', join(work, input), '--output', join(work, output), '--engine', 'cpu']);
        assert.equal(r.code, 0, r.stderr);
      }
      const y1 = readNpyFile(join(work, 'y1.npy'));
      const y2 = readNpyFile(join(work, 'y2.npy'));
      assert.deepEqual(y1.shape, [samples, 1]);
      assert.deepEqual(Array.from(y1.data as Float32Array), Array.from(y2.data as Float32Array));
      // And the predictions are the model's on those inputs, not on header bytes: y differs across rows.
      assert.ok(new Set(Array.from(y1.data as Float32Array)).size > samples / 2);
    });
  }
});
