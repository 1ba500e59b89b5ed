/**
 * The Keras 3 layers our tfjs engine supplies itself (engine/tfjs/kerasLayers.ts): their training-time
 * behaviour, which the Keras suite's forward comparison (inference) cannot see, and their edge cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../../src/core/analysis';
import { TFJS_DEPARTURE_CODE } from '../../../src/core/layers/tfjsSupport';
import { reconcileWeights } from '../../../src/core/initializers';
import type { JsonObject } from '../../../src/core/types';
import { buildTfModel } from '../../../src/engine/tfjs/model';
import { chain } from '../core/helpers';

async function build(input: (number | null)[], className: string, config: JsonObject) {
  await tf.setBackend('cpu');
  const graph = chain(input, [[className, config]]);
  return buildTfModel(tf, { graph, weights: reconcileWeights(graph, [], 1) });
}

test('SpatialDropout2D/3D drop whole feature maps in training (scaled by 1/(1 - rate)) and nothing at inference', async () => {
  for (const [input, cls, cf] of [[[null, 4, 5, 6], 'SpatialDropout2D', false], [[null, 6, 4, 5], 'SpatialDropout2D', true], [[null, 2, 3, 4, 6], 'SpatialDropout3D', false]] as const) {
    const model = await build([...input], cls, { rate: 0.5, ...(cf ? { data_format: 'channels_first' } : {}) });
    const shape = [8, ...input.slice(1)] as number[];
    const x = tf.ones(shape);
    const layer = model.layers[1]!;
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    // Each (sample, channel) map is all 0 or all 2.
    const flat = await trained.data();
    assert.ok([...flat].every((v) => v === 0 || v === 2), cls);
    const channelAxis = cf ? 1 : shape.length - 1;
    const order = [0, channelAxis, ...shape.map((_, i) => i).filter((i) => i !== 0 && i !== channelAxis)];
    const perMap = tf.tidy(() => tf.transpose(trained, order).reshape([shape[0]!, shape[channelAxis]!, -1]));
    for (const sample of (await perMap.array()) as number[][][]) {
      for (const map of sample) assert.equal(new Set(map).size, 1, `${cls}: one mask value per feature map`);
    }
    assert.ok(flat.includes(0) && flat.includes(2), `${cls}: some maps dropped, some kept`);
    const inferred = await (layer.apply(x, { training: false }) as tf.Tensor).data();
    assert.ok([...inferred].every((v) => v === 1));
    model.dispose();
  }
});

test('UnitNormalization: unit L2 norm along the axis; a zero vector stays zero (no NaN)', async () => {
  const model = await build([null, 3], 'UnitNormalization', {});
  const y = (await (model.predict(tf.tensor2d([[3, 4, 0], [0, 0, 0]])) as tf.Tensor).array()) as number[][];
  assert.deepEqual(y[0]!.map((v) => Math.round(v * 1e6) / 1e6), [0.6, 0.8, 0]);
  assert.deepEqual(y[1], [0, 0, 0]);
  model.dispose();
});

test('CenterCrop leaves the model input shape alone (tfjs own class overwrote it) and crops the centre', async () => {
  const model = await build([null, 5, 4, 1], 'CenterCrop', { height: 3, width: 2 });
  assert.deepEqual(model.inputs[0]!.shape, [null, 5, 4, 1]);
  const x = tf.tensor(Array.from({ length: 20 }, (_, i) => i), [1, 5, 4, 1]);
  const y = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
  // rows 1..3, cols 1..2 (start = diff // 2, as keras/src/layers/preprocessing/image_preprocessing/center_crop.py)
  assert.deepEqual([...y], [5, 6, 9, 10, 13, 14]);
  model.dispose();
});

test('departures: ActivityRegularization and a CenterCrop larger than the image are refused on tfjs with a reason', async () => {
  for (const [input, cls, config, re] of [
    [[null, 6], 'ActivityRegularization', { l1: 0.1 }, /no ActivityRegularization layer/],
    [[null, 2, 9, 3], 'CenterCrop', { height: 4, width: 4 }, /smaller than the crop/],
  ] as const) {
    const d = analyze(chain([...input], [[cls, config]])).diagnostics.filter((x) => x.code === TFJS_DEPARTURE_CODE);
    assert.equal(d.length, 1, cls);
    assert.match(d[0]!.message, re);
    await assert.rejects(build([...input], cls, config), /cannot run this model as Keras does/);
  }
});

test('GroupNormalization and the 3D layers have gradients: tfjs autodiff equals finite differences', async () => {
  const cases: [(number | null)[], string, JsonObject][] = [
    [[null, 3, 4], 'GroupNormalization', { groups: 2 }],
    [[null, 2, 2, 2, 2], 'UpSampling3D', { size: [2, 1, 2] }],
    [[null, 2, 3, 2, 2], 'Cropping3D', { cropping: [[1, 0], [0, 1], [0, 0]] }],
    [[null, 2, 2, 2, 3], 'GlobalAveragePooling3D', {}],
    [[null, 4, 3], 'Conv1DTranspose', { filters: 2, kernel_size: [3], strides: [2], output_padding: [1] }],
    [[null, 5, 2], 'DepthwiseConv1D', { kernel_size: [2], depth_multiplier: 2, padding: 'same' }],
  ];
  for (const [input, cls, config] of cases) {
    const model = await build(input, cls, config);
    const shape = [2, ...input.slice(1)] as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const x0 = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 2);
    const weights = Float32Array.from({ length: n * 8 }, (_, i) => Math.cos(i * 0.37));
    // A scalar objective: a fixed weighted sum of the outputs.
    const objective = (x: tf.Tensor) => {
      const y = model.apply(x) as tf.Tensor;
      return tf.sum(tf.mul(y, tf.tensor(weights.slice(0, y.size), y.shape)));
    };
    const grad = await tf.grad(objective)(tf.tensor(x0, shape)).data();
    const h = 1e-2;
    for (const i of [0, 3, n - 1]) {
      const plus = Float64Array.from(x0);
      const minus = Float64Array.from(x0);
      plus[i]! += h;
      minus[i]! -= h;
      const f = async (v: Float64Array) => (await objective(tf.tensor(Float32Array.from(v), shape)).data())[0]!;
      const numeric = ((await f(plus)) - (await f(minus))) / (2 * h);
      assert.ok(Math.abs(numeric - grad[i]!) < 2e-2 * Math.max(1, Math.abs(numeric)), `${cls} d/dx[${i}]: ${grad[i]} vs ${numeric}`);
    }
    model.dispose();
  }
});

test('our tfjs layers carry their regularizers and constraints (the penalty reaches the loss, the constraint the optimizer)', async () => {
  const l2 = { class_name: 'L2', config: { l2: 0.5 } };
  for (const [input, cls, config] of [
    [[null, 5, 2], 'DepthwiseConv1D', { kernel_size: [2], depthwise_regularizer: l2, depthwise_constraint: { class_name: 'NonNeg', config: {} } }],
    [[null, 4, 3], 'Conv1DTranspose', { filters: 2, kernel_size: [3], kernel_regularizer: l2, kernel_constraint: { class_name: 'NonNeg', config: {} } }],
    [[null, 3, 4], 'GroupNormalization', { groups: 2, gamma_regularizer: l2, gamma_constraint: { class_name: 'NonNeg', config: {} } }],
  ] as [(number | null)[], string, JsonObject][]) {
    const model = await build(input, cls, config);
    const penalties = (model as unknown as { calculateLosses(): tf.Tensor[] }).calculateLosses();
    assert.equal(penalties.length, 1, cls);
    const w = model.layers[1]!.weights[0]!;
    const expected = 0.5 * (await tf.sum(tf.square(w.read())).data())[0]!;
    assert.ok(Math.abs((await penalties[0]!.data())[0]! - expected) < 1e-5 * Math.max(1, expected), cls);
    assert.ok((w as unknown as { constraint?: unknown }).constraint, `${cls}: the weight has its constraint`);
    model.dispose();
  }
});

/** The loss the gradient tests differentiate: sum of squares of the layer's training-time output. */
const trainingLoss = (m: tf.LayersModel, x: tf.Tensor) => () => tf.sum(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-4 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};
const variables = (m: tf.LayersModel) => m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);

