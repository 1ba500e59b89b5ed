/**
 * Every optimizer with its options, our tfjs engine against real Keras 3 (JAX, CPU): 10 steps from the same
 * weights with the same fixed gradients, with a constant learning rate, an ExponentialDecay schedule and
 * ReduceLROnPlateau-style changes between steps, some with weight constraints; the weights must agree within 1e-5. Keras builds each
 * optimizer from the `training_config` text our .h5 writer stores, so our names and arguments are Keras'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { defaultTrainingConfig, kerasTrainingConfig, optimizer, OPTIMIZER_DEFAULTS, OPTIMIZER_FLOAT_PARAMS, type OptimizerName } from '../../src/core/training';
import { pythonJson } from '../../src/formats/keras-common';
import { exponentialDecay } from '../../src/engine/tfjs/training/callbacks';
import { makeOptimizer, setLearningRate } from '../../src/engine/tfjs/training/optimizers';
import { fixedGradients, initialWeights, optimizerCases, OPTION_SETS, PLATEAU, SCHEDULE, SHAPES, STEPS, type KerasConstraint, type OptimizerCase } from './optimizerCases';
import { runPython } from './python';

const TOLERANCE = 1e-5;

type KerasAnswer = { keras: string; backend: string; results: Record<string, { weights?: (number | null)[][]; error?: string }> };

function lr0Of(c: OptimizerCase): number {
  return (c.params.learning_rate ?? OPTIMIZER_DEFAULTS[c.name].learning_rate) as number;
}

function kerasRequest(c: OptimizerCase, weights: number[][], grads: number[][][]) {
  const lr0 = lr0Of(c);
  const written = kerasTrainingConfig(defaultTrainingConfig({ optimizer: optimizer(c.name, c.params) }));
  return {
    id: c.id,
    // The text the .h5 writer stores as `training_config`.
    training_config: pythonJson(written, OPTIMIZER_FLOAT_PARAMS),
    weights: weights.map((values, i) => ({ shape: SHAPES[i], values })),
    grads,
    schedule: c.lr === 'schedule' ? { initial_learning_rate: lr0, ...SCHEDULE } : undefined,
    constraints: c.constraints,
    set_lr: c.lr === 'plateau' ? Object.fromEntries(Object.entries(PLATEAU).map(([k, f]) => [k, lr0 * f])) : undefined,
  };
}

/** A Keras constraint as the tfjs layers build it (constraint math: tfjs-layers' constraints.ts). */
function tfConstraint(k: KerasConstraint): (w: tf.Tensor) => tf.Tensor {
  const c = k.config;
  const made = {
    MaxNorm: () => tf.constraints.maxNorm({ maxValue: c.max_value, axis: c.axis }),
    NonNeg: () => tf.constraints.nonNeg(),
    UnitNorm: () => tf.constraints.unitNorm({ axis: c.axis }),
    MinMaxNorm: () => tf.constraints.minMaxNorm({ minValue: c.min_value, maxValue: c.max_value, rate: c.rate, axis: c.axis }),
  }[k.class_name]();
  return (w) => made.apply(w);
}

/** Our optimizer on tfjs variables, the same steps and learning-rate changes as the Keras side. */
function ours(c: OptimizerCase, index: number, weights: number[][], grads: number[][][]): number[][] {
  const opt = makeOptimizer(tf, optimizer(c.name, c.params));
  const names = SHAPES.map((_, i) => `optcase${index}_${i}`);
  const vars = Object.fromEntries(names.map((n, i) => [n, tf.variable(tf.tensor(weights[i], SHAPES[i]), true, n)]));
  opt.setConstraints(new Map(names.flatMap((n, i) => (c.constraints?.[i] ? [[n, tfConstraint(c.constraints[i]!)] as const] : []))));
  const lr0 = opt.learningRate;
  const decay = exponentialDecay(SCHEDULE);
  try {
    for (let k = 0; k < STEPS; k++) {
      if (c.lr === 'schedule') setLearningRate(opt, decay(k, lr0));
      if (c.lr === 'plateau' && PLATEAU[k] !== undefined) setLearningRate(opt, lr0 * PLATEAU[k]);
      const g = Object.fromEntries(names.map((n, i) => [n, tf.tensor(grads[k][i], SHAPES[i])]));
      opt.applyGradients(g, vars);
      tf.dispose(Object.values(g));
    }
    assert.equal(opt.iterations, STEPS);
    return names.map((n) => Array.from(vars[n].dataSync()));
  } finally {
    opt.dispose();
    tf.dispose(Object.values(vars));
  }
}

test('every optimizer has Keras parity cases, with each of its options', () => {
  assert.deepEqual(Object.keys(OPTION_SETS).sort(), Object.keys(OPTIMIZER_DEFAULTS).sort());
  for (const [name, sets] of Object.entries(OPTION_SETS)) {
    const covered = new Set(sets.flatMap((s) => Object.keys(s)));
    const missing = Object.keys(OPTIMIZER_DEFAULTS[name as OptimizerName]).filter((k) => !covered.has(k));
    assert.deepEqual(missing, [], `${name}: options without a case`);
  }
});

test('optimizers: 10 steps of tfjs equal Keras 3 within 1e-5, constant, scheduled and reduced learning rates', { timeout: 600_000 }, async () => {
  await tf.setBackend('cpu');
  const cases = optimizerCases();
  const weights = initialWeights();
  const grads = fixedGradients();
  const answer = runPython<KerasAnswer>('optimizers.py', { cases: cases.map((c) => kerasRequest(c, weights, grads)) });
  const problems: string[] = [];
  let largest = 0;
  const byOptimizer: Record<string, number> = {};
  const moved: number[] = [];
  cases.forEach((c, index) => {
    const k = answer.results[c.id];
    if (!k?.weights) {
      problems.push(`${c.id}: Keras failed: ${k?.error ?? 'no result'}`);
      return;
    }
    const got = ours(c, index, weights, grads);
    let diff = 0;
    let travel = 0;
    got.forEach((w, i) =>
      w.forEach((x, j) => {
        const want = k.weights![i][j];
        diff = Math.max(diff, want === null || !Number.isFinite(x) ? Infinity : Math.abs(x - want));
        travel = Math.max(travel, Math.abs((want ?? 0) - weights[i][j]));
      }),
    );
    moved.push(travel);
    if (!(diff <= TOLERANCE)) problems.push(`${c.id}: weights differ from Keras by ${diff}`);
    else largest = Math.max(largest, diff);
    byOptimizer[c.name] = Math.max(byOptimizer[c.name] ?? 0, diff);
  });
  const optionSets = Object.values(OPTION_SETS).reduce((a, s) => a + s.length, 0);
  console.log(
    `keras optimizer parity (Keras ${answer.keras}, ${answer.backend}): ${Object.keys(OPTION_SETS).length} optimizers, ${optionSets} option sets, ` +
      `${cases.length} cases x ${STEPS} steps; largest difference ${largest.toExponential(2)}; median weight travel ${moved.sort((a, b) => a - b)[moved.length >> 1].toExponential(2)}; ` +
      Object.entries(byOptimizer)
        .map(([k, d]) => `${k} ${d.toExponential(1)}`)
        .join(', '),
  );
  assert.deepEqual(problems, []);
});
