/** analyze(): shapes through whole models, Keras parameter totals, every diagnostic, speed. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, expectedWeights } from '../../../src/core/analysis';
import type { JsonObject, ModelGraph, Shape } from '../../../src/core/types';
import { chain, graph } from './helpers';

const FIXTURES = path.resolve(__dirname, '../../..', '../shared/fixtures/real');

const codes = (g: ModelGraph) => analyze(g).diagnostics.map((d) => `${d.code}:${d.layer ?? ''}`);

function mnistConvnet(): ModelGraph {
  return chain([null, 28, 28, 1], [
    ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
    ['MaxPooling2D', { pool_size: [2, 2] }],
    ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
    ['MaxPooling2D', { pool_size: [2, 2] }],
    ['Flatten'],
    ['Dropout', { rate: 0.5 }],
    ['Dense', { units: 10, activation: 'softmax' }],
  ]);
}

function vgg16(): ModelGraph {
  const layers: [string, JsonObject?][] = [];
  for (const [filters, n] of [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]]) {
    for (let i = 0; i < n; i++) layers.push(['Conv2D', { filters, kernel_size: [3, 3], padding: 'same', activation: 'relu' }]);
    layers.push(['MaxPooling2D', { pool_size: [2, 2], strides: [2, 2] }]);
  }
  layers.push(['Flatten'], ['Dense', { units: 4096, activation: 'relu' }], ['Dense', { units: 4096, activation: 'relu' }], ['Dense', { units: 1000, activation: 'softmax' }]);
  return chain([null, 224, 224, 3], layers, 'vgg16');
}

/** A minimal reading of a Keras 2 model config (Sequential list or Functional nested inbound_nodes). */
function fromKeras(modelConfig: { class_name: string; config: JsonObject }): ModelGraph {
  const cfg = modelConfig.config as { name?: string; layers: { class_name: string; name?: string; config: JsonObject; inbound_nodes?: [string, number, number][][] }[]; input_layers?: [string][]; output_layers?: [string][] };
  if (modelConfig.class_name === 'Sequential') {
    const first = cfg.layers[0].config;
    const layers = cfg.layers.map((l) => {
      const { name, batch_input_shape, ...rest } = l.config;
      return [String(name), l.class_name, rest] as const;
    });
    const g = graph([['input', 'InputLayer', { batch_input_shape: first.batch_input_shape }, []]], [], String(cfg.name ?? 'sequential'));
    let prev = 'input';
    for (const [name, cls, c] of layers) {
      g.layers.push({ name, className: cls, config: c as JsonObject, inbound: [prev] });
      prev = name;
    }
    g.outputs = [prev];
    g.kind = 'Sequential';
    return g;
  }
  return graph(
    cfg.layers.map((l) => {
      const { name: _n, ...rest } = l.config;
      return [String(l.name), l.class_name, rest as JsonObject, (l.inbound_nodes?.[0] ?? []).map((x) => x[0])];
    }),
    (cfg.output_layers ?? []).map((o) => o[0]),
    String(cfg.name ?? 'model'),
  );
}

