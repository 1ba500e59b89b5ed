/**
 * Keras optimizers by name and hyper-parameters (keras/src/optimizers/*.py), with Keras 3's own update rules
 * (optimizerRules.ts) on tfjs variables (kerasOptimizer.ts), not tfjs' optimizers, whose rules differ. Keras'
 * defaults come from src/core/training/config.ts. An unknown optimizer or setting, or one we do not implement
 * (use_ema, gradient accumulation), is a UserError before training starts.
 */
import { OPTIMIZER_BASE_PARAMS, OPTIMIZER_DEFAULTS, OPTIMIZER_INERT_PARAMS, type OptimizerConfig, type OptimizerName } from '../../../core/training';
import { UserError } from '../../../core/types';
import type { LayersModel, Tensor, Tf } from '../tf';
import { KerasOptimizer, type WeightConstraint } from './kerasOptimizer';
import { adadelta, adagrad, adam, adamax, nadam, rmsprop, sgd, type UpdateRule } from './optimizerRules';

export type TfOptimizer = KerasOptimizer;

const ALIASES: Record<string, OptimizerName> = {
  sgd: 'sgd',
  momentum: 'sgd',
  adagrad: 'adagrad',
  adadelta: 'adadelta',
  rmsprop: 'rmsprop',
  adam: 'adam',
  adamax: 'adamax',
  nadam: 'nadam',
  adamw: 'adamw',
};

const RULES: Record<OptimizerName, (p: Record<string, number | boolean>) => UpdateRule> = {
  sgd,
  adagrad,
  adadelta,
  rmsprop,
  adam,
  adamax,
  nadam,
  adamw: adam,
};

/** Keras accepts `Adam`, `adam`, `RMSprop`...: one lower-case id. */
export function optimizerId(name: string): OptimizerName {
  const id = ALIASES[String(name).toLowerCase()];
  if (!id) {
    throw new UserError(`Unknown optimizer "${name}".`, `Use one of: ${Object.keys(OPTIMIZER_DEFAULTS).join(', ')}.`, 'unknown-optimizer');
  }
  return id;
}

function num(params: Record<string, number | boolean>, key: string): number | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UserError(`Optimizer setting ${key} must be a number (got ${JSON.stringify(v)}).`, undefined, 'bad-optimizer-param');
  }
  return v;
}

/** Every setting known, of the right type, and implemented; returns the checked parameters. */
function checkParams(id: OptimizerName, given: Record<string, number | boolean>): Record<string, number | boolean> {
  const defaults = OPTIMIZER_DEFAULTS[id];
  const p = { ...defaults, ...given };
  const known = [...Object.keys(defaults), ...OPTIMIZER_BASE_PARAMS];
  for (const [k, v] of Object.entries(given)) {
    if (k in OPTIMIZER_INERT_PARAMS) {
      const unsupported = OPTIMIZER_INERT_PARAMS[k](v);
      if (unsupported) {
        throw new UserError(`The tfjs engine does not implement the optimizer setting ${unsupported}.`, `Remove ${k} from the optimizer settings.`, 'unsupported-optimizer');
      }
    } else if (!known.includes(k)) {
      throw new UserError(`Optimizer ${id} has no setting ${k}.`, `Its settings are: ${known.join(', ')}.`, 'bad-optimizer-param');
    } else if (typeof defaults[k] === 'boolean') {
      if (typeof v !== 'boolean') throw new UserError(`Optimizer setting ${k} must be true or false (got ${JSON.stringify(v)}).`, undefined, 'bad-optimizer-param');
    } else num(p, k);
  }
  const clips = ['clipnorm', 'clipvalue', 'global_clipnorm'].filter((k) => p[k] !== undefined);
  if (clips.length > 1) {
    throw new UserError(`Only one of clipnorm, clipvalue and global_clipnorm can be set (got ${clips.join(', ')}).`, 'Keep one of them.', 'bad-optimizer-param');
  }
  return p;
}

export function makeOptimizer(tf: Tf, config: OptimizerConfig): TfOptimizer {
  const id = optimizerId(config.name);
  const p = checkParams(id, config.params ?? {});
  // Keras 2 files say `lr`; Keras 3 says `learning_rate`.
  const lr = config.params?.learning_rate === undefined && config.params?.lr !== undefined ? num(p, 'lr') : num(p, 'learning_rate');
  if (!(lr !== undefined && lr > 0)) throw new UserError(`The learning rate must be positive (got ${lr}).`, 'Set learning_rate to a number above 0, e.g. 0.001.', 'bad-optimizer-param');
  return new KerasOptimizer(tf, id, RULES[id](p), lr, {
    weightDecay: num(p, 'weight_decay'),
    clipnorm: num(p, 'clipnorm'),
    clipvalue: num(p, 'clipvalue'),
    globalClipnorm: num(p, 'global_clipnorm'),
  });
}

/** The learning rate an optimizer uses now. */
export function getLearningRate(opt: TfOptimizer): number {
  return opt.learningRate;
}

/** Change the learning rate between steps (schedules, reduce-on-plateau), as Keras assigns its variable. */
export function setLearningRate(opt: TfOptimizer, lr: number): void {
  opt.learningRate = lr;
}

/**
 * The constraints of a model's trainable weights (kernel_constraint, bias_constraint...), by variable name,
 * for `KerasOptimizer.setConstraints`: tfjs' own optimizers never apply them; Keras does after every update.
 */
export function weightConstraints(model: LayersModel): Map<string, WeightConstraint> {
  const out = new Map<string, WeightConstraint>();
  for (const w of model.trainableWeights) {
    const c = (w as unknown as { constraint?: { apply(t: Tensor): Tensor } | null }).constraint;
    if (c) out.set(w.name, (t) => c.apply(t));
  }
  return out;
}
