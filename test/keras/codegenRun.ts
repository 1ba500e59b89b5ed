/**
 * Runs the generated Keras code of models (the templates, and one model per forward-pass case) in real Keras:
 * each style is imported, built, given our weights and asked to predict. Shared by the suite and by
 * `node --import tsx test/keras/codegenRun.ts [FILTER]` (prints a table, for investigating).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/analysis';
import { kerasScript } from '../../src/core/codegen';
import { notSequentialReason, type KerasStyle } from '../../src/core/codegen/kerasModel';
import { rng } from '../../src/core/initializers';
import { templates } from '../../src/core/templates';
import type { ModelFile } from '../../src/core/types';
import { readNpyFile, writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { caseGraph, caseInput, maxDiff, predictOurs, randomModel } from './forwardRun';
import { selectedLayerCases } from './layerCases';
import { runPython } from './python';

export interface CodegenCase {
  id: string;
  file: ModelFile;
  xs: { shape: number[]; data: Float32Array }[];
  int: boolean;
  /** Also run the script's __main__ (data, compile, fit). */
  main?: boolean;
  /** Compare with Keras on our .keras file only (not our tfjs engine). */
  reference?: 'keras';
}

export interface StyleResult {
  error?: string;
  params?: number;
  shapes?: Record<string, (number | null)[] | string>;
  /** Largest difference from Keras on our .keras file, and from our tfjs engine (when it runs the model). */
  diffFile?: number;
  diffOurs?: number;
}

export interface CodegenResult {
  id: string;
  file: ModelFile;
  styles: Partial<Record<KerasStyle, StyleResult>>;
  generateError?: string;
  fileError?: string;
}

const BATCH = 3;

/** A template with random weights and inputs of its input shapes (integers below 10 for int inputs). */
function templateCase(id: string, seed: number): CodegenCase {
  const t = templates.find((x) => x.id === id)!.build();
  const file = { ...t, weights: randomModel(t.graph, seed).weights };
  const a = analyze(file.graph);
  const rand = rng(seed);
  let int = false;
  const xs = file.graph.inputs.map((n) => {
    const shape = [BATCH, ...(a.layers.get(n)!.outputShape ?? []).slice(1).map((d) => d ?? 5)];
    const dtype = file.graph.layers.find((l) => l.name === n)!.config.dtype;
    int ||= dtype === 'int32';
    const size = shape.reduce((p, q) => p * q, 1);
    return { shape, data: Float32Array.from({ length: size }, () => (dtype === 'int32' ? Math.floor(rand() * 10) : rand())) };
  });
  return { id: `template:${id}`, file, xs, int, main: id === 'linear-regression' };
}

export function codegenCases(filter = ''): CodegenCase[] {
  const cases: CodegenCase[] = templates.map((t, i) => templateCase(t.id, 100 + i));
  for (const [i, c] of selectedLayerCases().entries()) {
    const file = randomModel(caseGraph(c), 1000 + i);
    cases.push({ id: c.id, file, xs: [...Array(c.inputs ?? 1).keys()].map((k) => caseInput(c, 2000 + i * 10 + k)), int: !!c.intMax });
  }
  return cases.filter((c) => c.id.includes(filter));
}

export async function runCodegenCases(cases: CodegenCase[]): Promise<CodegenResult[]> {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-codegen-');
  const results: CodegenResult[] = [];
  const py: { id: string; model: string; scripts: Record<string, string>; x: string[]; out: string; main?: boolean }[] = [];
  const ours = new Map<string, Float32Array>();
  for (const [i, c] of cases.entries()) {
    const out = join(dir, String(i));
    mkdirSync(out);
    const r: CodegenResult = { id: c.id, file: c.file, styles: {} };
    results.push(r);
    const model = join(out, 'model.keras');
    await writeModel(model, c.file);
    const scripts: Record<string, string> = {};
    try {
      const styles: KerasStyle[] = notSequentialReason(c.file.graph) ? ['functional', 'subclass'] : ['sequential', 'functional', 'subclass'];
      for (const s of styles) {
        scripts[s] = join(out, `${s}.py`);
        writeFileSync(scripts[s], kerasScript(c.file, s, model).code);
      }
    } catch (e) {
      r.generateError = (e as Error).message;
      continue;
    }
    const x = c.xs.map((v, k) => {
      const p = join(out, `x${k}.npy`);
      writeFileSync(p, writeNpy({ dtype: '<f4', shape: v.shape, data: v.data }));
      return p;
    });
    py.push({ id: c.id, model, scripts, x, out, ...(c.main ? { main: true } : {}) });
    try {
      ours.set(c.id, (await predictOurs(tf, c.file, c.xs, c.int, false)).data);
    } catch {
      // tfjs refuses this model (a departure from Keras, see tfjsSupport.ts): Keras on our file is the reference.
    }
  }
  const answer = runPython<{ results: Record<string, Record<string, { ok: boolean; error?: string; params?: number; shapes?: StyleResult['shapes']; y?: string }>> }>('codegen.py', { cases: py }, 1_500_000);
  for (const r of results) {
    const k = answer.results[r.id];
    if (!k) continue;
    const ref = k.file?.ok ? (readNpyFile(k.file.y!).data as Float32Array) : undefined;
    if (!ref) r.fileError = k.file?.error ?? 'no reference';
    for (const [style, s] of Object.entries(k)) {
      if (style === 'file') continue;
      if (!s.ok) {
        r.styles[style as KerasStyle] = { error: s.error };
        continue;
      }
      const y = readNpyFile(s.y!).data as Float32Array;
      const o = ours.get(r.id);
      r.styles[style as KerasStyle] = { params: s.params, shapes: s.shapes, ...(ref ? { diffFile: maxDiff(y, ref) } : {}), ...(o ? { diffOurs: maxDiff(y, o) } : {}) };
    }
  }
  return results;
}

if (require.main === module) {
  void runCodegenCases(codegenCases(process.argv[2] ?? '')).then((rs) => {
    for (const r of rs) {
      const styles = Object.entries(r.styles).map(([s, v]) => `${s}:${v.error ? `ERR ${v.error}` : `${v.params} ${v.diffFile?.toExponential(1)} ${v.diffOurs?.toExponential(1)}`}`);
      console.log(`${r.id.padEnd(40)} ${r.generateError ?? r.fileError ?? ''} ${styles.join('  ')}`);
    }
  });
}
