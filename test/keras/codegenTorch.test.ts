/**
 * The generated PyTorch code for every template and one model per forward-pass case, run with torch on the
 * CPU: with our weights (read from the TF.js model.json) it predicts what our engine predicts (1e-4; Keras on
 * the .keras file we write where the tfjs engine refuses the model) for every model whose layers it supports; a model with a layer it does not support names that layer in the notes and
 * in the code, and its forward pass raises instead of approximating. Models whose recurrent layers read Keras' mask
 * (maskCases.ts) are compared with Keras.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pytorchScript } from '../../src/core/codegen';
import { readNpyFile, writeNpy } from '../../src/engine/datasets/npy';
import { loadEngine } from '../../src/engine/tfjs/engines';
import { writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { codegenCases } from './codegenRun';
import { MASKED_OUTPUTS, maskCases } from './maskCases';
import { maxDiff, predictOurs } from './forwardRun';
import { runPython } from './python';

const TOLERANCE = 1e-4;

test('generated PyTorch code predicts what we predict, and names the layers it cannot translate', { timeout: 1_200_000 }, async () => {
  const { tf } = await loadEngine('cpu');
  const dir = tempDir('ms-torch-');
  const cases = [...codegenCases(), ...maskCases()];
  const py: { id: string; script: string; x: string[]; int: boolean; y: string }[] = [];
  const ours = new Map<string, Float32Array>();
  const unsupported = new Map<string, string[]>();
  const problems: string[] = [];
  const viaKeras: { id: string; model: string; x: string[]; y: string }[] = [];
  for (const [i, c] of cases.entries()) {
    const out = join(dir, String(i));
    mkdirSync(out);
    const model = join(out, 'model', 'model.json');
    await writeModel(model, c.file);
    const g = pytorchScript(c.file, model);
    const names = c.file.graph.layers.map((l) => l.name).filter((n) => g.code.includes(`# ${n} (`));
    if (names.length) {
      unsupported.set(c.id, names);
      for (const n of names) if (!g.notes.some((note) => note.includes(`${n} (`))) problems.push(`${c.id}: layer ${n} is left out without a note`);
    }
    // An output that carries Keras' mask: the forward pass is translated, the training loss refuses (Keras masks it).
    const maskedOutput = MASKED_OUTPUTS.has(c.id);
    if (maskedOutput !== g.notes.some((n) => /loss raises NotImplementedError: the model's output carries Keras' mask \(from Embedding "embedding", mask_zero=True\)/.test(n))) problems.push(`${c.id}: the note on the masked output is ${maskedOutput ? 'missing' : 'wrong'}`);
    if (maskedOutput && !g.code.includes(`raise NotImplementedError("Not written for PyTorch: the model's output carries Keras' mask`)) problems.push(`${c.id}: the loss does not refuse the masked output`);
    const script = join(out, 'model_torch.py');
    writeFileSync(script, g.code);
    const x = c.xs.map((v, k) => {
      const p = join(out, `x${k}.npy`);
      writeFileSync(p, writeNpy({ dtype: '<f4', shape: v.shape, data: v.data }));
      return p;
    });
    py.push({ id: c.id, script, x, int: c.int, y: join(out, 'y.npy') });
    try {
      if (c.reference === 'keras') throw new Error('Keras is the reference');
      ours.set(c.id, (await predictOurs(tf, c.file, c.xs, c.int, false)).data);
    } catch {
      // tfjs refuses this model (a departure from Keras): Keras on the .keras file we write is our prediction.
      await writeModel(join(out, 'model.keras'), c.file);
      viaKeras.push({ id: c.id, model: join(out, 'model.keras'), x, y: join(out, 'y_keras.npy') });
    }
  }
  const keras = runPython<{ results: Record<string, { ok: boolean; error?: string }> }>('forward.py', { cases: viaKeras });
  for (const k of viaKeras) {
    if (keras.results[k.id]?.ok) ours.set(k.id, readNpyFile(k.y).data as Float32Array);
    else problems.push(`${k.id}: Keras cannot run our file: ${keras.results[k.id]?.error}`);
  }
  const answer = runPython<{ results: Record<string, { ok: boolean; error?: string }> }>('torch_run.py', { cases: py });
  let matched = 0;
  let largest = 0;
  for (const c of py) {
    const r = answer.results[c.id];
    const left = unsupported.get(c.id);
    if (left) {
      if (r.ok || !/NotImplementedError: .*no faithful PyTorch equivalent/.test(r.error ?? '')) problems.push(`${c.id}: ${left.join(', ')} left out, but the forward pass did not raise: ${r.error ?? 'it ran'}`);
      continue;
    }
    if (!r.ok) {
      problems.push(`${c.id}: ${r.error}`);
      continue;
    }
    const o = ours.get(c.id);
    if (!o) {
      problems.push(`${c.id}: nothing to compare with`);
      continue;
    }
    const d = maxDiff(readNpyFile(c.y).data as Float32Array, o);
    if (!(d <= TOLERANCE)) problems.push(`${c.id}: differs from our engine by ${d}`);
    else {
      matched += 1;
      largest = Math.max(largest, d);
    }
  }
  console.log(`generated PyTorch code: ${py.length} models, ${matched} predict what we predict (largest difference ${largest.toExponential(2)}), ${unsupported.size} name the layers they cannot translate: ${[...unsupported.keys()].join(', ')}`);
  assert.deepEqual(problems, []);
  assert.ok(matched >= 110, `only ${matched} models matched`);
});
