/**
 * The Keras optimizers of the tfjs engine: edge cases and first steps worked out by hand from Keras' update
 * rules (the 10-step comparison with real Keras is test/keras/optimizers.test.ts), the settings they refuse,
 * memory, and the vocabulary the form, the CLI and the file writers share.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { checkTrainingConfig, defaultTrainingConfig, kerasTrainingConfig, optimizer, OPTIMIZER_FLOAT_PARAMS, type OptimizerName } from '../../../src/core/training';
import { pythonJson } from '../../../src/formats/keras-common';
import { makeOptimizer, optimizerId, setLearningRate } from '../../../src/engine/tfjs/training/optimizers';
import { fit } from '../../../src/engine/tfjs/training/fit';
import { arraySource } from '../../../src/engine/datasets/source';
import { getTemplate } from '../../../src/core/templates';
import { trainingFor } from '../../../src/cli/training-options';
import { userError } from '../../helpers/assertions';

let counter = 0;

/** Runs `steps` of an optimizer on one variable from `w0` with the gradients given per step; returns the weights after each. */
function run(name: OptimizerName, params: Record<string, number | boolean>, w0: number[], grads: number[][], lrAt: Record<number, number> = {}): number[][] {
  const opt = makeOptimizer(tf, optimizer(name, params));
  const vname = `unit_opt_${counter++}`;
  const v = tf.variable(tf.tensor1d(w0), true, vname);
  const out: number[][] = [];
  try {
    grads.forEach((g, k) => {
      if (lrAt[k] !== undefined) setLearningRate(opt, lrAt[k]);
      const t = tf.tensor1d(g);
      opt.applyGradients({ [vname]: t }, { [vname]: v });
      t.dispose();
      out.push(Array.from(v.dataSync()));
    });
  } finally {
    opt.dispose();
    v.dispose();
  }
  return out;
}

const close = (got: number, want: number, tol = 1e-6) => assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);

describe('Keras update rules', () => {
  test('RMSprop centered: zero and tiny gradients leave finite weights (tfjs gave NaN)', async () => {
    await tf.setBackend('cpu');
    for (const momentum of [0, 0.9]) {
      const steps = run('rmsprop', { learning_rate: 0.01, centered: true, momentum }, [0.5, -0.5, 0.25], [[0, 1e-12, -1e-20], [0, 0, 0], [0, 1e-30, 3]]);
      for (const w of steps) assert.ok(w.every(Number.isFinite), JSON.stringify(steps));
      // A zero gradient moves nothing: the denominator is epsilon, the increment 0.
      assert.equal(steps[1][0], 0.5);
    }
  });

  test('SGD momentum: a new learning rate scales the next gradient, not the velocity (tfjs rescaled it)', () => {
    // Keras: m = 0.9·m − lr·g; w += m. Step 1 (lr 0.1): m = −0.1, w = 0.9; step 2 (lr 0.01): m = −0.09 − 0.01 = −0.1, w = 0.8.
    const w = run('sgd', { learning_rate: 0.1, momentum: 0.9 }, [1], [[1], [1]], { 1: 0.01 });
    close(w[0][0], 0.9);
    close(w[1][0], 0.8);
    // Nesterov: w += 0.9·m − lr·g = 0.9·(−0.1) − 0.1 after the first step.
    close(run('sgd', { learning_rate: 0.1, momentum: 0.9, nesterov: true }, [1], [[1]])[0][0], 1 - 0.19);
  });

  test("Adam: epsilon is added to √v after the bias correction folded into the step size", () => {
    // Step 1: m = 0.1·g, v = 0.001·g², alpha = lr·√0.001 / 0.1, so Δw = lr·g·√0.001 / (√0.001·|g| + ε).
    const [lr, eps] = [0.1, 0.1];
    const want = 1 - (lr * Math.sqrt(0.001)) / (Math.sqrt(0.001) + eps);
    close(run('adam', { learning_rate: lr, epsilon: eps }, [1], [[1]])[0][0], want);
    // AMSGrad keeps the largest v: after a big then a small gradient the step uses the big one's v.
    const plain = run('adam', { learning_rate: lr }, [0], [[10], [0.1]]);
    const ams = run('adam', { learning_rate: lr, amsgrad: true }, [0], [[10], [0.1]]);
    assert.equal(plain[0][0], ams[0][0]);
    assert.ok(Math.abs(ams[1][0] - ams[0][0]) < Math.abs(plain[1][0] - plain[0][0]));
  });

  test('Adagrad honours epsilon and the initial accumulator; Adadelta scales its step by the learning rate', () => {
    close(run('adagrad', { learning_rate: 0.1, initial_accumulator_value: 0.1, epsilon: 0.5 }, [1], [[1]])[0][0], 1 - 0.1 / Math.sqrt(1.1 + 0.5));
    // Adadelta step 1: E[g²] = 0.05, Δ = −√ε·g / √(0.05 + ε), w += lr·Δ.
    const eps = 1e-7;
    const delta = -Math.sqrt(eps) / Math.sqrt(0.05 + eps);
    close(run('adadelta', { learning_rate: 1 }, [1], [[1]])[0][0], 1 + delta, 1e-7);
  });

  test('AdamW decays the weights by lr·weight_decay before the Adam step; any optimizer takes weight_decay', () => {
    const adamw = run('adamw', { learning_rate: 0.1, weight_decay: 0.5 }, [2], [[0]]);
    close(adamw[0][0], 2 * (1 - 0.05));
    close(run('sgd', { learning_rate: 0.1, weight_decay: 0.5 }, [2], [[1]])[0][0], 2 * (1 - 0.05) - 0.1);
  });

  test('clipping: clipnorm per tensor, global_clipnorm over all, clipvalue per element', () => {
    close(run('sgd', { learning_rate: 1, clipnorm: 1 }, [0, 0], [[3, 4]])[0][1], -0.8);
    close(run('sgd', { learning_rate: 1, global_clipnorm: 1 }, [0, 0], [[3, 4]])[0][0], -0.6);
    assert.deepEqual(run('sgd', { learning_rate: 1, clipvalue: 0.5 }, [0, 0], [[3, -0.25]])[0], [-0.5, 0.25]);
    // A zero gradient under clipnorm stays zero (no 0/0).
    assert.deepEqual(run('sgd', { learning_rate: 1, clipnorm: 1 }, [1, 1], [[0, 0]])[0], [1, 1]);
  });
});

