/**
 * Which trainer runs a job: a small registry keyed by engine family: the TensorFlow.js backends (./tfjs) and
 * the user's Keras 3 in Python (./keras). A reinforcement-learning trainer adds its family and its engine ids here and
 * its folder beside ./tfjs, and the worker (./job.ts) and the extension stay as they are. A trainer is loaded
 * when a job first needs it.
 */
import type { EngineChoice } from '../core/training';
import { UserError } from '../core/types';
import type { Trainer, TrainingJob } from './trainer';

export type TrainerFamily = 'tfjs' | 'keras' | 'rl';

const TRAINERS: Record<TrainerFamily, () => Promise<Trainer>> = {
  tfjs: async () => (await import('./tfjs/trainer')).tfjsTrainer,
  keras: async () => (await import('./keras/trainer')).kerasTrainer,
  // Reinforcement learning (./rl) runs on the TensorFlow.js engines: its training config has an `rl` part.
  rl: async () => (await import('./rl/trainer')).rlTrainer,
};

/** The family an engine id belongs to. */
export function trainerFamily(engine: EngineChoice): TrainerFamily {
  switch (engine) {
    case 'auto':
    case 'tensorflow-gpu':
    case 'tensorflow':
    case 'webgpu':
    case 'wasm':
    case 'cpu':
      return 'tfjs';
    case 'keras':
      return 'keras';
  }
}

export function trainerFor(engine: EngineChoice): Promise<Trainer> {
  return TRAINERS[trainerFamily(engine)]();
}

/** The trainer of a job: the RL one when its training configuration has an `rl` part, else its engine's. */
export function trainerForJob(job: Pick<TrainingJob, 'engine' | 'training'>): Promise<Trainer> {
  if (!job.training.rl) return trainerFor(job.engine);
  if (trainerFamily(job.engine) !== 'tfjs') {
    throw new UserError(`Reinforcement learning runs on the TensorFlow.js engines, not ${job.engine}.`, 'Choose engine auto (or tensorflow, wasm, cpu).', 'rl-engine');
  }
  return TRAINERS.rl();
}
