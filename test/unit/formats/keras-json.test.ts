import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../../src/core/analysis';
import { isUserError, type Json, type JsonObject } from '../../../src/core/types';
import { graphFromKerasConfig } from '../../../src/formats/keras-config-read';
import { kerasConfigFromGraph, kerasModelJson } from '../../../src/formats/keras-config-write';
import { readModel, writeModel } from '../../../src/formats/registry';
import { cpuBackend, fixture, listDir, tempDir } from './helpers';

function refusedWith(fn: () => unknown, re: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(isUserError(caught), `expected a UserError, got ${String(caught)}`);
  assert.match((caught as Error).message, re);
}

function kerasZipConfig(file: string): JsonObject {
  const entries = unzipSync(new Uint8Array(readFileSync(file)));
  return JSON.parse(strFromU8(entries['config.json']!)) as JsonObject;
}

const dense = (name: string, units: number, extra: JsonObject = {}): JsonObject => ({
  class_name: 'Dense',
  config: { name, trainable: true, dtype: 'float32', units, activation: 'relu', use_bias: true, ...extra },
});

/** A Keras 3 (3.4+) functional config as `model.to_json()` writes it: dict-style nodes, DTypePolicy, modules. */
function keras3Functional(inputLayers: Json): JsonObject {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (cls: string) => ({ module: 'keras.initializers', class_name: cls, config: { seed: null }, registered_name: null });
  const kt = (layer: string, shape: Json) => ({
    class_name: '__keras_tensor__',
    config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] },
  });
  const denseL = (name: string, src: string) => ({
    module: 'keras.layers',
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      dtype: policy,
      units: 4,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: init('GlorotUniform'),
      bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
      kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
    registered_name: null,
    build_config: { input_shape: [null, 8] },
    name,
    inbound_nodes: [{ args: [kt(src, [null, 8])], kwargs: {} }],
  });
  return {
    module: 'keras',
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers: [
        {
          module: 'keras.layers',
          class_name: 'InputLayer',
          config: { batch_shape: [null, 8], dtype: 'float32', sparse: false, name: 'input_layer' },
          registered_name: null,
          name: 'input_layer',
          inbound_nodes: [],
        },
        denseL('dense', 'input_layer'),
        denseL('dense_1', 'input_layer'),
        {
          module: 'keras.layers',
          class_name: 'Add',
          config: { name: 'add', trainable: true, dtype: policy },
          registered_name: null,
          build_config: { input_shape: [[null, 4], [null, 4]] },
          name: 'add',
          inbound_nodes: [{ args: [[kt('dense', [null, 4]), kt('dense_1', [null, 4])]], kwargs: {} }],
        },
      ],
      input_layers: inputLayers,
      output_layers: ['add', 0, 0],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

describe('keras-json: reading Keras 2 configs', () => {
  test('toyresnet (tf.keras 2.2.4 "Model") is a Functional graph with two Add merges and no diagnostics', () => {
    const doc = JSON.parse(readFileSync(fixture('keras2-weights-json/toyresnet/modelConfig.json'), 'utf8')) as JsonObject;
    const g = graphFromKerasConfig(doc);
    assert.equal(g.kind, 'Functional');
    assert.equal(g.name, 'toy_resnet');
    assert.deepEqual(g.inputs, ['img']);
    assert.deepEqual(g.outputs, ['dense_7']);
    assert.equal(g.layers.length, 14);
    const adds = g.layers.filter((l) => l.className === 'Add');
    assert.deepEqual(adds.map((l) => [l.name, l.inbound]), [
      ['add_8', ['conv2d_37', 'max_pooling2d_5']],
      ['add_9', ['conv2d_39', 'add_8']],
    ]);
    const conv = g.layers.find((l) => l.name === 'conv2d_34')!;
    assert.equal(conv.config.name, undefined, 'name lives on the node, not in the config');
    assert.equal(conv.config.trainable, true);
    assert.equal(conv.config.dtype, 'float32');
    assert.deepEqual(conv.config.kernel_initializer, { class_name: 'GlorotUniform', config: { seed: null } });
    assert.deepEqual(g.layers[0]!.config.batch_input_shape, [null, 28, 28, 1]);
    const a = analyze(g);
    assert.deepEqual(a.diagnostics, []);
  });

  test('Keras <= 2.1 bare-list Sequential, and a first layer carrying batch_input_shape, get an explicit InputLayer', () => {
    const g = graphFromKerasConfig({
      class_name: 'Sequential',
      config: [dense('dense', 4, { batch_input_shape: [null, 3] }), dense('dense_2', 1)],
    });
    assert.equal(g.kind, 'Sequential');
    assert.deepEqual(g.layers.map((l) => [l.name, l.className, l.inbound]), [
      ['dense_input', 'InputLayer', []],
      ['dense', 'Dense', ['dense_input']],
      ['dense_2', 'Dense', ['dense']],
    ]);
    assert.deepEqual(g.layers[0]!.config, { batch_input_shape: [null, 3], dtype: 'float32', sparse: false });
    assert.equal(g.layers[1]!.config.batch_input_shape, undefined);
    assert.deepEqual(g.inputs, ['dense_input']);
    assert.deepEqual(g.outputs, ['dense_2']);
  });

  test('input_shape and Keras 3 build_input_shape also give an input', () => {
    const g1 = graphFromKerasConfig({ class_name: 'Sequential', config: { name: 's', layers: [dense('d', 2, { input_shape: [5] })] } });
    assert.deepEqual(g1.layers[0]!.config.batch_input_shape, [null, 5]);
    const g2 = graphFromKerasConfig({ class_name: 'Sequential', config: { name: 's', layers: [dense('d', 2)], build_input_shape: [null, 7] } });
    assert.deepEqual([g2.layers[0]!.name, g2.layers[0]!.config.batch_input_shape], ['input_layer', [null, 7]]);
    const g3 = graphFromKerasConfig({ class_name: 'Sequential', config: { name: 's', layers: [dense('d', 2)] } });
    assert.deepEqual([g3.inputs, g3.layers.length], [[], 1], 'no shape anywhere: no input (a diagnostic later, not an error)');
  });
});

describe('keras-json: reading Keras 3 configs', () => {
  test('the Keras 3.1 .keras fixture config: Sequential with batch_shape InputLayer and module-style initializers', () => {
    const g = graphFromKerasConfig(kerasZipConfig(fixture('keras3/mnist_model.keras')));
    assert.equal(g.kind, 'Sequential');
    assert.deepEqual(g.layers.map((l) => l.className), ['InputLayer', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
    assert.deepEqual(g.layers[0]!.config.batch_input_shape, [null, 28, 28, 1]);
    assert.equal(g.layers[0]!.config.batch_shape, undefined);
    assert.deepEqual(g.layers[1]!.config.kernel_initializer, { class_name: 'GlorotUniform', config: { seed: null } });
    const a = analyze(g);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.totals.total, 34826, 'the keras.io simple MNIST convnet');
  });

  test('dict-style inbound nodes, __keras_tensor__ merges, DTypePolicy and serialized objects', () => {
    for (const inputLayers of [['input_layer', 0, 0], [['input_layer', 0, 0]], { x: ['input_layer', 0, 0] }] as Json[]) {
      const g = graphFromKerasConfig(keras3Functional(inputLayers));
      assert.equal(g.kind, 'Functional');
      assert.deepEqual(g.inputs, ['input_layer']);
      assert.deepEqual(g.outputs, ['add']);
      assert.deepEqual(g.layers.find((l) => l.name === 'add')!.inbound, ['dense', 'dense_1']);
      const d = g.layers.find((l) => l.name === 'dense')!;
      assert.equal(d.config.dtype, 'float32');
      assert.deepEqual(d.config.kernel_initializer, { class_name: 'GlorotUniform', config: { seed: null } });
      assert.deepEqual(d.config.kernel_regularizer, { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }, 'L2 read as the L1L2 every reader knows');
      assert.deepEqual(g.layers[0]!.config.batch_input_shape, [null, 8]);
    }
  });

  test("the mask Keras 3 records (Masking -> NotEqual/Any -> the LSTM's mask argument) is read as the Masking layer alone; other operations are refused", () => {
    const kt = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 5, 3], dtype: 'float32', keras_history: [layer, 0, 0] } });
    const entry = (name: string, cls: string, config: JsonObject, args: Json[], kwargs: JsonObject = {}, module: string | null = 'keras.layers') => ({
      ...(module ? { module } : {}), class_name: cls, config: { name, ...config }, name, inbound_nodes: args.length ? [{ args, kwargs }] : [],
    });
    // module null: Keras 3's legacy .h5 writes the operations without one.
    const model = (maskValue: number, lstmArgs: Json[], module: string | null) => ({
      class_name: 'Functional',
      config: {
        name: 'masked',
        layers: [
          entry('input_layer', 'InputLayer', { batch_shape: [null, 5, 3], dtype: 'float32' }, []),
          entry('not_equal', 'NotEqual', {}, [kt('input_layer'), maskValue], {}, module),
          entry('masking', 'Masking', { mask_value: 0.25 }, [kt('input_layer')]),
          entry('any', 'Any', { axis: -1, keepdims: false }, [kt('not_equal')], {}, module),
          entry('lstm', 'LSTM', { units: 2 }, lstmArgs, { mask: kt('any') }),
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['lstm', 0, 0],
      },
    });
    for (const module of ['keras.src.ops.numpy', null]) {
      const g = graphFromKerasConfig(model(0.25, [kt('masking')], module));
      assert.deepEqual(g.layers.map((l) => `${l.name}<-${l.inbound.join('+')}`), ['input_layer<-', 'masking<-input_layer', 'lstm<-masking']);
    }
    refusedWith(() => graphFromKerasConfig(model(0.5, [kt('masking')], 'keras.src.ops.numpy')), /not the mask of a Masking or Embedding\(mask_zero=True\) layer/);
    refusedWith(() => graphFromKerasConfig(model(0.25, [kt('any')], 'keras.src.ops.numpy')), /takes the result of the Keras operation 'any' as data/);
  });

  test('the subclassed Keras 3 model fixture is refused by name', () => {
    refusedWith(() => graphFromKerasConfig(kerasZipConfig(fixture('keras3/keras3_pre_pr22362_nested_container.keras'))), /'NestedDenseModel' is a custom \(subclassed\) Keras model/);
  });
});

