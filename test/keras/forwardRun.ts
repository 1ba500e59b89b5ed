/**
 * Runs the forward-pass cases on both sides: our tfjs engine (cpu backend, the reference backend of the
 * engines) and real Keras on the .keras file we write for the same weights. Shared by the suite and by
 * `node --import tsx test/keras/forwardRun.ts` (prints a table, for investigating).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reconcileWeights, rng } from '../../src/core/initializers';
import type { JsonObject, ModelFile, ModelGraph } from '../../src/core/types';
import { writeModel } from '../../src/formats/registry';
import { readNpyFile, writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { buildTfModel, predictModel } from '../../src/engine/tfjs/model';
import type { Tensor, Tf } from '../../src/engine/tfjs/tf';
import { chain, graph as functional } from '../unit/core/helpers';
import { tempDir } from '../helpers/paths';
import { LAYER_CASES, type LayerCase } from './layerCases';
import { runPython } from './python';

export interface ForwardResult {
  id: string;
  /** Our error when tfjs could not build or run the layer. */
  ours?: string;
  /** With the departure check bypassed: tfjs' own error, or its largest difference from Keras. */
  bypassed?: { error?: string; maxDiff?: number; sameShape?: boolean };
  /** Keras' error when it could not load or run our file. */
  keras?: string;
  /** Largest absolute difference, when both ran. */
  maxDiff?: number;
  shapeOurs?: number[];
  shapeKeras?: number[];
}

const BATCH = 3;

/** Random weights (not the initialisers' zeros and ones), so every weight influences the output. */
export function randomModel(graph: ModelGraph, seed: number): ModelFile {
  const rand = rng(seed);
  const weights = reconcileWeights(graph, [], seed).map((w) => {
    const variance = /variance$/.test(w.name);
    // Normalization's count is an integer in Keras.
    const count = /\/count$/.test(w.name);
    const data = Float32Array.from(w.data, () => (variance ? 0.5 + rand() : count ? Math.floor(rand() * 100) : (rand() - 0.5) * 1.2));
    return { ...w, data };
  });
  return { graph, weights };
}

export function caseGraph(c: LayerCase) {
  const dtype: JsonObject = c.dtype ? { dtype: c.dtype } : {};
  if (!c.inputs || c.inputs < 2) {
    const g = chain(c.input, [[c.className, c.config], ...(c.then ? [c.then] : [])], 'parity');
    return { ...g, layers: g.layers.map((l) => (l.className === 'InputLayer' ? { ...l, config: { ...l.config, ...dtype } } : l)) };
  }
  const names = [...Array(c.inputs).keys()].map((i) => `input_${i + 1}`);
  const g = functional(
    [...names.map((n) => [n, 'InputLayer', { batch_input_shape: c.input, ...dtype }, []] as [string, string, JsonObject, string[]]), ['merged', c.className, c.config, names]],
    ['merged'],
    'parity',
  );
  return g;
}

export function caseInput(c: LayerCase, seed: number): { shape: number[]; data: Float32Array } {
  const shape = [BATCH, ...c.input.slice(1).map((d) => d ?? 4)];
  const n = shape.reduce((a, b) => a * b, 1);
  const rand = rng(seed);
  // Positive inputs in [0.1, 1.1) keep sqrt, log, 1/x and tan finite and away from their poles.
  const data = Float32Array.from({ length: n }, () => (c.intMax ? Math.floor(rand() * c.intMax) : c.ties ? Math.floor(rand() * 3) - 1 : c.positive ? rand() + 0.1 : (rand() - 0.5) * 4));
  return { shape, data };
}

