/**
 * Keras optimizers (names and hyper-parameters as keras/src/optimizers/*.py has them) on tfjs optimizers.
 * Keras' defaults come from src/core/training/config.ts; unknown hyper-parameters (clipnorm, weight_decay, name...) are
 * ignored, an unknown optimizer or a setting tfjs cannot honour is a UserError before training starts.
 */
import { OPTIMIZER_DEFAULTS, type OptimizerConfig, type OptimizerName } from '../../../core/training';
import { UserError } from '../../../core/types';
import type { Tf } from '../tf';

export type TfOptimizer = import('@tensorflow/tfjs').Optimizer;

const ALIASES: Record<string, OptimizerName> = {
  sgd: 'sgd',
  momentum: 'sgd',
  adagrad: 'adagrad',
  adadelta: 'adadelta',
  rmsprop: 'rmsprop',
  adam: 'adam',
  adamax: 'adamax',
};

/** Keras accepts `Adam`, `adam`, `RMSprop`...: one lower-case id. */
export function optimizerId(name: string): OptimizerName {
  const id = ALIASES[String(name).toLowerCase()];
  if (!id) {
    throw new UserError(`Unknown optimizer "${name}".`, `Use one of: ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')}.`, 'unknown-optimizer');
  }
  return id;
}

function num(params: Record<string, number | boolean>, key: string, fallback: number): number {
  const v = params[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UserError(`Optimizer setting ${key} must be a number (got ${JSON.stringify(v)}).`, undefined, 'bad-optimizer-param');
  }
  return v;
}

export function makeOptimizer(tf: Tf, config: OptimizerConfig): TfOptimizer {
  const id = optimizerId(config.name);
  const p = { ...OPTIMIZER_DEFAULTS[id], ...(config.params ?? {}) };
  // Keras 2 files say `lr`; Keras 3 says `learning_rate`.
  const lr = num(p, 'learning_rate', num(p, 'lr', 0.001));
  if (!(lr > 0)) throw new UserError(`The learning rate must be positive (got ${lr}).`, undefined, 'bad-optimizer-param');
  switch (id) {
    case 'sgd': {
      const momentum = num(p, 'momentum', 0);
      return momentum > 0 ? tf.train.momentum(lr, momentum, Boolean(p.nesterov)) : tf.train.sgd(lr);
    }
    case 'adagrad':
      return tf.train.adagrad(lr, num(p, 'initial_accumulator_value', 0.1));
    case 'adadelta':
      return tf.train.adadelta(lr, num(p, 'rho', 0.95), num(p, 'epsilon', 1e-7));
    case 'rmsprop':
      return tf.train.rmsprop(lr, num(p, 'rho', 0.9), num(p, 'momentum', 0), num(p, 'epsilon', 1e-7), Boolean(p.centered));
    case 'adam':
      if (p.amsgrad === true) {
        throw new UserError('Adam with amsgrad=True is not available in TensorFlow.js.', 'Turn amsgrad off or use another optimizer.', 'unsupported-optimizer');
      }
      return tf.train.adam(lr, num(p, 'beta_1', 0.9), num(p, 'beta_2', 0.999), num(p, 'epsilon', 1e-7));
    case 'adamax':
      return tf.train.adamax(lr, num(p, 'beta_1', 0.9), num(p, 'beta_2', 0.999), num(p, 'epsilon', 1e-7), 0);
  }
}

/** The learning rate an optimizer uses now. */
export function getLearningRate(opt: TfOptimizer): number {
  return (opt as unknown as { learningRate: number }).learningRate;
}

/** Change the learning rate between steps (schedules, reduce-on-plateau). */
export function setLearningRate(opt: TfOptimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  // SGD/Momentum cache -lr in a scalar tensor that setLearningRate refreshes; the others read the field each step.
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
