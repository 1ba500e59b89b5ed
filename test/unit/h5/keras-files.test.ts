/**
 * Keras legacy .h5 (full model and save_weights), .weights.h5 and .keras: the real fixtures read with the
 * right parameter counts and predictions, files we write have Keras' structure and read back bit-identical,
 * and bad inputs are refused with one UserError and nothing written.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { analyze } from '../../../src/core/analysis';
import { templates } from '../../../src/core/templates';
import { readModel, writeModel } from '../../../src/formats/registry';
import { attrString, getNode, readHdf5, writeHdf5, type H5DatasetNode } from '../../../src/formats/hdf5';
import { writeKerasH5 } from '../../../src/formats/keras-h5';
import { writeKerasZip } from '../../../src/formats/keras-zip';
import { readKerasJsonWithWeights, writeSplitAttr, readSplitAttr, writeWeightsPair } from '../../../src/formats/keras-weights-h5';
import { group } from '../../../src/formats/hdf5';
import { encodeUtf8 } from '../../../src/formats/format';
import { fixture, h5Structure, maxRelError, mnistTestDigits, predict, seededData, withWeights } from './helpers';

async function tmpDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'ms-h5-'));
}

function sameWeights(a: ModelFile, b: ModelFile): void {
  assert.deepEqual(b.weights.map((w) => w.name), a.weights.map((w) => w.name));
  a.weights.forEach((w, i) => {
    assert.deepEqual(b.weights[i]!.shape, w.shape, w.name);
    assert.deepEqual(Buffer.from(b.weights[i]!.data.buffer, b.weights[i]!.data.byteOffset, b.weights[i]!.data.byteLength), Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength), `${w.name} differs`);
  });
}

async function expectUserError(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isUserError(e), `expected a UserError, got ${String(e)}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

describe('real Keras fixtures', () => {
  const totals: [string, number][] = [
    ['keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5', 15],
    ['keras2-h5/simple_lstm_tf_keras_2_model.h5', 4 * 50 * (1 + 50 + 1) + 51],
    ['keras2-weights-json/toyresnet/weights.h5', 222_666],
    ['keras3/mnist_model.h5', 34_826],
    ['keras3/mnist_model.keras', 34_826],
  ];
  for (const [rel, total] of totals) {
    test(`${rel} reads with ${total} parameters and all its weights`, async () => {
      const m = await readModel(fixture(rel));
      const a = analyze(m.graph);
      assert.equal(a.totals.total, total);
      const weightCount = m.weights.reduce((s, w) => s + w.data.length, 0);
      assert.equal(weightCount, total, 'every parameter has a value from the file');
    });
  }

  test('simple_sparse_xent predicts Keras\' stored predictions within 1e-5', async () => {
    const m = await readModel(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5'));
    const io = await readHdf5(readFileSync(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_inputs_and_outputs.h5')), 'io.h5');
    const x = getNode(io, 'inputs/dense_1_input') as H5DatasetNode;
    const y = getNode(io, 'predictions/activation_1') as H5DatasetNode;
    const [out] = await predict(m, [{ shape: x.shape, data: x.data as Float32Array }]);
    const err = maxRelError(out!, y.data as Float32Array);
    assert.ok(err.abs < 1e-5, `max abs error ${err.abs}`);
  });

  test('a save_weights .h5 pairs with the to_json file next to it (toyresnet)', async () => {
    const m = await readModel(fixture('keras2-weights-json/toyresnet/weights.h5'));
    assert.equal(m.graph.kind, 'Functional');
    assert.equal(m.graph.layers.filter((l) => l.className === 'Add').length, 2);
    assert.equal(m.weights.length, 18);
  });

  test('weights-only .h5 + JSON given explicitly predict like the full model', async () => {
    const full = await readModel(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5'));
    const root = await readHdf5(readFileSync(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5')), 'm.h5');
    const json = encodeUtf8(attrString(root.attrs.get('model_config'))!);
    const pair = await readKerasJsonWithWeights(json, readFileSync(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_weights.h5')), { json: 'm.json', weights: 'w.h5' });
    sameWeights(full, pair);
  });

  test('a weights-only .h5 with no JSON beside it is refused, naming what to add', async () => {
    await expectUserError(readModel(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_weights.h5')), /only weights.*no architecture JSON/);
  });

  test('keras3 mnist_model.keras and mnist_model.h5: same architecture, same answers on real digits', async () => {
    // The two fixture files were saved from different training runs (their weights differ), so the check is:
    // the architectures are the same (the .h5 weights in the .keras graph predict exactly what the .h5 does),
    // and both trained models read correctly enough to agree on real MNIST test digits.
    const k = await readModel(fixture('keras3/mnist_model.keras'));
    const h = await readModel(fixture('keras3/mnist_model.h5'));
    assert.deepEqual(k.graph.layers.map((l) => [l.className, l.config]), h.graph.layers.map((l) => [l.className, l.config]));
    const n = 100;
    const digits = mnistTestDigits(n);
    const x = { shape: [n, 28, 28, 1], data: digits.images };
    const [yk] = await predict(k, [x]);
    const [yh] = await predict(h, [x]);
    const [yMixed] = await predict({ ...k, weights: h.weights }, [x]);
    assert.deepEqual(Array.from(yMixed!), Array.from(yh!));
    const argmax = (y: Float32Array, i: number): number => {
      const row = Array.from(y.subarray(i * 10, i * 10 + 10));
      return row.indexOf(Math.max(...row));
    };
    let agree = 0;
    let rightK = 0;
    let rightH = 0;
    for (let i = 0; i < n; i++) {
      if (argmax(yk!, i) === argmax(yh!, i)) agree++;
      if (argmax(yk!, i) === digits.labels[i]) rightK++;
      if (argmax(yh!, i) === digits.labels[i]) rightH++;
    }
    assert.ok(rightK >= 95 && rightH >= 95, `accuracy .keras ${rightK}/100, .h5 ${rightH}/100`);
    assert.ok(agree >= 95, `the two files agree on ${agree}/100 digits`);
  });

  test('the subclassed .keras is refused, naming the class; nothing is executed', async () => {
    await expectUserError(readModel(fixture('keras3/keras3_pre_pr22362_nested_container.keras')), /NestedDenseModel/);
  });
});

describe('files we write have the structure Keras writes', () => {
  test('legacy .h5 full model: same groups, attributes and attribute types as Keras 2.3.1', async () => {
    const src = fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5');
    const m = await readModel(src);
    const ours = await readHdf5(await writeKerasH5(m), 'ours.h5');
    const theirs = await readHdf5(readFileSync(src), 'theirs.h5');
    assert.deepEqual(h5Structure(ours).sort(), h5Structure(theirs).sort());
  });

  test('save_weights .h5: same structure as tf.keras 2.2.4 (toyresnet)', async () => {
    const src = fixture('keras2-weights-json/toyresnet/weights.h5');
    const m = await readModel(src);
    const [main] = await writeWeightsPair(m, 'toy', { layout: 'keras2' });
    const ours = await readHdf5(main!.bytes, 'ours.h5');
    const theirs = await readHdf5(readFileSync(src), 'theirs.h5');
    assert.deepEqual(h5Structure(ours).sort(), h5Structure(theirs).sort());
  });

  test('.keras: entries and model.weights.h5 layout as Keras 3.1.1 writes them (optimizer state aside)', async () => {
    const src = fixture('keras3/mnist_model.keras');
    const m = await readModel(src);
    const ours = unzipSync(await writeKerasZip(m));
    const theirs = unzipSync(readFileSync(src));
    assert.deepEqual(Object.keys(ours), Object.keys(theirs));
    const o = await readHdf5(ours['model.weights.h5']!, 'o');
    const t = await readHdf5(theirs['model.weights.h5']!, 't');
    assert.deepEqual(h5Structure(o).sort(), h5Structure(t).filter((l) => !l.startsWith('optimizer')).sort());
    const config = JSON.parse(Buffer.from(ours['config.json']!).toString()) as { class_name: string; config: { layers: { class_name: string; module: string }[] } };
    assert.equal(config.class_name, 'Sequential');
    assert.ok(config.config.layers.every((l) => l.module === 'keras.layers'));
  });

  test('long layer_names are split into layer_names0, layer_names1... like Keras', async () => {
    const names = Array.from({ length: 3000 }, (_, i) => `a_rather_long_layer_name_${i}`);
    const g = group();
    writeSplitAttr(g, 'layer_names', names);
    assert.ok(g.attrs.has('layer_names0') && g.attrs.has('layer_names1') && !g.attrs.has('layer_names'));
    const back = await readHdf5(await writeHdf5(g), 'split.h5');
    assert.deepEqual(readSplitAttr(back, 'layer_names'), names);
  });
});

describe('round trips of the fixtures', () => {
  for (const rel of ['keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5', 'keras3/mnist_model.keras', 'keras2-weights-json/toyresnet/weights.h5']) {
    for (const ext of ['.h5', '.keras', '.weights.h5']) {
      test(`${rel} -> ${ext} -> read: same graph, bit-identical weights`, async () => {
        const m = await readModel(fixture(rel));
        const dir = await tmpDir();
        try {
          const out = path.join(dir, `m${ext}`);
          await writeModel(out, m);
          const back = await readModel(out);
          assert.deepEqual(back.graph.layers.map((l) => [l.name, l.className, l.inbound]), m.graph.layers.map((l) => [l.name, l.className, l.inbound]));
          sameWeights(m, back);
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      });
    }
  }
});

describe('templates export to Keras formats and predict the same', () => {
  for (const t of templates) {
    test(`${t.id}: .h5, .keras, .weights.h5 and TF.js read back with equal predictions`, async () => {
      const m = withWeights(t.build());
      const a = analyze(m.graph);
      const inputs = m.graph.inputs.map((name, i) => {
        const shape = a.layers.get(name)!.outputShape!.map((d) => (d === null ? 2 : d)) as number[];
        const n = shape.reduce((x, y) => x * y, 1);
        const cls = m.graph.layers.find((l) => l.name === name)!;
        const isInt = cls.config.dtype === 'int32';
        return { shape, data: isInt ? seededData(n, 11 + i, 1).map((v) => Math.floor(Math.abs(v) * 20)) : seededData(n, 11 + i, 1) };
      });
      const expected = await predict(m, inputs);
      const dir = await tmpDir();
      try {
        for (const file of ['m.h5', 'm.keras', 'm.weights.h5', 'model.json']) {
          const out = path.join(dir, file);
          await writeModel(out, m);
          const back = await readModel(out);
          sameWeights(m, back);
          const got = await predict(back, inputs);
          got.forEach((g, i) => {
            const err = maxRelError(g, expected[i]!);
            assert.ok(err.rel <= 1e-4, `${file}: relative error ${err.rel}`);
          });
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('bad inputs: one clear UserError, nothing written', () => {
  async function listing(dir: string): Promise<string[]> {
    return (await fs.readdir(dir)).sort();
  }

  test('a truncated .h5', async () => {
    const dir = await tmpDir();
    try {
      const bytes = readFileSync(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5'));
      await fs.writeFile(path.join(dir, 'cut.h5'), bytes.subarray(0, 4000));
      await expectUserError(readModel(path.join(dir, 'cut.h5')), /could not be read as HDF5/);
      assert.deepEqual(await listing(dir), ['cut.h5']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('a .keras whose zip entry escapes the folder (../)', async () => {
    const dir = await tmpDir();
    try {
      const inner = path.join(dir, 'inner');
      await fs.mkdir(inner);
      const good = unzipSync(readFileSync(fixture('keras3/mnist_model.keras')));
      const evil = zipSync({ ...good, '../evil.txt': encodeUtf8('gotcha') });
      await fs.writeFile(path.join(inner, 'evil.keras'), evil);
      await expectUserError(readModel(path.join(inner, 'evil.keras')), /escape the archive.*\.\.\/evil\.txt/);
      assert.deepEqual(await listing(dir), ['inner']);
      assert.deepEqual(await listing(inner), ['evil.keras']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('an HDF5 whose dataset shape contradicts the config', async () => {
    const dir = await tmpDir();
    try {
      const root = await readHdf5(readFileSync(fixture('keras2-h5/simple_sparse_xent_mlp_keras_2_model.h5')), 'm.h5');
      const kernel = getNode(root, 'model_weights/dense_1/dense_1/kernel:0') as H5DatasetNode;
      kernel.shape = [3, 4];
      await fs.writeFile(path.join(dir, 'bad.h5'), await writeHdf5(root));
      await expectUserError(readModel(path.join(dir, 'bad.h5')), /shape \[3, 4\].*implies \[4, 3\]/);
      assert.deepEqual(await listing(dir), ['bad.h5']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('a file that is not HDF5 at all, named .h5', async () => {
    const dir = await tmpDir();
    try {
      await fs.writeFile(path.join(dir, 'x.h5'), 'hello');
      await assert.rejects(readModel(path.join(dir, 'x.h5')), (e: unknown) => isUserError(e));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