describe('whole models: parameter totals equal Keras', () => {
  test('keras.io simple MNIST convnet = 34,826', () => {
    const a = analyze(mnistConvnet());
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.totals, { total: 34826, trainable: 34826, nonTrainable: 0 });
    const shapes = a.order.map((n) => a.layers.get(n)!.outputShape);
    assert.deepEqual(shapes, [[null, 28, 28, 1], [null, 26, 26, 32], [null, 13, 13, 32], [null, 11, 11, 64], [null, 5, 5, 64], [null, 1600], [null, 1600], [null, 10]]);
  });

  test('VGG16 with top on 224x224x3 = 138,357,544', () => {
    const a = analyze(vgg16());
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.totals.total, 138_357_544);
    assert.equal(a.totals.nonTrainable, 0);
    assert.deepEqual(a.layers.get(a.order[a.order.length - 4])!.outputShape, [null, 25088]);
  });

  test('fixtures: tfjs-abalone 3,051, cnn-explainer 19,920, GRU weights as in its manifest, toyresnet', () => {
    const abalone = JSON.parse(readFileSync(path.join(FIXTURES, 'tfjs-abalone/model.json'), 'utf8'));
    assert.equal(analyze(fromKeras(abalone.modelTopology)).totals.total, 3051);

    const cnn = JSON.parse(readFileSync(path.join(FIXTURES, 'cnn-explainer/model.json'), 'utf8'));
    const cg = fromKeras(cnn.modelTopology.model_config);
    const ca = analyze(cg);
    assert.deepEqual(ca.diagnostics, []);
    assert.equal(ca.totals.total, 19920);
    const manifest = cnn.weightsManifest.flatMap((m: { weights: { name: string; shape: number[] }[] }) => m.weights.map((w) => `${w.name}:${w.shape.join('x')}`));
    assert.deepEqual(expectedWeights(cg).map((w) => `${w.name}:${w.shape.join('x')}`), manifest);

    const gru = JSON.parse(readFileSync(path.join(FIXTURES, 'tfjs-e2e-gru/model.json'), 'utf8'));
    const gg = fromKeras(gru.modelTopology);
    const gm = gru.weightsManifest.flatMap((m: { weights: { name: string; shape: number[] }[] }) => m.weights.map((w) => `${w.name}:${w.shape.join('x')}`));
    assert.deepEqual(expectedWeights(gg).map((w) => `${w.name}:${w.shape.join('x')}`), gm);

    const toy = JSON.parse(readFileSync(path.join(FIXTURES, 'keras2-weights-json/toyresnet/modelConfig.json'), 'utf8'));
    const ta = analyze(fromKeras(toy));
    assert.deepEqual(ta.diagnostics, []);
    // 320 + 18,496 + 5 * 36,928 + 16,640 + 2,570
    assert.equal(ta.totals.total, 222_666);
    assert.deepEqual(ta.layers.get('add_9')!.outputShape, [null, 8, 8, 64]);
  });

  test('frozen layers (trainable=false) count as non-trainable; BatchNormalization moving stats too', () => {
    const g = chain([null, 8], [['Dense', { units: 4, trainable: false }], ['BatchNormalization'], ['Dense', { units: 1 }]]);
    const a = analyze(g);
    assert.deepEqual(a.totals, { total: 36 + 16 + 5, trainable: 8 + 5, nonTrainable: 36 + 8 });
    const w = expectedWeights(g);
    assert.deepEqual(w.map((x) => `${x.name}:${x.trainable}`), [
      'dense/kernel:false',
      'dense/bias:false',
      'batch_normalization/gamma:true',
      'batch_normalization/beta:true',
      'batch_normalization/moving_mean:false',
      'batch_normalization/moving_variance:false',
      'dense_1/kernel:true',
      'dense_1/bias:true',
    ]);
  });

  test('Bidirectional weights get full forward_/backward_ names', () => {
    const g = chain([null, 10], [
      ['Embedding', { input_dim: 100, output_dim: 8 }],
      ['Bidirectional', { layer: { class_name: 'LSTM', config: { name: 'lstm', units: 4 } } }],
    ]);
    assert.deepEqual(expectedWeights(g).map((w) => w.name), [
      'embedding/embeddings',
      'bidirectional/forward_lstm/kernel',
      'bidirectional/forward_lstm/recurrent_kernel',
      'bidirectional/forward_lstm/bias',
      'bidirectional/backward_lstm/kernel',
      'bidirectional/backward_lstm/recurrent_kernel',
      'bidirectional/backward_lstm/bias',
    ]);
  });
});

