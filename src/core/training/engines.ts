/**
 * The engines a training run can use: the TensorFlow.js ones fastest first (`auto` picks the first that loads),
 * then the Python ones. This list is the one
 * source: the worker and predict protocols, the CLI's --engine, the Select Engine picker and engine discovery
 * read it, and a unit test checks that package.json's `modelStudio.training.engine` enum matches it.
 */

/** The TensorFlow.js engines, fastest first: what `auto` tries (the zero-install default). */
export const TFJS_ENGINE_IDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type TfjsEngineId = (typeof TFJS_ENGINE_IDS)[number];
/** Engines that train with the user's own Keras 3 in Python (src/engine/keras); chosen by name, never by `auto`. */
export const PYTHON_ENGINE_IDS = ['keras'] as const;

export const ENGINE_IDS = [...TFJS_ENGINE_IDS, ...PYTHON_ENGINE_IDS] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

/** What a user chooses: an engine, or `auto`. */
export const ENGINE_CHOICES = ['auto', ...ENGINE_IDS] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export const isEngineId = (v: unknown): v is EngineId => ENGINE_IDS.includes(v as EngineId);
export const isEngineChoice = (v: unknown): v is EngineChoice => ENGINE_CHOICES.includes(v as EngineChoice);

/** An engine that was not used, and why, in words a user can act on. */
export interface SkippedEngine {
  engine: EngineId;
  reason: string;
}