describe('the optimizer object', () => {
  test('minimize: returns the cost, updates the trainable variables, counts iterations; state is allocated once', () => {
    const opt = makeOptimizer(tf, optimizer('nadam', { learning_rate: 0.1 }));
    const w = tf.variable(tf.scalar(3), true, `unit_opt_${counter++}`);
    const x = tf.variable(tf.scalar(5), false, `unit_opt_${counter++}`);
    const f = () => tf.square(tf.sub(w, 1)).add(tf.mul(x, 0)) as tf.Scalar;
    const cost = opt.minimize(f, true);
    assert.equal(cost.dataSync()[0], 4);
    cost.dispose();
    assert.ok(w.dataSync()[0] < 3);
    assert.equal(x.dataSync()[0], 5);
    assert.equal(opt.iterations, 1);
    assert.deepEqual([...opt.variables().keys()], [w.name]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) assert.equal(opt.minimize(f), null);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(opt.iterations, 6);
    opt.dispose();
    assert.equal(tf.memory().numTensors, before - 2);
    tf.dispose([w, x]);
  });

  test('fit applies weight constraints after each update, as Keras does (tfjs optimizers never did)', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelConstraint: tf.constraints.nonNeg(), kernelInitializer: 'ones' })] });
    // Targets far below what positive weights can give: unconstrained SGD drives the kernel negative.
    const data = { train: arraySource('constrained', Float32Array.of(1, 1, 2, 1, 1, 3), [2], Float32Array.of(-50, -60, -70), { kind: 'values', shape: [1] }) };
    const r = await fit(tf, model, data, { optimizer: optimizer('sgd', { learning_rate: 0.05 }), loss: 'mean_squared_error', metrics: [], epochs: 3, batchSize: 3 });
    assert.equal(r.status, 'done');
    const kernel = Array.from(model.getWeights()[0].dataSync());
    assert.deepEqual(kernel, [0, 0]);
    assert.ok(model.getWeights()[1].dataSync()[0] < 0, 'the unconstrained bias moved');
    model.dispose();
  });

  test('names: Keras ids in any case, tfjs "momentum" as SGD', () => {
    assert.equal(optimizerId('AdamW'), 'adamw');
    assert.equal(optimizerId('Nadam'), 'nadam');
    assert.equal(optimizerId('RMSprop'), 'rmsprop');
    assert.equal(optimizerId('momentum'), 'sgd');
    // The CLI's --optimizer takes the new ones, with Keras' defaults.
    const xor = getTemplate('xor')!.build();
    assert.deepEqual(trainingFor(xor, { optimizer: 'AdamW', data: 'xor' }).optimizer, optimizer('adamw'));
    assert.deepEqual(trainingFor(xor, { optimizer: 'nadam', lr: '0.01', data: 'xor' }).optimizer, optimizer('nadam', { learning_rate: 0.01 }));
  });

  test('bad settings are refused before training, with a hint', async () => {
    await userError(() => makeOptimizer(tf, { name: 'lion' as never, params: {} }), /Unknown optimizer "lion".*Use one of: .*nadam, adamw/);
    await userError(() => makeOptimizer(tf, optimizer('sgd', { beta_1: 0.9 })), /sgd has no setting beta_1.*Its settings are: learning_rate, momentum, nesterov, weight_decay/);
    await userError(() => makeOptimizer(tf, optimizer('adam', { epsilon: true })), /epsilon must be a number/);
    await userError(() => makeOptimizer(tf, optimizer('adam', { amsgrad: 1 })), /amsgrad must be true or false/);
    await userError(() => makeOptimizer(tf, optimizer('adam', { clipnorm: 1, global_clipnorm: 1 })), /Only one of clipnorm, clipvalue and global_clipnorm.*Keep one/);
    await userError(() => makeOptimizer(tf, optimizer('adam', { learning_rate: 0 })), /learning rate must be positive.*above 0/);
    await userError(() => makeOptimizer(tf, optimizer('adam', { use_ema: true })), /does not implement .*use_ema.*Remove use_ema/);
    await userError(() => makeOptimizer(tf, optimizer('adam', { gradient_accumulation_steps: 4 })), /gradient_accumulation_steps/);
  });

  test("Keras' inert arguments are accepted; Keras 2's lr is the learning rate", () => {
    const opt = makeOptimizer(tf, { name: 'adam', params: { lr: 0.25, use_ema: false, ema_momentum: 0.99, decay: 0, loss_scale_factor: 1 } });
    assert.equal(opt.learningRate, 0.25);
    opt.dispose();
  });
});

