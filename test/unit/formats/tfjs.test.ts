import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../../src/core/analysis';
import { isUserError, type JsonObject, type ModelFile } from '../../../src/core/types';
import { readModel, writeModel } from '../../../src/formats/registry';
import { weightsFileName } from '../../../src/formats/tfjs';
import { cpuBackend, fixture, folderHandler, listDir, maxAbsDiff, seededValues, tempDir } from './helpers';

const GRU_INPUT = [[86, 11, 62, 40, 36, 75, 82, 94, 67, 75]];
const GRU_GOLDEN = [-0.003578941337764263, 0.0028922036290168762, -0.002957976423203945, 0.00955402385443449];

function shapes(f: ModelFile): [string, number[]][] {
  return f.weights.map((w) => [w.name, w.shape]);
}

/** Reads, writes to `dir/model.json`, reads again; asserts same graph and bit-identical weights. */
async function roundTrip(src: string, dir: string): Promise<{ first: ModelFile; second: ModelFile }> {
  const first = await readModel(src);
  const written = await writeModel(path.join(dir, 'model.json'), first);
  assert.deepEqual(written, [path.join(dir, 'model.json'), path.join(dir, 'weights.bin')]);
  const second = await readModel(path.join(dir, 'model.json'));
  assert.deepEqual(second.graph, first.graph);
  assert.equal(second.weights.length, first.weights.length);
  first.weights.forEach((w, i) => {
    const v = second.weights[i]!;
    assert.equal(v.name, w.name);
    assert.deepEqual(v.shape, w.shape);
    assert.equal(v.dtype, w.dtype);
    assert.deepEqual(Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength), Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  });
  assert.deepEqual(second.trainingConfig, first.trainingConfig);
  assert.deepEqual(second.userDefinedMetadata, first.userDefinedMetadata);
  return { first, second };
}

/** TF.js' own predictions for the original files and for ours, on the same input. */
async function predictBoth(origDir: string, origFile: string, ourDir: string, input: tf.Tensor): Promise<[Float32Array, Float32Array]> {
  const orig = await tf.loadLayersModel(folderHandler(origDir, origFile));
  const ours = await tf.loadLayersModel(folderHandler(ourDir));
  const a = (orig.predict(input) as tf.Tensor).dataSync() as Float32Array;
  const b = (ours.predict(input) as tf.Tensor).dataSync() as Float32Array;
  orig.dispose();
  ours.dispose();
  return [a, b];
}

