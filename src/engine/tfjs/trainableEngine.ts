/**
 * An engine that can train this model. A backend may lack a backward kernel (our kernels fill wasm's known
 * gaps): with 'auto' the next engine in ENGINE_ORDER is tried; a named engine fails with the reason.
 */
import type { EngineChoice } from '../../core/training';
import { UserError, type ModelFile } from '../../core/types';
import { CPU_ENGINES, describeChoice, fastestCpuEngine } from './autoEngine';
import { ENGINE_ORDER, loadEngine, type EngineId, type LoadedEngine } from './engines';
import { buildTfModel } from './model';
import type { LayersModel, Tensor, Tf } from './tf';

export interface TrainableEngine {
  tf: Tf;
  engine: EngineId;
  device: string;
  /** Faster engines that were not used, and why. */
  skipped: { engine: EngineId; reason: string }[];
  /** The model, built on this engine. */
  model: LayersModel;
  /** How `auto` chose among the CPU engines, with the figures (for the training log). */
  note?: string;
}

/**
 * `auto` landed on a CPU engine: the fastest CPU engine for this model at this batch size instead, measured
 * the first time and remembered (autoEngine.ts). Any failure of the measurement keeps the engine loaded.
 */
async function fasterCpuEngine(loaded: LoadedEngine, file: ModelFile, batch: number, engineDirs?: string[]): Promise<{ loaded: LoadedEngine; note?: string }> {
  if (!CPU_ENGINES.includes(loaded.engine)) return { loaded };
  const backend = loaded.tf.getBackend();
  try {
    const found = await fastestCpuEngine(file, batch, { engineDirs });
    if (!found) return { loaded };
    // The measurement switched backends: make the chosen one current (a cheap re-selection when it is loaded).
    const chosen = await loadEngine(found.choice.engine, { extraDirs: engineDirs });
    return { loaded: { ...chosen, skipped: loaded.skipped }, note: describeChoice(found.choice, batch, found.remembered) };
  } catch {
    // The measurement may have left another backend current.
    await loaded.tf.setBackend(backend);
    return { loaded };
  }
}

export async function loadTrainableEngine(choice: EngineChoice, file: ModelFile, engineDirs?: string[], batch?: number): Promise<TrainableEngine> {
  let loaded = await loadEngine(choice, { extraDirs: engineDirs });
  let note: string | undefined;
  if (choice === 'auto' && batch) ({ loaded, note } = await fasterCpuEngine(loaded, file, batch, engineDirs));
  const skipped: TrainableEngine['skipped'] = [...loaded.skipped];
  let { tf, engine, device } = loaded;
  let model = await buildTfModel(tf, file);
  for (;;) {
    const missing = missingKernel(tf, model);
    if (!missing) break;
    model.dispose();
    const reason = `cannot train this model: it has no "${missing}" kernel.`;
    const rest = ENGINE_ORDER.slice(ENGINE_ORDER.indexOf(engine) + 1);
    if (choice !== 'auto' || rest.length === 0) {
      throw new UserError(`The ${engine} engine ${reason}`, 'Choose another engine (cpu always works, slower).', 'engine-kernel');
    }
    skipped.push({ engine, reason });
    const next = await loadEngine(rest[0], { extraDirs: engineDirs }).catch(async () => loadEngine('cpu'));
    ({ tf, engine, device } = next);
    model = await buildTfModel(tf, file);
  }
  return { tf, engine, device, skipped, model, ...(note ? { note } : {}) };
}

/**
 * One gradient computation on two zero samples, nothing applied: returns the name of a kernel the engine lacks
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"), or undefined when the model trains.
 */
export function missingKernel(tf: Tf, model: LayersModel): string | undefined {
  // BatchNormalization updates its moving statistics in a training call: keep them as they were.
  const frozen = model.weights.filter((w) => !w.trainable);
  const saved = frozen.map((w) => tf.clone(w.read()));
  try {
    tf.tidy(() => {
      // Every input (a model may have several), every output in the sum.
      const xs = model.inputs.map((i) => tf.zeros([2, ...i.shape.slice(1).map((d) => d ?? 4)], i.dtype === 'int32' ? 'int32' : 'float32'));
      tf.variableGrads(() => {
        const o = model.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as Tensor | Tensor[];
        return tf.addN((Array.isArray(o) ? o : [o]).map((t) => tf.mean(t))) as import('@tensorflow/tfjs').Scalar;
      });
    });
  } catch (e) {
    const m = /Kernel '(\w+)' not registered/.exec(e instanceof Error ? e.message : String(e));
    if (m) return m[1];
    throw e;
  } finally {
    frozen.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
  }
  return undefined;
}