test('a Keras 3 LeakyReLU keeps its slope: negative_slope is read as alpha', () => {
  const g = graphFromKerasConfig({
    class_name: 'Sequential',
    config: { name: 's', layers: [{ module: 'keras.layers', class_name: 'LeakyReLU', config: { name: 'lr', negative_slope: 0.2, batch_input_shape: [null, 3] }, registered_name: null }] },
  });
  const lr = g.layers.find((l) => l.className === 'LeakyReLU')!;
  assert.equal(lr.config.alpha, 0.2);
  assert.equal(lr.config.negative_slope, undefined);
});

describe('keras-json: refusals', () => {
  const seq = (...layers: JsonObject[]) => ({ class_name: 'Sequential', config: { name: 's', layers } });
  test('a built-in Keras layer outside the catalog is named as not supported yet, not as custom code', () => {
    const entries: JsonObject[] = [
      { module: 'keras.layers', class_name: 'GroupQueryAttention', config: { name: 'att' }, registered_name: null },
      { class_name: 'LocallyConnected1D', config: { name: 'att', filters: 2, kernel_size: 3 } },
    ];
    for (const entry of entries) {
      let caught: unknown;
      try {
        graphFromKerasConfig(seq(entry));
      } catch (e) {
        caught = e;
      }
      assert.ok(isUserError(caught));
      const e = caught as Error & { hint?: string; code?: string };
      assert.equal(e.message, `Layer 'att' is a Keras ${String(entry.class_name)} layer, which Model Studio does not support yet`);
      assert.equal(e.code, 'unsupported-keras-layer');
      assert.doesNotMatch(e.hint ?? '', /custom|Python code/);
    }
  });
  test('unknown and custom layer classes name the class and the layer', () => {
    refusedWith(() => graphFromKerasConfig(seq(dense('d', 2, { batch_input_shape: [null, 2] }), { class_name: 'MyLayer', config: { name: 'my_layer' } })), /Unknown layer class 'MyLayer' in layer 'my_layer'/);
    refusedWith(
      () => graphFromKerasConfig(seq({ module: 'my_pkg.layers', class_name: 'Dense', config: { name: 'fake_dense', units: 2 }, registered_name: 'my_pkg>Dense' })),
      /Unknown layer class 'Dense' in layer 'fake_dense' \(registered as 'my_pkg>Dense'\)/,
    );
    refusedWith(
      () => graphFromKerasConfig(seq(dense('d', 2, { kernel_initializer: { module: 'my_pkg', class_name: 'MyInit', config: {}, registered_name: 'my_pkg>MyInit' } }))),
      /Layer 'd' uses the custom class 'MyInit'/,
    );
    refusedWith(
      () => graphFromKerasConfig(seq({ class_name: 'Bidirectional', config: { name: 'bi', layer: { class_name: 'MyRNN', config: { name: 'my_rnn' } } } })),
      /Unknown layer class 'MyRNN' in layer 'my_rnn'/,
    );
  });

  test('Lambda layers are refused because they hold Python code', () => {
    refusedWith(
      () => graphFromKerasConfig(seq({ class_name: 'Lambda', config: { name: 'lambda', function: ['4wEAAAAAAAAA', null, null], function_type: 'lambda' } })),
      /Layer 'lambda' is a Lambda layer: Lambda layers contain Python code, which Model Studio never executes/,
    );
  });

  test('shared layers, nested models and multi-output references are refused clearly', () => {
    const input = { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 2] }, name: 'in', inbound_nodes: [] };
    const fn = (layers: JsonObject[], outputs: Json = [['d', 0, 0]]) => ({
      class_name: 'Functional',
      config: { name: 'm', layers: [input, ...layers], input_layers: [['in', 0, 0]], output_layers: outputs },
    });
    const d = { ...dense('d', 2), name: 'd', inbound_nodes: [[['in', 0, 0, {}]], [['d', 0, 0, {}]]] };
    refusedWith(() => graphFromKerasConfig(fn([d])), /Layer 'd' is shared: the model calls it 2 times/);
    const d1 = { ...dense('d', 2), name: 'd', inbound_nodes: [[['in', 0, 0, {}]]] };
    refusedWith(() => graphFromKerasConfig(fn([d1], [['d', 1, 0]])), /Layer 'd' is shared/);
    refusedWith(() => graphFromKerasConfig(fn([d1], [['d', 0, 1]])), /uses output #2 of layer 'd'/);
    const nested = { class_name: 'Sequential', config: { name: 'inner', layers: [] }, name: 'inner', inbound_nodes: [[['in', 0, 0, {}]]] };
    refusedWith(() => graphFromKerasConfig(fn([nested], [['inner', 1, 0]])), /Layer 'inner' is a whole Sequential model nested inside this model/);
    const dangling = { ...dense('d', 2), name: 'd', inbound_nodes: [[['ghost', 0, 0, {}]]] };
    refusedWith(() => graphFromKerasConfig(fn([dangling])), /refers to a layer 'ghost'/);
  });
});

