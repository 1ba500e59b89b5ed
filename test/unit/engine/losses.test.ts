/**
 * The loss side of the tfjs engine without Python: names and arguments as Keras spells them, every bad input a
 * UserError with a hint, regularizers in the training loss, activity regularizers refused with a diagnostic,
 * class_weight. The values themselves are compared with real Keras in test/keras/losses.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../../src/core/analysis';
import { TFJS_DEPARTURE_CODE } from '../../../src/core/layers/tfjsSupport';
import { checkTrainingConfig, defaultTrainingConfig, kerasTrainingConfig, optimizer } from '../../../src/core/training';
import { arraySource } from '../../../src/engine/datasets/source';
import { buildTfModel } from '../../../src/engine/tfjs/model';
import { fit, prepareFit } from '../../../src/engine/tfjs/training/fit';
import { evaluate } from '../../../src/engine/tfjs/training/evaluate';
import { LOSS_IDS, lossFn, lossId, reduceLoss } from '../../../src/engine/tfjs/training/losses';
import { makeMetric, metricId } from '../../../src/engine/tfjs/training/metrics';
import { checkClassWeight, checkLossOptions } from '../../../src/engine/tfjs/training/objective';
import { chain } from '../core/helpers';
import { userError } from '../../helpers/assertions';

const dense = (config: Record<string, unknown>) => chain([null, 2], [['Dense', { units: 1, kernel_initializer: { class_name: 'Ones', config: {} }, ...config } as never]]);
const source = () => arraySource('toy', Float32Array.from([1, 0, 0, 1, 1, 1, 0, 0]), [2], Float32Array.from([1, 0, 1, 0]), { kind: 'values', shape: [1] });

describe('loss and metric names (Keras spellings)', () => {
  test('class names, snake case and aliases resolve; unknown names are errors with the list', async () => {
    assert.equal(lossId('MeanSquaredError'), 'mean_squared_error');
    assert.equal(lossId('mse'), 'mean_squared_error');
    assert.equal(lossId('KLDivergence'), 'kl_divergence');
    assert.equal(lossId('kld'), 'kl_divergence');
    assert.equal(lossId('CategoricalFocalCrossentropy'), 'categorical_focal_crossentropy');
    assert.equal(metricId('AUC'), 'auc');
    assert.equal(metricId('acc'), 'accuracy');
    assert.equal(metricId('RootMeanSquaredError'), 'root_mean_squared_error');
    assert.equal(metricId('binary_crossentropy'), 'binary_crossentropy');
    await userError(() => lossId('mean_cubed_error'), /Unknown loss "mean_cubed_error".*Use one of: mean_squared_error/);
    await userError(() => metricId('f1'), /Unknown metric "f1".*auc/);
  });

  test('loss arguments: only those the loss takes, of the right type and range', async () => {
    assert.deepEqual(checkLossOptions('binary_crossentropy', { from_logits: true, label_smoothing: 0.1 }), { from_logits: true, label_smoothing: 0.1 });
    await userError(() => checkLossOptions('mean_squared_error', { from_logits: true }), /mean_squared_error takes no argument "from_logits".*no arguments/);
    await userError(() => checkLossOptions('sparse_categorical_crossentropy', { label_smoothing: 0.1 }), /takes no argument "label_smoothing".*from_logits/);
    await userError(() => checkLossOptions('binary_crossentropy', { label_smoothing: 2 }), /label_smoothing must be between 0 and 1/);
    await userError(() => checkLossOptions('huber', { delta: 'x' as never }), /delta must be a number/);
    const errors = checkTrainingConfig(defaultTrainingConfig({ loss: 'mean_squared_error', lossOptions: { label_smoothing: 0.1 } }));
    assert.match(errors['lossOptions.label_smoothing'], /only binary, categorical and focal crossentropy/);
    assert.match(checkTrainingConfig(defaultTrainingConfig({ loss: 'binary_crossentropy', lossOptions: { label_smoothing: -1 } }))['lossOptions.label_smoothing'], /at least 0/);
    assert.equal(checkTrainingConfig(defaultTrainingConfig({ loss: 'poisson', metrics: ['auc', 'precision', 'root_mean_squared_error'] })).loss, undefined);
  });

  test('a loss with arguments is written as Keras serializes it', () => {
    const t = defaultTrainingConfig({ loss: 'kl_divergence' });
    assert.equal(kerasTrainingConfig(t).loss, 'kl_divergence');
    const c = kerasTrainingConfig(defaultTrainingConfig({ loss: 'categorical_crossentropy', lossOptions: { from_logits: true, label_smoothing: 0.1 } }));
    assert.deepEqual(c.loss, { class_name: 'CategoricalCrossentropy', config: { name: 'categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0.1 } });
  });

  test('class_weight: integer keys, non-negative weights', async () => {
    assert.deepEqual(checkClassWeight({ '0': 1, '1': 2.5 }), { '0': 1, '1': 2.5 });
    await userError(() => checkClassWeight([1, 2]), /class_weight must map class indices to weights/);
    await userError(() => checkClassWeight({ cat: 1 }), /key "cat" is not a class index/);
    await userError(() => checkClassWeight({ '0': -1 }), /class 0 must be a non-negative number/);
  });
});

describe('reduction, masks and metric state', () => {
  test('every loss has a finite gradient with respect to the prediction (tfjs cannot differentiate comparisons)', async () => {
    await tf.setBackend('cpu');
    for (const id of LOSS_IDS) {
      const sparse = id === 'sparse_categorical_crossentropy';
      const yt = sparse ? tf.tensor1d([0, 2], 'int32') : tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
      const f = lossFn(tf, id, id.endsWith('crossentropy') ? { label_smoothing: id === 'sparse_categorical_crossentropy' ? undefined : 0.1 } : {});
      const g = tf.grad((p: tf.Tensor) => reduceLoss(tf, f(yt, p)))(tf.tensor2d([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]));
      assert.ok(Array.from(g.dataSync()).every(Number.isFinite), id);
    }
  });

  test("sum_over_batch_size: weights multiply, a mask averages over the valid entries only, an all-masked batch gives 0", async () => {
    await tf.setBackend('cpu');
    const v = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    assert.ok(Math.abs(reduceLoss(tf, v).dataSync()[0] - 3.5) < 1e-6);
    assert.ok(Math.abs(reduceLoss(tf, v, tf.tensor2d([[1, 1, 1], [0, 0, 0]])).dataSync()[0] - 1) < 1e-6);
    const mask = tf.tensor2d([[1, 1, 0], [1, 0, 0]], undefined, 'bool');
    assert.ok(Math.abs(reduceLoss(tf, v, null, mask).dataSync()[0] - (1 + 2 + 4) / 3) < 1e-6);
    assert.equal(reduceLoss(tf, v, null, tf.zeros([2, 3], 'bool')).dataSync()[0], 0);
  });

  test('AUC of a perfect ranking is 1, of an inverted one 0; precision counts only predictions above the threshold', () => {
    const yt = tf.tensor2d([[0], [0], [1], [1]]);
    const auc = makeMetric(tf, 'auc', { yTrue: [4, 1], yPred: [4, 1] });
    assert.ok(Math.abs(auc.result(auc.update(yt, tf.tensor2d([[0.1], [0.2], [0.8], [0.9]])).dataSync()) - 1) < 1e-6);
    assert.ok(Math.abs(auc.result(auc.update(yt, tf.tensor2d([[0.9], [0.8], [0.2], [0.1]])).dataSync())) < 1e-6);
    const p = makeMetric(tf, 'precision', { yTrue: [4, 1], yPred: [4, 1] });
    assert.equal(p.result(p.update(yt, tf.tensor2d([[0.6], [0.4], [0.7], [0.3]])).dataSync()), 0.5);
    assert.throws(() => makeMetric(tf, 'auc', { yTrue: [1], yPred: [1] }, { num_thresholds: 1 }), /num_thresholds must be an integer > 1/);
  });
});

describe('regularizers and class weights in training', () => {
  test('an L2 of 10 on the kernel is in the loss (Keras L2: l2 * sum(w^2)); L1 and L1L2 build', async () => {
    await tf.setBackend('cpu');
    const opts = { loss: 'mse', metrics: [], batchSize: 4 };
    const plain = await buildTfModel(tf, { graph: dense({}), weights: [] });
    const l2 = await buildTfModel(tf, { graph: dense({ kernel_regularizer: { class_name: 'L2', config: { l2: 10 } } }), weights: [] });
    const base = (await evaluate(tf, plain, source(), opts)).loss;
    // kernel [[1], [1]]: penalty 10 * (1 + 1) = 20.
    assert.ok(Math.abs((await evaluate(tf, l2, source(), opts)).loss - (base + 20)) < 1e-4);
    const l1 = await buildTfModel(tf, { graph: dense({ bias_regularizer: { class_name: 'L1', config: { l1: 0.5 } }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 1, l2: 1 } } }), weights: [] });
    assert.ok(Math.abs((await evaluate(tf, l1, source(), opts)).loss - (base + 4)) < 1e-4);
    for (const x of [plain, l2, l1]) x.dispose();
  });

  test('a mask made inside the model (Masking after a layer) is refused, not ignored', async () => {
    const g = chain([null, 3, 2], [['Dense', { units: 2 }], ['Masking', {}], ['Dense', { units: 1 }]]);
    const m = await buildTfModel(tf, { graph: g, weights: [] });
    const data = arraySource('seq', new Float32Array(12), [3, 2], new Float32Array(6), { kind: 'values', shape: [3, 1] });
    await userError(() => evaluate(tf, m, data, { loss: 'mse', metrics: [], batchSize: 2 }), /could not compute the mask.*not the model's input.*keras engine/);
    m.dispose();
  });

  test('activity_regularizer: a diagnostic on the layer, and the tfjs engine refuses to build', async () => {
    const g = dense({ activity_regularizer: { class_name: 'L2', config: { l2: 0.1 } } });
    const d = analyze(g).diagnostics.find((x) => x.code === TFJS_DEPARTURE_CODE);
    assert.match(d?.message ?? '', /activity_regularizer/);
    await userError(() => buildTfModel(tf, { graph: g, weights: [] }), /cannot run this model as Keras does.*activity_regularizer.*keras engine/);
  });

  test('class_weight weights the training loss; bad class_weight and sequence targets are refused before training', async () => {
    const cls = () => arraySource('toy', Float32Array.from([1, 0, 0, 1, 1, 1, 0, 0]), [2], Int32Array.from([1, 0, 1, 0]), { kind: 'class', numClasses: 2 });
    const run = async (classWeight?: Record<string, number>) => {
      const m = await buildTfModel(tf, { graph: dense({ activation: 'sigmoid' }), weights: [] });
      const r = await fit(tf, m, { train: cls() }, { optimizer: optimizer('sgd', { learning_rate: 1e-9 }), loss: 'binary_crossentropy', metrics: ['accuracy'], classWeight, epochs: 1, batchSize: 4, shuffle: false });
      m.dispose();
      return r.history[0].metrics;
    };
    const a = await run();
    const zeroForOnes = await run({ '1': 0 });
    const doubled = await run({ '0': 2, '1': 2 });
    assert.ok(Math.abs(doubled.loss - 2 * a.loss) < 1e-5);
    assert.ok(zeroForOnes.loss < a.loss);
    // Metrics are not weighted (Keras' `metrics`, not `weighted_metrics`).
    assert.equal(zeroForOnes.accuracy, a.accuracy);
    const m = await buildTfModel(tf, { graph: dense({}), weights: [] });
    const base = { optimizer: optimizer('sgd'), loss: 'mse', metrics: [], epochs: 1, batchSize: 2 };
    await userError(() => prepareFit(tf, m, cls(), { ...base, classWeight: { x: 1 } as never }), /not a class index/);
    await userError(() => prepareFit(tf, m, cls(), { ...base, metrics: ['f1'] }), /Unknown metric "f1"/);
    await userError(() => prepareFit(tf, m, cls(), { ...base, lossOptions: { from_logits: true } }), /takes no argument "from_logits"/);
    const weighted = arraySource('w', Float32Array.from([1, 0, 0, 1]), [2], Int32Array.from([1, 0]), { kind: 'class', numClasses: 2 }, Float32Array.from([1, 2]));
    const sig = await buildTfModel(tf, { graph: dense({ activation: 'sigmoid' }), weights: [] });
    await userError(() => fit(tf, sig, { train: weighted }, { ...base, loss: 'binary_crossentropy', classWeight: { '0': 1 } }), /class_weight and sample weights cannot be used together/);
    sig.dispose();
    await userError(() => arraySource('w', new Float32Array(4), [2], new Float32Array(2), { kind: 'values', shape: [1] }, new Float32Array(3)), /2 samples but 3 sample weights/);
    const seq = await buildTfModel(tf, { graph: chain([null, 3, 2], [['Dense', { units: 2 }]]), weights: [] });
    const seqData = arraySource('seq', new Float32Array(12), [3, 2], new Float32Array(12), { kind: 'values', shape: [3, 2] });
    await userError(() => prepareFit(tf, seq, seqData, { ...base, classWeight: { '0': 1 } }), /one class per sample.*Keras refuses it for sequence targets/);
    m.dispose();
    seq.dispose();
  });
});
