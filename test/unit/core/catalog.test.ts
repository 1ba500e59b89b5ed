/** The catalog as data: coverage of the Keras classes, defaults, new-layer configs, validation, vocab. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allSpecs, getSpec, newLayerConfig, withDefaults } from '../../../src/core/layers';
import { lookupVocab, serializeVocab, vocabName, INITIALIZERS } from '../../../src/core/layers/vocab';
import { validateConfig, validateField } from '../../../src/core/validate';
import type { FieldSpec } from '../../../src/core/layers/spec';

const REQUIRED = `InputLayer Dense Activation Dropout Flatten Reshape Permute RepeatVector Conv1D Conv2D Conv2DTranspose
  SeparableConv2D DepthwiseConv2D MaxPooling1D MaxPooling2D AveragePooling1D AveragePooling2D GlobalAveragePooling1D
  GlobalAveragePooling2D GlobalMaxPooling1D GlobalMaxPooling2D UpSampling2D ZeroPadding2D Cropping2D BatchNormalization
  LayerNormalization Embedding SimpleRNN LSTM GRU Bidirectional TimeDistributed Add Subtract Multiply Average Maximum
  Minimum Concatenate Dot ReLU LeakyReLU PReLU ELU Softmax`.split(/\s+/);

const field = (cls: string, name: string): FieldSpec => {
  const f = getSpec(cls)?.fields.find((x) => x.name === name);
  assert.ok(f, `${cls}.${name}`);
  return f;
};

describe('catalog', () => {
  test('has a spec for every Keras layer class the product promises', () => {
    const names = new Set(allSpecs().map((s) => s.className));
    for (const cls of REQUIRED) assert.ok(names.has(cls), cls);
    assert.equal(getSpec('Lambda'), undefined);
  });

  test('every spec is complete and every field default is valid', () => {
    for (const s of allSpecs()) {
      assert.ok(s.doc.length > 5, `${s.className} doc`);
      assert.ok(s.inputs.min <= s.inputs.max, s.className);
      const seen = new Set<string>();
      for (const f of s.fields) {
        assert.ok(!seen.has(f.name), `${s.className}.${f.name} duplicated`);
        seen.add(f.name);
        assert.ok(f.doc.length > 3, `${s.className}.${f.name} doc`);
        if (f.type === 'enum') assert.ok(f.options && f.options.length > 0);
        // Required fields (default null, not nullable) are the only ones whose default is "not set".
        if (!(f.default === null && !f.nullable)) assert.equal(validateField(f, f.default), null, `${s.className}.${f.name} default`);
      }
    }
  });

  test('a new layer of every class validates cleanly', () => {
    for (const s of allSpecs()) {
      const c = newLayerConfig(s.className);
      assert.deepEqual(validateConfig(s.className, c), [], s.className);
    }
    assert.deepEqual(newLayerConfig('Dense').units, 32);
    assert.deepEqual(newLayerConfig('InputLayer').batch_input_shape, [null, 784]);
    assert.deepEqual(newLayerConfig('Nope'), {});
  });

  test('withDefaults fills Keras defaults in serialized form and keeps what is set', () => {
    const d = withDefaults('Dense', { units: 3, custom_key: 1 });
    assert.equal(d.units, 3);
    assert.equal(d.custom_key, 1);
    assert.equal(d.activation, 'linear');
    assert.equal(d.use_bias, true);
    assert.deepEqual(d.kernel_initializer, { class_name: 'GlorotUniform', config: { seed: null } });
    assert.deepEqual(d.bias_initializer, { class_name: 'Zeros', config: {} });
    assert.equal(d.kernel_regularizer, null);
    assert.equal(d.trainable, true);
    const bn = withDefaults('BatchNormalization', {});
    assert.equal(bn.momentum, 0.99);
    assert.equal(bn.epsilon, 0.001);
    assert.deepEqual(bn.gamma_initializer, { class_name: 'Ones', config: {} });
    assert.deepEqual(withDefaults('Embedding', {}).embeddings_initializer, { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } });
    assert.deepEqual(withDefaults('LSTM', {}).recurrent_initializer, { class_name: 'Orthogonal', config: { gain: 1, seed: null } });
    assert.equal(withDefaults('LSTM', {}).recurrent_activation, 'sigmoid');
    // Keras 3 InputLayer `batch_shape` becomes `batch_input_shape`.
    const k3 = withDefaults('InputLayer', { batch_shape: [null, 5] });
    assert.deepEqual(k3.batch_input_shape, [null, 5]);
    assert.equal('batch_shape' in k3, false);
    assert.deepEqual(withDefaults('LeakyReLU', { negative_slope: 0.2 }), { alpha: 0.2, trainable: true, dtype: 'float32' });
    // TF.js writes null for optional arguments it leaves unset; the default applies.
    assert.equal(withDefaults('Embedding', { mask_zero: null }).mask_zero, false);
    assert.equal(withDefaults('Bidirectional', { merge_mode: null }).merge_mode, null); // null is meaningful here
    // Defaults are copies: editing one config does not leak into the next.
    (withDefaults('Dense', {}).kernel_initializer as { config: { seed: number } }).config.seed = 7;
    assert.deepEqual(withDefaults('Dense', {}).kernel_initializer, { class_name: 'GlorotUniform', config: { seed: null } });
  });
});

describe('validateField / validateConfig', () => {
  test('ints, floats, enums, bools', () => {
    assert.equal(validateField(field('Dense', 'units'), 10), null);
    assert.match(validateField(field('Dense', 'units'), 0) ?? '', /at least 1/);
    assert.match(validateField(field('Dense', 'units'), 2.5) ?? '', /whole number/);
    assert.match(validateField(field('Dense', 'units'), null) ?? '', /must be set/);
    assert.equal(validateField(field('Dense', 'units'), undefined), null);
    assert.match(validateField(field('Dropout', 'rate'), 1.5) ?? '', /at most 1/);
    assert.match(validateField(field('Conv2D', 'padding'), 'causal') ?? '', /one of 'valid', 'same'/);
    assert.equal(validateField(field('Conv1D', 'padding'), 'causal'), null);
    assert.match(validateField(field('Dense', 'use_bias'), 'yes') ?? '', /true or false/);
    assert.equal(validateField(field('Conv2D', 'kernel_size'), 3), null);
    assert.equal(validateField(field('Conv2D', 'kernel_size'), [3, 5]), null);
    assert.match(validateField(field('Conv2D', 'kernel_size'), [3, 5, 7]) ?? '', /list of 2/);
    assert.match(validateField(field('Conv2D', 'strides'), [0, 1]) ?? '', /at least 1/);
    assert.equal(validateField(field('MaxPooling2D', 'strides'), null), null);
  });

  test('activations, initializers, regularizers, constraints in string and serialized forms', () => {
    assert.equal(validateField(field('Dense', 'activation'), 'softmax'), null);
    assert.match(validateField(field('Dense', 'activation'), 'relux') ?? '', /not a known activation/);
    const ki = field('Dense', 'kernel_initializer');
    assert.equal(validateField(ki, 'he_normal'), null);
    assert.equal(validateField(ki, { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } }), null);
    assert.equal(validateField(ki, { class_name: 'LeCunNormal', config: {} }), null); // TF.js spelling
    assert.match(validateField(ki, { class_name: 'Magic', config: {} }) ?? '', /not a known initializer/);
    const kr = field('Dense', 'kernel_regularizer');
    assert.equal(validateField(kr, null), null);
    assert.equal(validateField(kr, { class_name: 'L2', config: { l2: 0.01 } }), null);
    assert.equal(validateField(kr, { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } }), null);
    assert.equal(validateField(field('Dense', 'kernel_constraint'), { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } }), null);
    assert.match(validateField(field('Dense', 'kernel_constraint'), 'l2') ?? '', /not a known constraint/);
  });

  test('shapes, paddings and nested layers', () => {
    const bis = field('InputLayer', 'batch_input_shape');
    assert.equal(validateField(bis, [null, 28, 28, 1]), null);
    assert.match(validateField(bis, [null, 0]) ?? '', /positive/);
    // A batch of scalars (Keras' Input(shape=()) saves batch_shape [null]); the batch entry itself is required.
    assert.equal(validateField(bis, [null]), null);
    assert.match(validateField(bis, []) ?? '', /the batch size \(null\), then the dimensions of one sample/);
    assert.equal(validateField(field('Reshape', 'target_shape'), [-1, 7]), null);
    assert.match(validateField(field('Reshape', 'target_shape'), [-1, -1]) ?? '', /only one/);
    assert.equal(validateField(field('ZeroPadding2D', 'padding'), [[1, 2], [3, 4]]), null);
    assert.match(validateField(field('ZeroPadding2D', 'padding'), [[1, 2, 3]]) ?? '', /\[\[top, bottom\]/);
    // A copied spec (as the webview receives it) keeps its checks.
    const copy = JSON.parse(JSON.stringify(field('ZeroPadding1D', 'padding')));
    assert.match(validateField(copy, [[1, 2], [3, 4]]) ?? '', /\[before, after\]/);
    assert.match(validateField(field('Bidirectional', 'layer'), { class_name: 'Foo', config: {} }) ?? '', /unknown layer class/);
    const inner = validateConfig('Bidirectional', { layer: { class_name: 'LSTM', config: { units: -1 } } });
    assert.equal(inner.length, 1);
    assert.equal(inner[0].field, 'layer');
    assert.match(inner[0].message, /inner LSTM: units must be at least 1/);
  });

  test('validateConfig gives one diagnostic per bad field, with field and hint', () => {
    const ds = validateConfig('Conv2D', { filters: 0, kernel_size: [3, 3], padding: 'full', activation: 'relu' });
    assert.deepEqual(ds.map((d) => d.field).sort(), ['filters', 'padding']);
    for (const d of ds) {
      assert.equal(d.severity, 'error');
      assert.equal(d.code, 'invalid-config');
      assert.ok(d.hint);
    }
    assert.match(ds.find((d) => d.field === 'filters')!.message, /^filters must be at least 1 \(got 0\)$/);
    assert.deepEqual(validateConfig('Dense', {}).map((d) => d.field), ['units']);
    assert.equal(validateConfig('Lambda', {})[0].code, 'unknown-layer');
  });
});

describe('vocab', () => {
  test('Keras 2 serialization of every initializer, and lookup by any spelling', () => {
    for (const e of INITIALIZERS) {
      const s = serializeVocab('initializer', e.name);
      assert.equal(s.class_name, e.className);
      assert.equal(lookupVocab('initializer', s)?.name, e.name);
      assert.equal(lookupVocab('initializer', e.name)?.name, e.name);
    }
    assert.deepEqual(serializeVocab('initializer', 'glorot_uniform'), { class_name: 'GlorotUniform', config: { seed: null } });
    assert.equal(lookupVocab('initializer', 'uniform')?.name, 'random_uniform');
    assert.equal(vocabName('regularizer', serializeVocab('regularizer', 'l2')), 'l2');
    assert.equal(vocabName('regularizer', serializeVocab('regularizer', 'l1_l2')), 'l1_l2');
    assert.equal(vocabName('regularizer', { class_name: 'L1', config: { l1: 0.1 } }), 'l1');
    assert.deepEqual(serializeVocab('constraint', 'max_norm'), { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } });
    for (const n of ['non_neg', 'unit_norm', 'min_max_norm']) assert.equal(lookupVocab('constraint', serializeVocab('constraint', n))?.name, n);
  });
});