describe('keras-json: writing Keras 2 style', () => {
  test('Sequential chains are written as Sequential with the InputLayer first; TF.js builds them', async () => {
    await cpuBackend();
    const g = graphFromKerasConfig({ class_name: 'Sequential', config: [dense('dense', 4, { batch_input_shape: [null, 3] }), dense('dense_2', 1)] });
    const cfg = kerasConfigFromGraph(g);
    assert.equal(cfg.class_name, 'Sequential');
    const layers = (cfg.config as JsonObject).layers as JsonObject[];
    assert.deepEqual((layers[0]!.config as JsonObject).name, 'dense_input');
    assert.deepEqual(Object.keys(layers[1]!.config as JsonObject)[0], 'name');
    const m = await tf.models.modelFromJSON({ modelTopology: cfg } as never);
    assert.deepEqual(m.inputs[0]!.shape, [null, 3]);
    // TF.js lists the explicit InputLayer among a Sequential's layers (tf.keras hides it).
    assert.deepEqual(m.layers.map((l) => l.name), ['dense_input', 'dense', 'dense_2']);
    assert.equal(m.countParams(), 4 * 3 + 4 + 4 + 1);
    assert.deepEqual(graphFromKerasConfig(cfg), g, 'round trip');
    m.dispose();
  });

  test('toyresnet is written as Functional that TF.js builds with the same shapes and parameter totals as analysis', async () => {
    await cpuBackend();
    const g = graphFromKerasConfig(JSON.parse(readFileSync(fixture('keras2-weights-json/toyresnet/modelConfig.json'), 'utf8')));
    const doc = kerasModelJson(g);
    assert.equal(doc.class_name, 'Functional');
    assert.equal(doc.keras_version, '2.15.0');
    assert.equal(doc.backend, 'tensorflow');
    const cfg = doc.config as JsonObject;
    assert.deepEqual(cfg.input_layers, [['img', 0, 0]]);
    assert.deepEqual(cfg.output_layers, [['dense_7', 0, 0]]);
    const add = (cfg.layers as JsonObject[]).find((l) => l.name === 'add_8')!;
    assert.deepEqual(add.inbound_nodes, [[['conv2d_37', 0, 0, {}], ['max_pooling2d_5', 0, 0, {}]]]);
    const m = await tf.models.modelFromJSON({ modelTopology: doc } as never);
    const a = analyze(g);
    assert.equal(m.countParams(), a.totals.total);
    for (const l of m.layers) {
      assert.deepEqual(a.layers.get(l.name)!.outputShape, l.outputShape, `output shape of ${l.name}`);
    }
    assert.deepEqual(graphFromKerasConfig(doc), g, 'round trip');
    m.dispose();
  });

  test('Keras 3 functional configs are written Keras-2 style and load in TF.js', async () => {
    await cpuBackend();
    const g = graphFromKerasConfig(keras3Functional([['input_layer', 0, 0]]));
    const cfg = kerasConfigFromGraph(g);
    assert.equal(JSON.stringify(cfg).includes('module'), false);
    assert.equal(JSON.stringify(cfg).includes('DTypePolicy'), false);
    const m = await tf.models.modelFromJSON({ modelTopology: cfg } as never);
    assert.deepEqual(m.outputs[0]!.shape, [null, 4]);
    m.dispose();
  });

  test('the keras-json format reads and writes through the registry', async (t) => {
    const dir = tempDir(t);
    const src = fixture('keras2-weights-json/toyresnet/modelConfig.json');
    const file = await readModel(src);
    assert.equal(file.producer?.format, 'keras-json');
    assert.equal(file.producer?.kerasVersion, '2.2.4-tf');
    const out = path.join(dir, 'resnet.json');
    assert.deepEqual(await writeModel(out, file, 'keras-json'), [out]);
    assert.deepEqual(listDir(dir), ['resnet.json']);
    const again = await readModel(out);
    assert.deepEqual(again.graph, file.graph);
    assert.equal(again.producer?.format, 'keras-json');
  });
});


