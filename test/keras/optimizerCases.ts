/**
 * The optimizer cases of the Keras suite: every optimizer of the catalog with its options (Keras' defaults,
 * then each option alone or in the combinations that interact), each run with a constant learning rate, an
 * ExponentialDecay schedule, and a ReduceLROnPlateau-style change between steps. Weights and gradients are
 * fixed by a seeded generator: gradients span 1e-10 to about 3, with zero elements and all-zero steps.
 */
import type { OptimizerName } from '../../src/core/training';
import { rng } from '../../src/core/initializers';

export type LrMode = 'constant' | 'schedule' | 'plateau';

export interface OptimizerCase {
  id: string;
  name: OptimizerName;
  params: Record<string, number | boolean>;
  lr: LrMode;
  /** Keras constraints per weight (`variable.constraint`), applied by the optimizer after each update. */
  constraints?: (KerasConstraint | null)[];
}

export interface KerasConstraint {
  class_name: 'MaxNorm' | 'NonNeg' | 'UnitNorm' | 'MinMaxNorm';
  config: Record<string, number>;
}

/** Option sets run again with weight constraints on the kernel and the bias. */
export const CONSTRAINED: { name: OptimizerName; params: Record<string, number | boolean>; constraints: (KerasConstraint | null)[] }[] = [
  { name: 'sgd', params: { learning_rate: 0.1, momentum: 0.9 }, constraints: [{ class_name: 'MaxNorm', config: { max_value: 0.5, axis: 0 } }, { class_name: 'NonNeg', config: {} }, null] },
  { name: 'adam', params: { learning_rate: 0.05 }, constraints: [{ class_name: 'UnitNorm', config: { axis: 1 } }, { class_name: 'NonNeg', config: {} }, null] },
  {
    name: 'adamw',
    params: { learning_rate: 0.05, weight_decay: 0.5 },
    constraints: [{ class_name: 'MinMaxNorm', config: { min_value: 0.5, max_value: 1, rate: 0.5, axis: 0 } }, { class_name: 'MaxNorm', config: { max_value: 0.1, axis: 0 } }, null],
  },
];

/** Option sets per optimizer; the learning rate is raised above Keras' default so that 10 steps move far. */
export const OPTION_SETS: Record<OptimizerName, Record<string, number | boolean>[]> = {
  sgd: [
    {},
    { learning_rate: 0.1 },
    { learning_rate: 0.1, momentum: 0.9 },
    { learning_rate: 0.1, momentum: 0.9, nesterov: true },
    { learning_rate: 0.1, momentum: 0.5, weight_decay: 0.1 },
  ],
  rmsprop: [
    {},
    { learning_rate: 0.01 },
    { learning_rate: 0.01, rho: 0.5 },
    { learning_rate: 0.01, momentum: 0.9 },
    { learning_rate: 0.01, centered: true },
    { learning_rate: 0.01, centered: true, momentum: 0.9 },
    { learning_rate: 0.01, epsilon: 0.01 },
  ],
  adam: [
    {},
    { learning_rate: 0.05 },
    { learning_rate: 0.05, beta_1: 0.5, beta_2: 0.9 },
    { learning_rate: 0.05, epsilon: 0.1 },
    { learning_rate: 0.05, amsgrad: true },
    { learning_rate: 0.05, clipnorm: 0.5 },
    { learning_rate: 0.05, clipvalue: 0.1 },
    { learning_rate: 0.05, global_clipnorm: 1 },
  ],
  adagrad: [{}, { learning_rate: 0.1 }, { learning_rate: 0.1, initial_accumulator_value: 0.01 }, { learning_rate: 0.1, epsilon: 0.5 }],
  adadelta: [{}, { learning_rate: 1 }, { learning_rate: 1, rho: 0.5 }, { learning_rate: 1, epsilon: 0.001 }],
  adamax: [{}, { learning_rate: 0.05 }, { learning_rate: 0.05, beta_1: 0.5, beta_2: 0.9 }, { learning_rate: 0.05, epsilon: 0.1 }],
  nadam: [{}, { learning_rate: 0.05 }, { learning_rate: 0.05, beta_1: 0.5, beta_2: 0.9 }, { learning_rate: 0.05, epsilon: 0.1 }],
  adamw: [
    {},
    { learning_rate: 0.05 },
    { learning_rate: 0.05, weight_decay: 0.5 },
    { learning_rate: 0.05, weight_decay: 0.1, amsgrad: true, beta_2: 0.9 },
    { learning_rate: 0.05, beta_1: 0.5, epsilon: 0.1 },
  ],
};

export const LR_MODES: LrMode[] = ['constant', 'schedule', 'plateau'];
export const STEPS = 10;
/** ExponentialDecay's arguments (keras.optimizers.schedules), our exponentialDecay callback's too. */
export const SCHEDULE = { decay_steps: 3, decay_rate: 0.5, staircase: false };
/** ReduceLROnPlateau-style changes: before step k, lr = lr0 · factor. */
export const PLATEAU: Record<number, number> = { 4: 0.2, 7: 0.04 };

export function optimizerCases(): OptimizerCase[] {
  const out: OptimizerCase[] = [];
  for (const [name, sets] of Object.entries(OPTION_SETS) as [OptimizerName, Record<string, number | boolean>[]][]) {
    sets.forEach((params, i) => {
      const label = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      for (const lr of LR_MODES) out.push({ id: `${name}#${i}(${label || 'defaults'})/${lr}`, name, params, lr });
    });
  }
  for (const [i, c] of CONSTRAINED.entries()) {
    const label = c.constraints.map((k) => k?.class_name ?? '-').join(',');
    for (const lr of LR_MODES) out.push({ id: `${c.name}+constraints#${i}(${label})/${lr}`, ...c, lr });
  }
  return out;
}

export const SHAPES = [[3, 4], [4], [2, 2]];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

/** Initial weights in [-1, 1]. */
export function initialWeights(seed = 1): number[][] {
  const r = rng(seed);
  return SHAPES.map((s) => f32(Array.from({ length: size(s) }, () => r() * 2 - 1)));
}

/**
 * Gradients per step and weight: the kernel's are of order 1, the bias' of order 0.1 with zeros, the last
 * weight's are tiny (1e-10 .. 1e-4) or zero, and all zero at steps 2 and 6 (RMSprop centered's NaN case).
 */
export function fixedGradients(seed = 2): number[][][] {
  const r = rng(seed);
  const steps: number[][][] = [];
  for (let k = 0; k < STEPS; k++) {
    const kernel = Array.from({ length: size(SHAPES[0]) }, () => (r() * 2 - 1) * 3);
    const bias = Array.from({ length: size(SHAPES[1]) }, () => (r() < 0.3 ? 0 : (r() * 2 - 1) * 0.1));
    const tiny = Array.from({ length: size(SHAPES[2]) }, (_, i) => (k === 2 || k === 6 || i === 3 ? 0 : (r() * 2 - 1) * Math.pow(10, -4 - 2 * i)));
    steps.push([f32(kernel), f32(bias), f32(tiny)]);
  }
  return steps;
}
