/**
 * The training loop of the generated PyTorch code, started from our weights on the same batches (no shuffle,
 * npy data), gives the loss per epoch our engine gives (1e-3 relative): SGD with momentum on the XOR network
 * (binary crossentropy), SGD on the linear regression (mean squared error, the last 30 % held out for validation),
 * Adam on the CartPole Q-network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pytorchScript } from '../../src/core/codegen';
import { analyze } from '../../src/core/analysis';
import { reconcileWeights, rng } from '../../src/core/initializers';
import { getTemplate } from '../../src/core/templates';
import { trainingConfigOf, withTraining } from '../../src/core/training';
import { TrainingControl } from '../../src/engine/control';
import { writeNpy } from '../../src/engine/datasets/npy';
import { runJob } from '../../src/engine/job';
import { writeModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { runPython } from './python';

const EPOCHS = 2;
/** 96 samples, 0.3 held out: Keras keeps floor(96 * 0.7) = 67 for training (29 held out, where int(96 * 0.3) says 28). */
const VALIDATION: Record<string, number> = { 'linear-regression': 0.3 };

async function ourLosses(id: string, dir: string) {
  const t = getTemplate(id)!.build();
  const a = analyze(t.graph);
  const inShape = a.layers.get(t.graph.inputs[0])!.outputShape!.slice(1) as number[];
  const outShape = a.layers.get(t.graph.outputs[0])!.outputShape!.slice(1) as number[];
  const n = 96;
  const rand = rng(7);
  const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
  const x = Float32Array.from({ length: n * size(inShape) }, () => rand());
  const y = Float32Array.from({ length: n * size(outShape) }, () => (id === 'xor' ? Math.round(rand()) : rand()));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'x.npy'), writeNpy({ dtype: '<f4', shape: [n, ...inShape], data: x }));
  writeFileSync(join(dir, 'y.npy'), writeNpy({ dtype: '<f4', shape: [n, ...outShape], data: y }));
  // cartpole-dqn's Q-network is fit on fixed batches here, not trained by its reinforcement-learning config.
  const { rl: _rl, ...supervised } = trainingConfigOf(t.userDefinedMetadata)!;
  const training = { ...supervised, dataset: `npy:${join(dir, 'x.npy')},${join(dir, 'y.npy')}`, epochs: EPOCHS, shuffle: false, validationSplit: VALIDATION[id] ?? 0, batchSize: 32, callbacks: [] };
  const file = withTraining({ ...t, weights: reconcileWeights(t.graph, [], 3) }, training);
  const sent: number[] = [];
  const done = await runJob({ sessionId: id, model: file, training, engine: 'cpu', baseDir: dir, runDir: join(dir, 'run'), seed: 1 }, (m) => {
    if (m.type === 'epoch') sent.push(m.point.metrics.loss);
  }, new TrainingControl());
  assert.equal(done.status, 'done');
  const model = join(dir, 'model', 'model.json');
  await writeModel(model, file);
  writeFileSync(join(dir, 'torch.py'), pytorchScript(file, model).code);
  return { losses: sent, script: join(dir, 'torch.py'), x: join(dir, 'x.npy') };
}

test("the generated PyTorch training loop gives our engine's loss per epoch on the same batches", { timeout: 600_000 }, async () => {
  const dir = tempDir('ms-torch-train-');
  const ids = ['xor', 'linear-regression', 'cartpole-dqn'];
  const ours = [];
  for (const id of ids) ours.push({ id, ...(await ourLosses(id, join(dir, id))) });
  const answer = runPython<{ results: Record<string, { ok: boolean; error?: string; losses?: number[] }> }>('torch_run.py', {
    cases: ours.map((o) => ({ id: o.id, script: o.script, x: [o.x], int: false, y: join(dir, o.id, 'y_pred.npy'), train: true })),
  });
  const problems: string[] = [];
  for (const o of ours) {
    const r = answer.results[o.id];
    if (!r.ok || !r.losses) {
      problems.push(`${o.id}: ${r.error}`);
      continue;
    }
    assert.equal(o.losses.length, EPOCHS);
    o.losses.forEach((l, i) => {
      const rel = Math.abs(r.losses![i] - l) / Math.abs(l);
      if (!(rel <= 1e-3)) problems.push(`${o.id} epoch ${i + 1}: torch ${r.losses![i]}, ours ${l} (relative ${rel.toExponential(2)})`);
    });
    console.log(`${o.id}: ours ${o.losses.map((l) => l.toFixed(6)).join(', ')}; torch ${r.losses.map((l) => l.toFixed(6)).join(', ')}`);
  }
  assert.deepEqual(problems, []);
});