describe('tfjs: real fixtures', () => {
  test('tfjs-abalone: Sequential 8-50-50-1, 3,051 parameters, round trip, TF.js predictions unchanged', async (t) => {
    await cpuBackend();
    const dir = tempDir(t);
    const { first } = await roundTrip(fixture('tfjs-abalone/model.json'), dir);
    assert.equal(first.graph.kind, 'Sequential');
    assert.deepEqual(first.graph.layers.map((l) => [l.name, l.className]), [
      ['dense_Dense1_input', 'InputLayer'],
      ['dense_Dense1', 'Dense'],
      ['dense_Dense2', 'Dense'],
      ['dense_Dense3', 'Dense'],
    ]);
    assert.deepEqual(shapes(first), [
      ['dense_Dense1/kernel', [8, 50]],
      ['dense_Dense1/bias', [50]],
      ['dense_Dense2/kernel', [50, 50]],
      ['dense_Dense2/bias', [50]],
      ['dense_Dense3/kernel', [50, 1]],
      ['dense_Dense3/bias', [1]],
    ]);
    assert.equal(first.producer?.generatedBy, 'TensorFlow.js tfjs-layers v1.3.2');
    const a = analyze(first.graph);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.totals.total, 3051);
    const x = tf.tensor2d(seededValues(5 * 8, 3), [5, 8]);
    const [orig, ours] = await predictBoth(fixture('tfjs-abalone'), 'model.json', dir, x);
    assert.equal(maxAbsDiff(orig, ours), 0);
    x.dispose();
  });

  test('tfjs-e2e-gru: Embedding + GRU(go_backwards); our re-written files reproduce the golden output to 1e-6', async (t) => {
    await cpuBackend();
    const dir = tempDir(t);
    const { first } = await roundTrip(fixture('tfjs-e2e-gru/model.json'), dir);
    assert.deepEqual(first.graph.layers.map((l) => l.className), ['InputLayer', 'Embedding', 'GRU']);
    assert.equal(first.graph.layers[2]!.config.go_backwards, true);
    assert.deepEqual(shapes(first), [
      ['embedding_Embedding2/embeddings', [100, 20]],
      ['gru_GRU1/kernel', [20, 12]],
      ['gru_GRU1/recurrent_kernel', [4, 12]],
      ['gru_GRU1/bias', [12]],
    ]);
    const model = await tf.loadLayersModel(folderHandler(dir));
    const y = (model.predict(tf.tensor2d(GRU_INPUT, [1, 10])) as tf.Tensor).dataSync();
    assert.ok(maxAbsDiff(y, GRU_GOLDEN) <= 1e-6, `got ${Array.from(y)}`);
    model.dispose();
  });

  test('cnn-explainer (TF.js converter wrapper, model_config): Tiny-VGG with 19,920 parameters, round trip, same predictions', async (t) => {
    await cpuBackend();
    const dir = tempDir(t);
    const { first, second } = await roundTrip(fixture('cnn-explainer/model.json'), dir);
    assert.deepEqual(first.graph.layers.map((l) => l.className), [
      'InputLayer', 'Conv2D', 'Activation', 'Conv2D', 'Activation', 'MaxPooling2D',
      'Conv2D', 'Activation', 'Conv2D', 'Activation', 'MaxPooling2D', 'Flatten', 'Dense',
    ]);
    assert.deepEqual(shapes(first).slice(-2), [['output/kernel', [1690, 10]], ['output/bias', [10]]]);
    assert.equal(first.producer?.convertedBy, 'TensorFlow.js Converter v1.3.1.1');
    assert.equal(first.producer?.kerasVersion, '2.2.4-tf');
    assert.equal(second.producer?.convertedBy, undefined, 'we write convertedBy: null');
    const a = analyze(first.graph);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.totals.total, 19920);
    const written = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as JsonObject;
    assert.equal(written.format, 'layers-model');
    assert.equal(written.convertedBy, null);
    assert.match(String(written.generatedBy), /Model Studio/);
    const x = tf.tensor4d(seededValues(2 * 64 * 64 * 3, 7), [2, 64, 64, 3]);
    const [orig, ours] = await predictBoth(fixture('cnn-explainer'), 'model.json', dir, x);
    assert.equal(maxAbsDiff(orig, ours), 0);
    x.dispose();
  });
});

