/**
 * Messages between the extension host and the short-lived "try the model" worker (predictWorker.ts), with
 * runtime validation. The channel uses Node's 'advanced' serialization so weights travel as typed arrays.
 */
import type { TrainingConfig } from '../../core/training';
import type { ModelFile } from '../../core/types';
import { isEvaluation, isTryInfo, isTryInput, isTryOutput, type Evaluation, type TryInfo, type TryInput, type TryOutput } from '../../protocol/training';

export interface LoadRequest {
  model: ModelFile;
  training?: TrainingConfig;
  /** Folder relative dataset paths are resolved against. */
  baseDir: string;
  cacheDir?: string;
  /** Inference is small: wasm (then cpu) unless the user chose an engine. */
  engine?: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  engineDirs?: string[];
  /** Seed for text sampling (tests). */
  seed?: number;
}

export type ToPredictWorker =
  | { type: 'load'; id: number; request: LoadRequest }
  | { type: 'predict'; id: number; input: TryInput }
  | { type: 'evaluate'; id: number; limit?: number }
  /** Which engine would train: loads and smoke-tests it (status bar, Select Engine). */
  | { type: 'probe'; id: number; engine: LoadRequest['engine']; engineDirs?: string[] };

export type FromPredictWorker =
  | { type: 'ready' }
  | { type: 'loaded'; id: number; info: TryInfo; engine: string }
  | { type: 'result'; id: number; output: TryOutput }
  | { type: 'evaluation'; id: number; evaluation: Evaluation }
  | { type: 'probed'; id: number; engine: string; device: string; skipped: { engine: string; reason: string }[] }
  | { type: 'error'; id: number; message: string; hint?: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseToPredictWorker(v: unknown): ToPredictWorker | undefined {
  if (!isObj(v) || typeof v.id !== 'number') return undefined;
  switch (v.type) {
    case 'load': {
      const r = v.request;
      return isObj(r) && isObj(r.model) && isObj((r.model as Record<string, unknown>).graph) && typeof r.baseDir === 'string' ? (v as ToPredictWorker) : undefined;
    }
    case 'predict':
      return isTryInput(v.input) ? (v as ToPredictWorker) : undefined;
    case 'evaluate':
      return v.limit === undefined || (typeof v.limit === 'number' && v.limit > 0) ? (v as ToPredictWorker) : undefined;
    case 'probe':
      return v.engine === undefined || typeof v.engine === 'string' ? (v as ToPredictWorker) : undefined;
    default:
      return undefined;
  }
}

export function parseFromPredictWorker(v: unknown): FromPredictWorker | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'ready') return { type: 'ready' };
  if (typeof v.id !== 'number') return undefined;
  switch (v.type) {
    case 'loaded':
      return isTryInfo(v.info) && typeof v.engine === 'string' ? (v as FromPredictWorker) : undefined;
    case 'result':
      return isTryOutput(v.output) ? (v as FromPredictWorker) : undefined;
    case 'evaluation':
      return isEvaluation(v.evaluation) ? (v as FromPredictWorker) : undefined;
    case 'probed':
      return typeof v.engine === 'string' && typeof v.device === 'string' && Array.isArray(v.skipped) ? (v as FromPredictWorker) : undefined;
    case 'error':
      return typeof v.message === 'string' ? (v as FromPredictWorker) : undefined;
    default:
      return undefined;
  }
}
