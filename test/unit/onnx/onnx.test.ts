/**
 * ONNX export and import, each checked against ONNX Runtime: the real fixtures, every template (export,
 * run, read back, run again), a set of layer-coverage models, bad inputs, and the CLI's verification report.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../../src/core/analysis';
import { reconcileWeights } from '../../../src/core/initializers';
import { templates } from '../../../src/core/templates';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { verifyModelFile, verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { onnx } from '../../../src/formats/onnx/proto';
import { detectFormat, readModel, writeModel } from '../../../src/formats/registry';
import { runCli } from '../../helpers/cli';
import { fixture, tempDir } from '../../helpers/paths';
import { coverageModels, chain } from './models';

const classes = (m: ModelFile) => m.graph.layers.map((l) => l.className).join(',');

describe('ONNX import of real files', () => {
  test('penguin_model.onnx (tf2onnx, opset 13): Dense MLP 4-10-3 with softmax, matching ONNX Runtime', async () => {
    const file = fixture('onnx', 'penguin_model.onnx');
    const m = await readModel(file);
    assert.equal(classes(m), 'InputLayer,Dense,Dense');
    assert.deepEqual(m.graph.layers.slice(1).map((l) => [l.config.units, l.config.activation]), [[10, 'relu'], [3, 'softmax']]);
    assert.equal(analyze(m.graph).totals.total, 83);
    const r = await verifyModelFile(file, { tolerance: 1e-5 });
    assert.ok(r.ok, r.text);
  });

  test('wuhan_mnist-sm.onnx (keras2onnx, opset 10, reversed nodes, Transposes): a channels-last CNN, matching ONNX Runtime', async () => {
    const file = fixture('onnx', 'wuhan_mnist-sm.onnx');
    const m = await readModel(file);
    assert.equal(classes(m), 'InputLayer,Conv2D,MaxPooling2D,Conv2D,MaxPooling2D,Flatten,Dense,Dense');
    assert.deepEqual(m.graph.layers[0]!.config.batch_input_shape, [null, 28, 28, 1]);
    assert.equal(m.graph.layers[1]!.config.padding, 'same');
    assert.equal(analyze(m.graph).totals.total, 504);
    const r = await verifyModelFile(file, { tolerance: 1e-5, batch: 2 });
    assert.ok(r.ok, r.text);
    assert.ok(r.maxRel <= 1e-5);
  });
});

describe('ONNX export of every template', () => {
  for (const t of templates) {
    test(`${t.id}: export, run in ONNX Runtime, read back, run again`, async () => {
      const file = t.build();
      file.weights = reconcileWeights(file.graph, [], 7);
      const bytes = exportOnnx(file);
      const proto = onnx.ModelProto.decode(bytes);
      assert.equal(proto.producerName, 'Model Studio');
      assert.equal(proto.producerVersion, require('../../../package.json').version);
      assert.equal(Number(proto.opsetImport![0]!.version), 17);
      assert.ok(proto.docString.length > 0);
      assert.deepEqual(proto.graph!.input!.map((i) => i.name), file.graph.inputs);
      assert.deepEqual(proto.graph!.output!.map((o) => o.name), file.graph.outputs);
      assert.equal(proto.graph!.input![0]!.type!.tensorType!.shape!.dim![0]!.dimParam, 'batch');
      const r = await verifyOnnxExport(file, bytes);
      assert.ok(r.ok, r.text);
      const back = importOnnx(bytes, `${t.id}.onnx`);
      // Dropout disappears in ONNX; everything else comes back as the same layers.
      assert.equal(classes(back), classes(file).replace(/,Dropout/g, ''));
      assert.equal(analyze(back.graph).totals.total, analyze(file.graph).totals.total);
      const r2 = await verifyOnnxExport(back, bytes);
      assert.ok(r2.ok, r2.text);
    });
  }

  test('opset 13 works too (LayerNormalization decomposed)', async () => {
    const file = chain('ln', [4, 6], [['Dense', { units: 5, activation: 'relu' }], ['LayerNormalization', {}]]);
    const bytes = exportOnnx(file, { opset: 13 });
    const proto = onnx.ModelProto.decode(bytes);
    assert.equal(Number(proto.opsetImport![0]!.version), 13);
    assert.ok(!proto.graph!.node!.some((n) => n.opType === 'LayerNormalization'));
    const r = await verifyOnnxExport(file, bytes);
    assert.ok(r.ok, r.text);
  });

  test('adjacent channels-first layers share one layout: no Transpose between two Convs', () => {
    const file = templates.find((t) => t.id === 'mnist-cnn')!.build();
    file.weights = reconcileWeights(file.graph, [], 1);
    const ops = onnx.ModelProto.decode(exportOnnx(file)).graph!.node!.map((n) => n.opType);
    assert.equal(ops.filter((o) => o === 'Transpose').length, 2, ops.join(' '));
  });
});

describe('ONNX export of layer-coverage models, and back', () => {
  for (const [label, file] of coverageModels()) {
    test(label, async () => {
      const bytes = exportOnnx(file);
      const r = await verifyOnnxExport(file, bytes);
      assert.ok(r.ok, r.text);
      // Read back: the same layer classes (Dropout gone), the same parameter count, the same predictions.
      const back = importOnnx(bytes, 'x.onnx');
      assert.equal(classes(back), classes(file).replace(/,Dropout/g, ''));
      assert.equal(analyze(back.graph).totals.total, analyze(file.graph).totals.total);
      const r2 = await verifyOnnxExport(back, bytes);
      assert.ok(r2.ok, `${label} read back: ${r2.text}`);
    });
  }

  test('Rescaling exports as Mul + Add, and the inference-time identities (noise, dropout variants, Identity) as nothing; ONNX Runtime equals tfjs', async () => {
    const file = chain('identities', [4, 5, 3], [
      ['Rescaling', { scale: 0.5, offset: -1 }],
      ['GaussianNoise', { stddev: 0.3 }],
      ['GaussianDropout', { rate: 0.2 }],
      ['SpatialDropout2D', { rate: 0.5 }],
      ['Conv2D', { filters: 2, kernel_size: [3, 3], activation: 'linear' }],
      ['Identity', {}],
      ['Flatten', {}],
      ['Dense', { units: 3, activation: 'linear' }],
    ]);
    const r = await verifyOnnxExport(file, exportOnnx(file));
    assert.ok(r.ok, r.text);
    const ops = onnx.ModelProto.decode(exportOnnx(file)).graph!.node!.map((n) => n.opType);
    assert.deepEqual(ops.slice(0, 2), ['Mul', 'Add']);
    // The one Identity is the exporter's own, naming the graph output.
    assert.deepEqual(ops.slice(2), ['Transpose', 'Conv', 'Transpose', 'Flatten', 'Gemm', 'Identity']);
  });

  test('SeparableConv1D, ZeroPadding1D, Cropping1D, UpSampling1D (which TF.js cannot run) read back as themselves; re-exported, same ONNX Runtime output', async () => {
    const file = chain('sep1d', [10, 3], [
      ['ZeroPadding1D', { padding: [1, 2] }],
      ['SeparableConv1D', { filters: 4, kernel_size: [3], depth_multiplier: 2, activation: 'relu' }],
      ['Cropping1D', { cropping: [1, 2] }],
      ['UpSampling1D', { size: 3 }],
    ]);
    const bytes = exportOnnx(file);
    const back = importOnnx(bytes, 'sep1d.onnx');
    assert.equal(classes(back), 'InputLayer,ZeroPadding1D,SeparableConv1D,Cropping1D,UpSampling1D');
    assert.deepEqual([back.graph.layers[1]!.config.padding, back.graph.layers[3]!.config.cropping], [[1, 2], [1, 2]]);
    const byName = (m: ModelFile) => m.weights.map((w) => [w.name.split('/')[1], w.shape, Array.from(w.data)]);
    assert.deepEqual(byName(back), byName(file));
    const ort = await import('onnxruntime-node');
    const x = new ort.Tensor('float32', Float32Array.from({ length: 2 * 10 * 3 }, (_, i) => Math.sin(i)), [2, 10, 3]);
    const run = async (b: Uint8Array) => {
      const s = await ort.InferenceSession.create(b);
      const y = (await s.run({ x }))[s.outputNames[0]!]!;
      await s.release();
      return Array.from(y.data as Float32Array);
    };
    const [a, b] = [await run(bytes), await run(exportOnnx(back))];
    assert.equal(a.length, 2 * 24 * 4);
    assert.deepEqual(b, a);
  });

  test('opset 13: the decomposed LayerNormalization reads back as one LayerNormalization layer', async () => {
    const file = chain('ln', [4, 6], [['Dense', { units: 5, activation: 'relu' }], ['LayerNormalization', { epsilon: 0.01 }]]);
    const bytes = exportOnnx(file, { opset: 13 });
    const back = importOnnx(bytes, 'ln.onnx');
    assert.equal(classes(back), 'InputLayer,Dense,LayerNormalization');
    assert.ok(Math.abs(Number(back.graph.layers[2]!.config.epsilon) - 0.01) < 1e-7);
    const r = await verifyOnnxExport(back, bytes);
    assert.ok(r.ok, r.text);
  });
});

describe('ONNX export with NCHW inputs', () => {
  test('mnist-cnn: the image input is (batch, 1, 28, 28), no leading Transpose; ONNX Runtime fed NCHW matches TF.js', async () => {
    const file = templates.find((t) => t.id === 'mnist-cnn')!.build();
    file.weights = reconcileWeights(file.graph, [], 5);
    const bytes = exportOnnx(file, { inputsNchw: true });
    const g = onnx.ModelProto.decode(bytes).graph!;
    assert.deepEqual(g.input![0]!.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))), ['batch', 1, 28, 28]);
    assert.notEqual(g.node![0]!.opType, 'Transpose');
    assert.equal(g.node!.filter((n) => n.opType === 'Transpose').length, 1);
    const r = await verifyOnnxExport(file, bytes, { inputsNchw: true });
    assert.ok(r.ok, r.text);
    assert.match(r.text, /fed NCHW\): OK/);
    // Read back, the model takes NCHW input: a Permute to channels-last follows the input.
    const back = importOnnx(bytes, 'nchw.onnx');
    assert.equal(classes(back), `InputLayer,Permute,${classes(file).replace(/^InputLayer,/, '').replace(/,Dropout/g, '')}`);
  });

  test('a 1-D conv input becomes (batch, channels, steps); Dense and RNN inputs stay as they are', async () => {
    const conv1d = coverageModels().find(([l]) => l.startsWith('conv1d'))![1];
    const bytes = exportOnnx(conv1d, { inputsNchw: true });
    const dims = onnx.ModelProto.decode(bytes).graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
    assert.deepEqual(dims, ['batch', 3, 12]);
    const r = await verifyOnnxExport(conv1d, bytes, { inputsNchw: true });
    assert.ok(r.ok, r.text);
    for (const [label, file] of coverageModels().filter(([l]) => /^(LSTM|dense on rank 3)/.test(l))) {
      const shape = onnx.ModelProto.decode(exportOnnx(file, { inputsNchw: true })).graph!.input![0]!.type!.tensorType!.shape!.dim!.slice(1).map((d) => Number(d.dimValue));
      assert.deepEqual(shape, (file.graph.layers[0]!.config.batch_input_shape as number[]).slice(1), label);
    }
  });
});

describe('ONNX errors', () => {
  test('an .onnx that is not protobuf, and a truncated one, are clear errors', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'text.onnx'), 'this is not a model\n');
    await assert.rejects(readModel(path.join(dir, 'text.onnx')), (e: unknown) => isUserError(e) && /not a valid ONNX file/.test((e as Error).message));
    const good = readFileSync(fixture('onnx', 'wuhan_mnist-sm.onnx'));
    writeFileSync(path.join(dir, 'cut.onnx'), good.subarray(0, 1000));
    await assert.rejects(readModel(path.join(dir, 'cut.onnx')), (e: unknown) => isUserError(e) && /cut\.onnx is not a valid ONNX file/.test((e as Error).message));
  });

  test('zero bytes are not sniffed as ONNX; a real file is, whatever its name', () => {
    assert.equal(detectFormat('x.bin', new Uint8Array(16)), undefined);
    assert.equal(detectFormat('model.bin', readFileSync(fixture('onnx', 'penguin_model.onnx')))?.id, 'onnx');
  });

  test('unsupported layers are listed together and nothing is written', async () => {
    const file = chain('bad', [5, 4], [['Conv1D', { filters: 2, kernel_size: [2], data_format: 'channels_first' }], ['LSTM', { units: 3, return_state: false, stateful: true }], ['Dense', { units: 2 }]]);
    const dir = tempDir();
    const out = path.join(dir, 'bad.onnx');
    await assert.rejects(writeModel(out, file), (e: unknown) => {
      assert.ok(isUserError(e));
      assert.match((e as Error).message, /these 2 layers: l0 \(Conv1D\): channels_first.*; l1 \(LSTM\): stateful/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(!existsSync(out));
  });

  test('operators that do not map are reported together', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimValue: 3 }] } } } }],
        output: [{ name: 'z', type: { tensorType: { elemType: 1 } } }],
        node: [
          { opType: 'Acos', input: ['x'], output: ['y'], name: 'acos' },
          { opType: 'Hardmax', input: ['y'], output: ['z'], name: 'hm' },
        ],
      },
    }).finish();
    assert.throws(() => importOnnx(bytes, 'odd.onnx'), (e: unknown) => isUserError(e) && /odd\.onnx uses ONNX operators.*Acos \(acos\).*Hardmax/.test((e as Error).message));
  });

  test('a long chain of unsupported operators gives a short message: the root causes, then a count', () => {
    const n = 60;
    const node = Array.from({ length: n }, (_, i) => ({ opType: i % 2 ? 'Acos' : 'Asin', input: [i ? `t${i - 1}` : 'x'], output: [i === n - 1 ? 'z' : `t${i}`], name: `very_long_node_name_${'x'.repeat(40)}_${i}` }));
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimValue: 3 }] } } } }],
        output: [{ name: 'z', type: { tensorType: { elemType: 1 } } }],
        node,
      },
    }).finish();
    assert.throws(
      () => importOnnx(bytes, 'chain.onnx'),
      (e: unknown) => isUserError(e) && (e as Error).message.length < 700 && /\(and \d+ more\)$/.test((e as Error).message) && !/is not a tensor/.test((e as Error).message),
    );
  });
});

describe('CLI', () => {
  test('convert model.json -> .onnx prints the verification report; verify FILE works on .onnx and .json', async () => {
    const dir = tempDir();
    const file = templates.find((t) => t.id === 'cartpole-dqn')!.build();
    file.weights = reconcileWeights(file.graph, [], 3);
    await writeModel(path.join(dir, 'x', 'model.json'), file);
    const out = path.join(dir, 'y.onnx');
    const r = await runCli(['convert', path.join(dir, 'x', 'model.json'), out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ONNX Runtime vs TensorFlow\.js: OK .*max rel error/);
    assert.ok(existsSync(out));
    const v = await runCli(['verify', out]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /y\.onnx in ONNX Runtime vs its import in TensorFlow\.js: OK/);
    const j = await runCli(['verify', '--batch', '2', path.join(dir, 'x', 'model.json')]);
    assert.equal(j.code, 0, j.stderr);
    assert.match(j.stdout, /model\.json exported to ONNX, ONNX Runtime vs TensorFlow\.js: OK on random inputs \[2, 4\]/);
    const cnn = templates.find((t) => t.id === 'mnist-cnn')!.build();
    cnn.weights = reconcileWeights(cnn.graph, [], 4);
    await writeModel(path.join(dir, 'cnn', 'model.json'), cnn);
    const nchw = await runCli(['convert', '--nchw', path.join(dir, 'cnn', 'model.json'), path.join(dir, 'cnn.onnx')]);
    assert.equal(nchw.code, 0, nchw.stderr);
    assert.match(nchw.stdout, /ONNX Runtime vs TensorFlow\.js \(ONNX image inputs fed NCHW\): OK/);
    const dims = onnx.ModelProto.decode(readFileSync(path.join(dir, 'cnn.onnx'))).graph!.input![0]!.type!.tensorType!.shape!.dim!;
    assert.equal(Number(dims[1]!.dimValue), 1);
    const notOnnx = await runCli(['convert', '--nchw', path.join(dir, 'cnn', 'model.json'), path.join(dir, 'cnn.h5')]);
    assert.equal(notOnnx.code, 1);
    assert.match(notOnnx.stderr, /--nchw applies to ONNX output only/);
    assert.ok(!existsSync(path.join(dir, 'cnn.h5')));
    const bad = await runCli(['verify', '--batch', 'x', out]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--batch must be a positive integer/);
  });
});