test('LSTM/GRU without recurrent_activation are written with Keras\' sigmoid, not tfjs\' hardSigmoid', async () => {
  const { kerasConfigFromGraph } = await import('../../../src/formats/keras-config-write');
  const g: import('../../../src/core/types').ModelGraph = {
    name: 'rnn',
    kind: 'Functional',
    layers: [
      { name: 'in', className: 'InputLayer', config: { batch_input_shape: [null, 5, 3] }, inbound: [] },
      { name: 'lstm', className: 'LSTM', config: { units: 4, return_sequences: true }, inbound: ['in'] },
      { name: 'bi', className: 'Bidirectional', config: { layer: { class_name: 'GRU', config: { units: 2 } } }, inbound: ['lstm'] },
      { name: 'gru', className: 'GRU', config: { units: 2, recurrent_activation: 'tanh' }, inbound: ['lstm'] },
    ],
    inputs: ['in'],
    outputs: ['bi', 'gru'],
  };
  const text = JSON.stringify(kerasConfigFromGraph(g));
  const layers = JSON.parse(text).config.layers as { name: string; config: Record<string, any> }[];
  const by = (n: string) => layers.find((l) => l.name === n)!.config;
  assert.equal(by('lstm').recurrent_activation, 'sigmoid');
  assert.equal(by('bi').layer.config.recurrent_activation, 'sigmoid');
  assert.equal(by('gru').recurrent_activation, 'tanh');
  assert.equal(g.layers[1].config.recurrent_activation, undefined, 'the graph itself is not changed');
});