describe('tfjs: manifest features', () => {
  test('sharded groups (group1-shardNofM) read the same weights', async (t) => {
    const dir = tempDir(t);
    const bin = readFileSync(fixture('tfjs-abalone/weights.bin'));
    const doc = JSON.parse(readFileSync(fixture('tfjs-abalone/model.json'), 'utf8'));
    const cuts = [0, 5001, 9003, bin.length];
    const paths = [0, 1, 2].map((i) => `group1-shard${i + 1}of3.bin`);
    paths.forEach((p, i) => writeFileSync(path.join(dir, p), bin.subarray(cuts[i], cuts[i + 1])));
    doc.weightsManifest[0].paths = paths;
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(doc));
    const sharded = await readModel(path.join(dir, 'model.json'));
    const plain = await readModel(fixture('tfjs-abalone/model.json'));
    assert.deepEqual(sharded.weights, plain.weights);
  });

  test('quantized weights (uint8, uint16 affine; float16) are dequantized to float32; ":0" suffixes dropped', async (t) => {
    const dir = tempDir(t);
    const model = {
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'q', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 2] } }] },
      },
      weightsManifest: [
        {
          paths: ['w.bin'],
          weights: [
            { name: 'd/kernel:0', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
            { name: 'd/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
          ],
        },
      ],
    };
    const bytes = new Uint8Array([0, 1, 2, 4, 0x00, 0x3c, 0x00, 0xc0]); // uint8 x4, then halves 1.0 and -2.0
    writeFileSync(path.join(dir, 'w.bin'), bytes);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(model));
    const f = await readModel(path.join(dir, 'model.json'));
    assert.deepEqual(f.weights.map((w) => [w.name, w.dtype, Array.from(w.data)]), [
      ['d/kernel', 'float32', [-1, -0.5, 0, 1]],
      ['d/bias', 'float32', [1, -2]],
    ]);
    model.weightsManifest[0]!.weights = [
      { name: 'd/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint16', min: 0, scale: 0.25 } },
    ] as never;
    model.modelTopology.config.layers[0]!.config = { name: 'd', units: 2, batch_input_shape: [null, 2], use_bias: false } as never;
    writeFileSync(path.join(dir, 'w.bin'), new Uint8Array([1, 0, 2, 0, 3, 0, 0, 1]));
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(model));
    const g = await readModel(path.join(dir, 'model.json'));
    assert.deepEqual(Array.from(g.weights[0]!.data), [0.25, 0.5, 0.75, 64]);
  });

  test('userDefinedMetadata, trainingConfig and canvas positions survive a round trip', async (t) => {
    const dir = tempDir(t);
    const f = await readModel(fixture('tfjs-abalone/model.json'));
    f.userDefinedMetadata = { author: 'me', modelStudio: { training: { epochs: 3 } } };
    f.trainingConfig = { loss: 'meanSquaredError', optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.01 } } };
    f.graph.layers[1]!.position = { x: 10, y: 20.5 };
    await writeModel(path.join(dir, 'model.json'), f);
    const raw = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(raw.userDefinedMetadata.modelStudio.layout, { dense_Dense1: { x: 10, y: 20.5 } });
    const g = await readModel(path.join(dir, 'model.json'));
    assert.deepEqual(g.userDefinedMetadata, f.userDefinedMetadata);
    assert.deepEqual(g.trainingConfig, f.trainingConfig);
    assert.deepEqual(g.graph, f.graph);
  });

  test('class spellings TF.js needs (LeCunNormal) are written for it and read back as Keras spells them', async (t) => {
    await cpuBackend();
    const dir = tempDir(t);
    const f = await readModel(fixture('tfjs-abalone/model.json'));
    f.graph.layers[1]!.config.kernel_initializer = { class_name: 'LecunNormal', config: { seed: null } };
    await writeModel(path.join(dir, 'model.json'), f);
    assert.match(readFileSync(path.join(dir, 'model.json'), 'utf8'), /"class_name": "LeCunNormal"/);
    const m = await tf.loadLayersModel(folderHandler(dir));
    assert.equal(m.countParams(), 3051);
    m.dispose();
    assert.deepEqual((await readModel(path.join(dir, 'model.json'))).graph, f.graph);
  });

  test('model.json is indented: changing one layer changes a few lines of it (a readable git diff)', async (t) => {
    const dir = tempDir(t);
    const model = await readModel(fixture('tfjs-abalone/model.json'));
    const file = path.join(dir, 'model.json');
    await writeModel(file, model);
    const before = readFileSync(file, 'utf8').split('\n');
    const dense = model.graph.layers.find((l) => l.name === 'dense_Dense3')!;
    dense.config = { ...dense.config, activation: 'sigmoid' };
    await writeModel(file, model);
    const after = readFileSync(file, 'utf8').split('\n');
    assert.ok(before.length > 100, `one JSON value per line (${before.length} lines)`);
    assert.equal(after.length, before.length);
    assert.deepEqual(after.filter((l, i) => l !== before[i]).map((l) => l.trim()), ['"activation": "sigmoid",']);
  });

  test('weights file names: model.json gets weights.bin, others <base>.weights.bin', async (t) => {
    assert.equal(weightsFileName('model'), 'weights.bin');
    assert.equal(weightsFileName('mnist.model'), 'mnist.weights.bin');
    assert.equal(weightsFileName('abalone'), 'abalone.weights.bin');
    const dir = tempDir(t);
    const f = await readModel(fixture('tfjs-abalone/model.json'));
    await writeModel(path.join(dir, 'abalone.json'), f);
    assert.deepEqual(listDir(dir), ['abalone.json', 'abalone.weights.bin']);
    assert.deepEqual((await readModel(path.join(dir, 'abalone.json'))).weights, f.weights);
  });
});