describe('diagnostics', () => {
  test('unknown layer class; nothing downstream is blamed', () => {
    const g = chain([null, 4], [['Lambda', {}, 'lam'], ['Dense', { units: 2 }, 'd']]);
    const a = analyze(g);
    assert.deepEqual(codes(g), ['unknown-layer:lam']);
    assert.equal(a.layers.get('d')!.outputShape, null);
    assert.match(a.diagnostics[0].message, /unknown layer class "Lambda"/);
    assert.ok(a.diagnostics[0].hint);
  });

  test('cycles: each layer on the cycle', () => {
    const g = graph([
      ['in', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['a', 'Add', {}, ['in', 'c']],
      ['b', 'Dense', { units: 4 }, ['a']],
      ['c', 'Dense', { units: 4 }, ['b']],
      ['out', 'Dense', { units: 1 }, ['c']],
    ], ['out']);
    const cyc = analyze(g).diagnostics.filter((d) => d.code === 'cycle').map((d) => d.layer);
    assert.deepEqual(cyc.sort(), ['a', 'b', 'c']);
    assert.ok(analyze(g).order.includes('a')); // still listed
  });

  test('dangling layers, layers with no inputs, missing model inputs/outputs', () => {
    const g = graph([
      ['in', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['d1', 'Dense', { units: 4 }, ['in']],
      ['side', 'Dense', { units: 4 }, ['in']],
      ['lonely', 'Dense', { units: 4 }, []],
    ], ['d1']);
    const c = codes(g);
    assert.ok(c.includes('dangling:side'));
    assert.ok(c.includes('no-inputs:lonely'));
    const noEnds: ModelGraph = { ...g, inputs: [], outputs: [] };
    const c2 = codes(noEnds);
    assert.ok(c2.includes('no-model-inputs:'));
    assert.ok(c2.includes('no-model-outputs:'));
    const ghost: ModelGraph = { ...g, outputs: ['d1', 'ghost'], inputs: ['in', 'd1'] };
    const c3 = codes(ghost);
    assert.ok(c3.includes('missing-model-output:ghost'));
    assert.ok(c3.includes('bad-model-input:d1'));
  });

  test('an input not listed as model input; a layer the inputs cannot reach', () => {
    const g = graph([
      ['in', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['in2', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['x', 'Dense', { units: 4 }, ['in2']],
      ['sum', 'Add', {}, ['in', 'x']],
    ], ['sum']);
    g.inputs = ['in'];
    const c = codes(g);
    assert.ok(c.includes('unlisted-input:in2'));
    assert.ok(c.includes('disconnected:x'));
  });

  test('wrong input count', () => {
    const g = graph([
      ['in', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['in2', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['d', 'Dense', { units: 4 }, ['in', 'in2']],
      ['add', 'Add', {}, ['d']],
      ['sub', 'Subtract', {}, ['in', 'in2', 'd']],
    ], ['add', 'sub']);
    const a = analyze(g);
    const byLayer = (l: string) => a.diagnostics.find((d) => d.layer === l && d.code === 'input-count');
    assert.match(byLayer('d')!.message, /takes 1 input but has 2/);
    assert.match(byLayer('add')!.message, /takes at least 2 inputs but has 1/);
    assert.match(byLayer('sub')!.message, /takes 2 inputs but has 3/);
    const odd = graph([
      ['in', 'InputLayer', { batch_input_shape: [null, 4] }, []],
      ['in2', 'InputLayer', { batch_input_shape: [null, 4] }, ['in']],
      ['d', 'Dense', { units: 4 }, ['in', 'ghost']],
    ], ['d']);
    const c = codes(odd);
    assert.ok(c.includes('input-has-inbound:in2'));
    assert.ok(c.includes('missing-inbound:d'));
  });

  test('invalid config values are diagnostics with the field', () => {
    const g = chain([null, 4], [['Dense', { units: -3, activation: 'nope' }, 'd'], ['Dense', { units: 2 }, 'e']]);
    const a = analyze(g);
    const ds = a.diagnostics.filter((d) => d.code === 'invalid-config');
    assert.deepEqual(ds.map((d) => `${d.layer}.${d.field}`).sort(), ['d.activation', 'd.units']);
    assert.match(ds.find((d) => d.field === 'units')!.message, /^d \(Dense\): units must be at least 1/);
    assert.equal(a.layers.get('e')!.outputShape, null);
    assert.equal(a.diagnostics.length, 2); // no follow-on errors downstream
  });

  test('shape errors carry layer, plain message and hint', () => {
    const g = graph([
      ['in', 'InputLayer', { batch_input_shape: [null, 28, 28, 3] }, []],
      ['a', 'Conv2D', { filters: 64, kernel_size: 3, strides: 4 }, ['in']],
      ['b', 'Conv2D', { filters: 32, kernel_size: 1, strides: 2 }, ['in']],
      ['concat', 'Concatenate', {}, ['a', 'b']],
    ], ['concat']);
    const a = analyze(g);
    assert.deepEqual(a.layers.get('a')!.outputShape, [null, 7, 7, 64]);
    assert.deepEqual(a.layers.get('b')!.outputShape, [null, 14, 14, 32]);
    const d = a.diagnostics.find((x) => x.layer === 'concat')!;
    assert.equal(d.code, 'shape');
    assert.equal(d.message, 'concat (Concatenate): inputs (None, 7, 7, 64) and (None, 14, 14, 32) differ on axis 1');
    assert.equal(d.hint, 'add a pooling layer or change strides');
  });

  test('kernels larger than their input, and sizes that shrink to zero', () => {
    const g = chain([null, 3, 3, 8], [['Conv2D', { filters: 4, kernel_size: 5 }, 'conv']]);
    const d = analyze(g).diagnostics[0];
    assert.equal(d.message, 'conv (Conv2D): kernel 5x5 is larger than its 3x3 input');
    assert.equal(d.hint, "use padding='same' or a smaller kernel");
    assert.equal(d.field, 'kernel_size');
    const deep = chain([null, 8, 8, 1], [
      ['MaxPooling2D', {}, 'p1'],
      ['MaxPooling2D', {}, 'p2'],
      ['MaxPooling2D', {}, 'p3'],
      ['MaxPooling2D', {}, 'p4'],
    ]);
    const dd = analyze(deep).diagnostics;
    assert.deepEqual(dd.map((x) => x.layer), ['p4']);
    assert.match(dd[0].message, /pool 2x2 is larger than its 1x1 input/);
  });

  test('a bad InputLayer shape and a duplicate name are reported, never thrown', () => {
    const g = graph([['in', 'InputLayer', {}, []], ['d', 'Dense', { units: 1 }, ['in']], ['d', 'Dense', { units: 1 }, ['in']]], ['d']);
    const c = codes(g);
    assert.ok(c.includes('invalid-config:in'));
    assert.ok(c.includes('duplicate-name:d'));
    // Garbage that a damaged file could hold.
    const junk = graph([['in', 'InputLayer', { batch_input_shape: 'x' as unknown as Shape }, []], ['r', 'Reshape', { target_shape: { a: 1 } }, ['in']]], ['r']);
    assert.doesNotThrow(() => analyze(junk));
    assert.doesNotThrow(() => analyze({ name: 'e', kind: 'Functional', layers: [], inputs: [], outputs: [] }));
    const broken = graph([['in', 'InputLayer', { batch_input_shape: [null, 2] }, []]], ['x']);
    broken.layers.push({ name: 'x', className: 'Dense', config: { units: 1 } } as unknown as ModelGraph['layers'][0]);
    assert.ok(analyze(broken).diagnostics.some((d) => d.layer === 'x' && d.severity === 'error'));
  });
});

describe('speed', () => {
  test('a 500-layer chain analyzes well under 50 ms', () => {
    const layers: [string, JsonObject?][] = [];
    for (let i = 0; i < 499; i++) layers.push(i % 3 === 0 ? ['Dense', { units: 64 }] : i % 3 === 1 ? ['BatchNormalization'] : ['Dropout', { rate: 0.1 }]);
    const g = chain([null, 64], layers);
    assert.equal(g.layers.length, 500);
    analyze(g); // warm-up (JIT)
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const a = analyze(g);
      times.push(performance.now() - t);
      assert.equal(a.diagnostics.length, 0);
    }
    times.sort((x, y) => x - y);
    console.log(`analyze(500-layer chain): median ${times[5].toFixed(1)} ms, min ${times[0].toFixed(1)} ms`);
    assert.ok(times[5] < 500, `median ${times[5]} ms`);
  });
});