describe('the optimizer vocabulary', () => {
  const config = (name: OptimizerName, params: Record<string, number | boolean> = {}) => ({ ...defaultTrainingConfig({ dataset: 'xor' }), optimizer: optimizer(name, params) });

  test('the form and the host accept Nadam, AdamW, amsgrad, weight decay and one kind of clipping', () => {
    for (const c of [config('nadam'), config('adamw'), config('adam', { amsgrad: true }), config('rmsprop', { weight_decay: 0.01, clipnorm: 1 }), config('sgd', { global_clipnorm: 2 })]) {
      assert.deepEqual(checkTrainingConfig(c), {});
    }
    assert.match(checkTrainingConfig(config('adam', { clipnorm: 1, clipvalue: 1 }))['optimizer.clipvalue'], /only one of/);
    assert.match(checkTrainingConfig(config('adamw', { weight_decay: -0.1 }))['optimizer.weight_decay'], /at least 0/);
    assert.match(checkTrainingConfig(config('sgd', { amsgrad: true }))['optimizer.amsgrad'], /sgd has no setting amsgrad/);
    // Keras' base arguments as a Keras file carries them: inert values pass, the unimplemented ones are named.
    assert.deepEqual(checkTrainingConfig(config('adam', { use_ema: false, ema_momentum: 0.99, loss_scale_factor: 1 })), {});
    assert.match(checkTrainingConfig(config('adam', { use_ema: true }))['optimizer.use_ema'], /not implemented by the tfjs engine: remove it/);
    assert.match(checkTrainingConfig(config('adam', { gradient_accumulation_steps: 2 }))['optimizer.gradient_accumulation_steps'], /not implemented/);
  });

  test("training_config: Keras' class names, and float arguments written as Python floats", () => {
    assert.deepEqual(kerasTrainingConfig(config('adamw')).optimizer_config, {
      class_name: 'AdamW',
      config: { learning_rate: 0.001, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
    });
    assert.equal((kerasTrainingConfig(config('nadam')).optimizer_config as { class_name: string }).class_name, 'Nadam');
    assert.deepEqual(kerasTrainingConfig(config('sgd', { lr: 0.5 })).optimizer_config, { class_name: 'SGD', config: { learning_rate: 0.01, momentum: 0, nesterov: false } });
    const text = pythonJson(kerasTrainingConfig(config('sgd', { learning_rate: 1 })), OPTIMIZER_FLOAT_PARAMS);
    assert.match(text, /"learning_rate": 1\.0, "momentum": 0\.0, "nesterov": false/);
    // Only the named keys: other numbers keep their JSON form.
    assert.equal(pythonJson({ units: 4, momentum: -2, epsilon: 1e-7 }, OPTIMIZER_FLOAT_PARAMS), '{"units": 4, "momentum": -2.0, "epsilon": 1e-7}');
  });
});