describe('tfjs: bad inputs give one clear UserError and write nothing', () => {
  /** Copies the abalone model into a temp folder, lets `mutate` damage it, and converts it to another folder. */
  async function convertBroken(
    t: { after(fn: () => void): void },
    mutate: (doc: JsonObject, dir: string) => string | void,
  ): Promise<{ error: Error; outDir: string }> {
    const dir = tempDir(t);
    const outDir = tempDir(t);
    const doc = JSON.parse(readFileSync(fixture('tfjs-abalone/model.json'), 'utf8')) as JsonObject;
    copyFileSync(fixture('tfjs-abalone/weights.bin'), path.join(dir, 'weights.bin'));
    const text = mutate(doc, dir) ?? JSON.stringify(doc);
    writeFileSync(path.join(dir, 'model.json'), text);
    let error: unknown;
    try {
      const m = await readModel(path.join(dir, 'model.json'));
      await writeModel(path.join(outDir, 'model.json'), m);
    } catch (e) {
      error = e;
    }
    assert.ok(isUserError(error), `expected a UserError, got ${String(error)}`);
    assert.deepEqual(listDir(outDir), [], 'nothing written');
    return { error: error as Error, outDir };
  }
  const layers = (doc: JsonObject) => ((doc.modelTopology as JsonObject).config as JsonObject).layers as JsonObject[];
  const manifest = (doc: JsonObject) => (doc.weightsManifest as JsonObject[])[0]!;

  test('invalid JSON reports line and column', async (t) => {
    const { error } = await convertBroken(t, (doc) => JSON.stringify(doc, null, 1).replace('"units": 50,\n', '"units": 50\n'));
    assert.match(error.message, /^model\.json is not valid JSON at line \d+, column \d+/);
  });

  test('unknown layer class', async (t) => {
    const { error } = await convertBroken(t, (doc) => {
      layers(doc)[1]!.class_name = 'MyLayer';
    });
    assert.equal(error.message, "Unknown layer class 'MyLayer' in layer 'dense_Dense2'");
  });

  test('Lambda layer', async (t) => {
    const { error } = await convertBroken(t, (doc) => {
      layers(doc)[1] = { class_name: 'Lambda', config: { name: 'lambda_1', function: 'print(1)' } };
    });
    assert.match(error.message, /Lambda layers contain Python code, which Model Studio never executes/);
  });

  test('a manifest path ../outside.bin', async (t) => {
    const { error } = await convertBroken(t, (doc) => {
      manifest(doc).paths = ['../outside.bin'];
    });
    assert.match(error.message, /"\.\.\/outside\.bin", which is outside the model's folder/);
  });

  test('a truncated .bin', async (t) => {
    const { error } = await convertBroken(t, (_doc, dir) => {
      writeFileSync(path.join(dir, 'weights.bin'), readFileSync(path.join(dir, 'weights.bin')).subarray(0, 12000));
    });
    assert.equal(error.message, 'The weights file weights.bin is truncated: it has 12000 bytes but model.json describes 12204 bytes of weights');
  });

  test('manifest shapes that do not match the bytes or the architecture', async (t) => {
    const bigger = await convertBroken(t, (doc) => {
      (manifest(doc).weights as JsonObject[])[0]!.shape = [9, 50];
    });
    assert.match(bigger.error.message, /is truncated: it has 12204 bytes but model.json describes 12404 bytes/);
    const transposed = await convertBroken(t, (doc) => {
      (manifest(doc).weights as JsonObject[])[0]!.shape = [50, 8];
    });
    assert.equal(transposed.error.message, "Weight 'dense_Dense1/kernel' has shape [50, 8] in model.json, but the layer needs [8, 50]");
  });

  test('a missing weights file and a missing model file', async (t) => {
    const { error } = await convertBroken(t, (doc) => {
      manifest(doc).paths = ['nope.bin'];
    });
    assert.match(error.message, /"nope\.bin" named by the model is missing/);
    const dir = tempDir(t);
    await assert.rejects(readModel(path.join(dir, 'absent.json')), (e: unknown) => isUserError(e) && /^File not found: /.test((e as Error).message));
  });
});
