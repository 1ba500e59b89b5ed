/**
 * The engines a training run can use, fastest first; `auto` picks the first that loads. This list is the one
 * source: the worker and predict protocols, the CLI's --engine, the Select Engine picker and engine discovery
 * read it, and a unit test checks that package.json's `modelStudio.training.engine` enum matches it.
 */

export const ENGINE_IDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
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