test('Conv1D/2D/3D with groups: forward and gradients equal a full convolution whose kernel is block-diagonal (1e-4)', async () => {
  const cases: { cls: string; input: (number | null)[]; config: JsonObject & { filters: number; groups: number } }[] = [
    { cls: 'Conv1D', input: [null, 9, 4], config: { filters: 6, kernel_size: [3], groups: 2, strides: [2] } },
    { cls: 'Conv2D', input: [null, 6, 5, 6], config: { filters: 6, kernel_size: [3, 3], groups: 3, padding: 'same', activation: 'tanh' } },
    { cls: 'Conv2D', input: [null, 4, 6, 5], config: { filters: 4, kernel_size: [3, 2], groups: 2, data_format: 'channels_first' } },
    { cls: 'Conv3D', input: [null, 4, 4, 3, 4], config: { filters: 2, kernel_size: [2, 2, 2], groups: 2 } },
  ];
  for (const c of cases) {
    const grouped = await build(c.input, c.cls, c.config);
    const full = await build(c.input, c.cls, { ...c.config, groups: 1 });
    const { groups: g, filters } = c.config;
    const [gk, gb] = grouped.layers[1]!.getWeights();
    const k = gk!.shape;
    const inPer = k[k.length - 2]!;
    const outPer = filters / g;
    const spatial = gk!.size / (inPer * filters);
    /** Where tap (s, i, o) of the grouped kernel sits in the full kernel (zero outside each group's block). */
    const at = (s: number, i: number, o: number) => (s * inPer * g + Math.floor(o / outPer) * inPer + i) * filters + o;
    const gkData = await gk!.data();
    const fullData = new Float32Array(gk!.size * g);
    for (let s = 0; s < spatial; s++) for (let i = 0; i < inPer; i++) for (let o = 0; o < filters; o++) fullData[at(s, i, o)] = gkData[(s * inPer + i) * filters + o]!;
    full.layers[1]!.setWeights([tf.tensor(fullData, [...k.slice(0, -2), inPer * g, filters]), gb!]);
    const x = tf.randomUniform([3, ...c.input.slice(1)] as number[], -1, 1, 'float32', 7);
    close(await (grouped.predict(x) as tf.Tensor).data(), await (full.predict(x) as tf.Tensor).data(), `${c.cls} forward`);
    const [kG, bG] = Object.values(tf.variableGrads(trainingLoss(grouped, x), variables(grouped)).grads);
    const [kF, bF] = Object.values(tf.variableGrads(trainingLoss(full, x), variables(full)).grads);
    const kFd = await kF!.data();
    const picked = new Float32Array(gk!.size);
    for (let s = 0; s < spatial; s++) for (let i = 0; i < inPer; i++) for (let o = 0; o < filters; o++) picked[(s * inPer + i) * filters + o] = kFd[at(s, i, o)]!;
    close(await kG!.data(), picked, `${c.cls} kernel gradient`);
    close(await bG!.data(), await bF!.data(), `${c.cls} bias gradient`);
    const dx = (m: tf.LayersModel) => tf.grad((xx: tf.Tensor) => tf.sum(tf.square(m.apply(xx, { training: true }) as tf.Tensor)))(x).data();
    close(await dx(grouped), await dx(full), `${c.cls} input gradient`);
    grouped.dispose();
    full.dispose();
  }
});