export async function predictOurs(tf: Tf, file: ModelFile, xs: { shape: number[]; data: Float32Array }[], int: boolean, allowDepartures: boolean) {
  const model = await buildTfModel(tf, file, { strict: file.weights.length > 0, allowDepartures });
  try {
    const ts = xs.map((x) => tf.tensor(x.data, x.shape, int ? 'int32' : 'float32'));
    const pred = predictModel(model, ts.length === 1 ? ts[0] : ts);
    // Several outputs (the self-play templates' policy and value): each flattened per sample, side by side, as codegen.py does.
    const y = Array.isArray(pred) ? tf.tidy(() => tf.concat(pred.map((o) => tf.reshape(o, [o.shape[0], -1])), 1)) : pred;
    if (Array.isArray(pred)) tf.dispose(pred);
    const out = { data: (await y.data()) as Float32Array, shape: y.shape as number[] };
    tf.dispose([...ts, y]);
    return out;
  } finally {
    model.dispose();
  }
}

export function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let j = 0; j < a.length; j++) {
    if (Number.isNaN(a[j]) !== Number.isNaN(b[j])) return Infinity;
    if (!Number.isNaN(a[j])) m = Math.max(m, Math.abs(a[j] - b[j]));
  }
  return m;
}

export async function runForwardCases(cases: readonly LayerCase[] = LAYER_CASES): Promise<ForwardResult[]> {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-keras-forward-');
  const results: ForwardResult[] = [];
  const pyCases: { id: string; model: string; x: string[]; y: string }[] = [];
  const ours = new Map<string, { data: Float32Array; shape: number[] }>();
  const bypassed = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [i, c] of cases.entries()) {
    const caseDir = join(dir, String(i));
    mkdirSync(caseDir);
    const graph = caseGraph(c);
    const file = randomModel(graph, 1000 + i);
    const xs = [...Array(c.inputs ?? 1).keys()].map((k) => caseInput(c, 2000 + i * 10 + k));
    const r: ForwardResult = { id: c.id };
    results.push(r);
    try {
      await writeModel(join(caseDir, 'model.keras'), file);
      const xPaths = xs.map((x, k) => {
        const p = join(caseDir, `x${k}.npy`);
        writeFileSync(p, writeNpy(c.dtype === 'int32' ? { dtype: '<i4', shape: x.shape, data: Int32Array.from(x.data) } : { dtype: '<f4', shape: x.shape, data: x.data }));
        return p;
      });
      pyCases.push({ id: c.id, model: join(caseDir, 'model.keras'), x: xPaths, y: join(caseDir, 'y.npy') });
    } catch (e) {
      r.ours = `write: ${(e as Error).message}`;
      continue;
    }
    try {
      ours.set(c.id, await predictOurs(tf, file, xs, !!c.intMax, false));
    } catch (e) {
      r.ours = (e as Error).message.split('\n')[0].slice(0, 300);
      try {
        bypassed.set(c.id, await predictOurs(tf, file, xs, !!c.intMax, true));
      } catch (e2) {
        r.bypassed = { error: (e2 as Error).message.split('\n')[0].slice(0, 300) };
      }
    }
  }
  const answer = runPython<{ results: Record<string, { ok: boolean; error?: string }> }>('forward.py', { cases: pyCases });
  for (const r of results) {
    const k = answer.results[r.id];
    const p = pyCases.find((c) => c.id === r.id);
    if (!k || !p) continue;
    if (!k.ok) {
      r.keras = k.error;
      continue;
    }
    const y = readNpyFile(p.y);
    r.shapeKeras = y.shape;
    const kd = y.data as Float32Array;
    const b = bypassed.get(r.id);
    if (b) r.bypassed = { maxDiff: maxDiff(b.data, kd), sameShape: JSON.stringify(b.shape) === JSON.stringify(y.shape) };
    const o = ours.get(r.id);
    if (!o) continue;
    r.shapeOurs = o.shape;
    r.maxDiff = maxDiff(o.data, kd);
  }
  return results;
}

if (require.main === module) {
  void runForwardCases().then((rs) => {
    for (const r of rs) {
      const status = r.ours ? `OURS: ${r.ours}` : r.keras ? `KERAS: ${r.keras}` : r.maxDiff! <= 1e-5 ? `ok ${r.maxDiff!.toExponential(1)}` : `DIFF ${r.maxDiff} ${JSON.stringify(r.shapeOurs)} vs ${JSON.stringify(r.shapeKeras)}`;
      console.log(`${r.id.padEnd(44)} ${status}`);
    }
  });
}
