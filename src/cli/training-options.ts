/** Options shared by train / evaluate / demo: the training config from the model file plus CLI overrides. */
import { defaultTrainingConfig, ENGINE_CHOICES, isEngineChoice, MIXED_PRECISION_POLICIES, type MixedPrecisionPolicy, optimizer as optimizerConfig, trainingConfigOf, type EngineChoice, type TrainingConfig } from '../core/training';
import { UserError, type ModelFile } from '../core/types';
import { optimizerId } from '../engine/tfjs/training/optimizers';
import { applyRlFlags, type RlOverrides } from './rl-options';

export function engineOption(v: string | undefined): EngineChoice {
  const e = v ?? process.env.MODEL_STUDIO_ENGINE ?? 'auto';
  if (!isEngineChoice(e)) throw new UserError(`Unknown engine "${v}".`, `Use one of: ${ENGINE_CHOICES.join(', ')}.`, 'unknown-engine');
  return e;
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${name} must be a positive integer (got "${v}").`, undefined, 'usage');
  return n;
}

export interface TrainingOverrides extends RlOverrides {
  data?: string;
  epochs?: string;
  'batch-size'?: string;
  optimizer?: string;
  lr?: string;
  loss?: string;
  metrics?: string;
  'validation-split'?: string;
  'from-logits'?: boolean;
  'mixed-precision'?: string;
  'steps-per-epoch'?: string;
  subset?: string;
}

export function trainingFor(file: ModelFile, o: TrainingOverrides): TrainingConfig {
  const base = trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig();
  const t: TrainingConfig = { ...base };
  if (o.data) t.dataset = o.data;
  t.epochs = positiveInt(o.epochs, 'epochs') ?? t.epochs;
  t.batchSize = positiveInt(o['batch-size'], 'batch-size') ?? t.batchSize;
  if (o.optimizer) t.optimizer = optimizerConfig(optimizerId(o.optimizer), {});
  if (o.lr !== undefined) {
    const lr = Number(o.lr);
    if (!(lr > 0)) throw new UserError(`--lr must be a positive number (got "${o.lr}").`, undefined, 'usage');
    t.optimizer = { ...t.optimizer, params: { ...t.optimizer.params, learning_rate: lr } };
  }
  if (o.loss) t.loss = o.loss;
  if (o['from-logits']) t.lossOptions = { ...t.lossOptions, from_logits: true };
  if (o.metrics !== undefined) t.metrics = o.metrics.split(',').map((m) => m.trim()).filter(Boolean);
  if (o['validation-split'] !== undefined) {
    const v = Number(o['validation-split']);
    if (!(v >= 0 && v < 1)) throw new UserError(`--validation-split must be in [0, 1) (got "${o['validation-split']}").`, undefined, 'usage');
    t.validationSplit = v;
  }
  t.stepsPerEpoch = positiveInt(o['steps-per-epoch'], 'steps-per-epoch') ?? t.stepsPerEpoch;
  if (o.subset !== undefined) {
    const f = Number(o.subset);
    if (!(f > 0 && f <= 1)) throw new UserError(`--subset must be a fraction above 0 and at most 1 (got "${o.subset}").`, 'Train on the first part of the training rows, e.g. --subset 0.1 for a tenth.', 'usage');
    t.subset = f;
  }
  applyRlFlags(t, o);
  const mp = o['mixed-precision'];
  if (mp === 'off') delete t.mixedPrecision;
  else if (mp !== undefined) {
    if (!MIXED_PRECISION_POLICIES.includes(mp as MixedPrecisionPolicy)) {
      throw new UserError(`--mixed-precision must be ${MIXED_PRECISION_POLICIES.join(', ')} or off (got "${mp}").`, 'Mixed precision needs the keras engine (--engine keras).', 'usage');
    }
    t.mixedPrecision = mp as MixedPrecisionPolicy;
  }
  // A reinforcement-learning run learns from its environment: no dataset.
  if (!t.dataset && !t.rl) throw new UserError('No dataset: the model has no training dataset set.', 'Pass --data SPEC, e.g. --data mnist or --data csv:data.csv?label=y.', 'no-dataset');
  return t;
}

export const trainingFlags = {
  data: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  loss: { type: 'string' },
  metrics: { type: 'string' },
  'validation-split': { type: 'string' },
  'from-logits': { type: 'boolean' },
  'mixed-precision': { type: 'string' },
  'steps-per-epoch': { type: 'string' },
  subset: { type: 'string' },
  engine: { type: 'string' },
  python: { type: 'string' },
  devices: { type: 'string' },
} as const;

/** --devices all|N: the keras engine trains data-parallel over that many local devices. */
export function devicesOption(v: string | undefined): number | 'all' | undefined {
  if (v === undefined) return undefined;
  if (v === 'all') return 'all';
  return positiveInt(v, 'devices');
}

/** "loss: 0.1234 - accuracy: 0.9712" in Keras' order (train metrics, then val_). */
export function formatLogs(m: Record<string, number>): string {
  return Object.entries(m)
    .sort(([a], [b]) => Number(a.startsWith('val_')) - Number(b.startsWith('val_')))
    .map(([k, v]) => `${k}: ${v === null || v === undefined ? 'nan' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)}`)
    .join(' - ');
}