/** Channels-last <-> channels-first for a tensor with `rank` spatial axes. */
const toLast = (x: tf.Tensor, rank: number) => tf.transpose(x, [0, ...Array.from({ length: rank }, (_, i) => i + 2), 1]);
const toFirst = (x: tf.Tensor, rank: number) => tf.transpose(x, [0, rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)]);

test('dilated convolutions train (tfjs-core has no dilated gradient): output and gradients equal a convolution with the zero-spread kernel (1e-4)', async () => {
  type Ref = (x: tf.Tensor, k: tf.Tensor, w: tf.Tensor[]) => tf.Tensor;
  const grouped = (groups: number, conv: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, k: tf.Tensor) =>
    groups === 1 ? conv(x, k) : tf.concat(tf.split(x, groups, -1).map((xi, i) => conv(xi, tf.split(k, groups, -1)[i]!)), -1);
  const cases: { cls: string; input: (number | null)[]; config: JsonObject; dil: number[]; ref: Ref }[] = [
    { cls: 'Conv1D', input: [null, 11, 3], config: { filters: 2, kernel_size: [3], dilation_rate: [2] }, dil: [2], ref: (x, k, [b]) => tf.add(tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, 1, 'valid'), b!) },
    { cls: 'Conv2D', input: [null, 9, 8, 2], config: { filters: 3, kernel_size: [3, 2], dilation_rate: [2, 3], padding: 'same' }, dil: [2, 3], ref: (x, k, [b]) => tf.add(tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'), b!) },
    {
      cls: 'Conv2D',
      input: [null, 6, 9, 8],
      config: { filters: 6, kernel_size: [2, 2], dilation_rate: [3, 2], groups: 3, data_format: 'channels_first' },
      dil: [3, 2],
      ref: (x, k, [b]) => toFirst(tf.add(grouped(3, (xi, ki) => tf.conv2d(xi as tf.Tensor4D, ki as tf.Tensor4D, 1, 'valid'))(toLast(x, 2), k), b!), 2),
    },
    { cls: 'Conv3D', input: [null, 6, 5, 5, 2], config: { filters: 2, kernel_size: [2, 2, 2], dilation_rate: [2, 1, 2] }, dil: [2, 1, 2], ref: (x, k, [b]) => tf.add(tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, 1, 'valid'), b!) },
    {
      cls: 'SeparableConv2D',
      input: [null, 9, 8, 2],
      config: { filters: 3, kernel_size: [3, 3], dilation_rate: [2, 2], depth_multiplier: 2 },
      dil: [2, 2],
      ref: (x, k, [p, b]) => tf.add(tf.separableConv2d(x as tf.Tensor4D, k as tf.Tensor4D, p as tf.Tensor4D, 1, 'valid'), b!),
    },
    { cls: 'DepthwiseConv1D', input: [null, 11, 3], config: { kernel_size: [3], dilation_rate: [3] }, dil: [3], ref: (x, k, [b]) => tf.add(tf.squeeze(tf.depthwiseConv2d(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(k, 0) as tf.Tensor4D, 1, 'valid'), [1]), b!) },
  ];
  for (const c of cases) {
    const model = await build(c.input, c.cls, { ...c.config, activation: 'relu' });
    const rank = c.dil.length;
    const x = tf.randomUniform([2, ...c.input.slice(1)] as number[], -1, 1, 'float32', 3);
    const [kernel, ...others] = model.layers[1]!.getWeights();
    // The reference's kernel: zeros between the taps, written out here, at dilation 1.
    const ks = kernel!.shape;
    const spread = ks.map((n, i) => (i < rank ? (n - 1) * c.dil[i]! + 1 : n));
    const kd = await kernel!.data();
    const inner = ks.slice(rank).reduce((p, n) => p * n, 1);
    const taps = kd.length / inner;
    const tapIndex = (t: number) => {
      let flat = 0;
      for (let a = 0; a < rank; a++) {
        const below = ks.slice(a + 1, rank).reduce((p, n) => p * n, 1);
        flat = flat * spread[a]! + (Math.floor(t / below) % ks[a]!) * c.dil[a]!;
      }
      return flat;
    };
    const big = new Float32Array(spread.reduce((p, n) => p * n, 1));
    for (let t = 0; t < taps; t++) big.set(kd.subarray(t * inner, (t + 1) * inner), tapIndex(t) * inner);
    const bigKernel = tf.variable(tf.tensor(big, spread));
    const reference = (xx: tf.Tensor) => tf.relu(c.ref(xx, bigKernel, others));
    const want = await reference(x).data();
    close(await (model.apply(x, { training: true }) as tf.Tensor).data(), want, `${c.cls} training output`);
    close(await (model.predict(x) as tf.Tensor).data(), want, `${c.cls} inference output (native dilation)`);
    const [kG] = Object.values(tf.variableGrads(trainingLoss(model, x), variables(model)).grads);
    const refGrad = await tf.variableGrads(() => tf.sum(tf.square(reference(x))) as tf.Scalar, [bigKernel]).grads[bigKernel.name]!.data();
    const picked = new Float32Array(kd.length);
    for (let t = 0; t < taps; t++) picked.set(refGrad.subarray(tapIndex(t) * inner, (tapIndex(t) + 1) * inner), t * inner);
    close(await kG!.data(), picked, `${c.cls} kernel gradient at the taps`);
    const dx = await tf.grad((xx: tf.Tensor) => tf.sum(tf.square(model.apply(xx, { training: true }) as tf.Tensor)))(x).data();
    close(dx, await tf.grad((xx: tf.Tensor) => tf.sum(tf.square(reference(xx))))(x).data(), `${c.cls} input gradient`);
    model.dispose();
  }
});
