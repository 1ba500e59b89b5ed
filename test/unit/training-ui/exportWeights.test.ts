/** Export's choice of weights: a run's last or best (newest run first, with its figures), or the editor's. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { reconcileWeights } from '../../../src/core/initializers';
import { templates } from '../../../src/core/templates';
import { metricsLine, RUN_FILES } from '../../../src/core/training';
import type { ModelFile } from '../../../src/core/types';
import { readModel, writeModel } from '../../../src/formats/registry';
import { editorHoldsRunWeights, modelToExport, runsWithWeights, weightsChoices } from '../../../src/extension/training/exportWeights';
import { runCli } from '../../helpers/cli';
import { repoRoot, tempDir } from '../../helpers/paths';

const xor = (): ModelFile => {
  const built = templates.find((t) => t.id === 'xor')!.build();
  return { ...built, weights: reconcileWeights(built.graph, [], 1) };
};

/** A run folder as the worker writes it; `weights` seeds its final model, none for a run that ended before an epoch. */
async function run(ws: string, id: string, startedAt: string, accuracy: number[], weights?: number): Promise<void> {
  const dir = join(ws, '.modelstudio', 'runs', 'xor', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_FILES.config), JSON.stringify({ model: 'xor', startedAt, training: { epochs: accuracy.length } }));
  const lines = accuracy.map((a, i) => metricsLine({ type: 'epoch', epoch: i + 1, metrics: { loss: 1 - a, accuracy: a }, seconds: 1, etaSeconds: 0, memory: { tensorBytes: 0, rssBytes: 0 } }));
  writeFileSync(join(dir, RUN_FILES.metrics), lines.join('') + metricsLine({ type: 'end', status: 'done', epochs: accuracy.length, weights: 'final', message: null, test: null }));
  if (weights === undefined) return;
  const m = xor();
  await writeModel(join(dir, RUN_FILES.final, 'model.json'), { ...m, weights: reconcileWeights(m.graph, [], weights) });
  await writeModel(join(dir, RUN_FILES.checkpoints, 'best', 'model.json'), { ...m, weights: reconcileWeights(m.graph, [], weights + 100) });
}

describe('export weights', () => {
  it("offers each run's last and best, newest run first with its accuracy, the untrained editor's last", async () => {
    const ws = tempDir('ms-export-weights-');
    await run(ws, '20261130-100000-aaaa', '2026-11-30T10:00:00Z', [0.5, 0.75], 2);
    await run(ws, '20261130-110000-bbbb', '2026-11-30T11:00:00Z', [0.25, 1, 0.75], 3);
    await run(ws, '20261130-120000-cccc', '2026-11-30T12:00:00Z', [], 4);
    const runs = runsWithWeights(ws, 'xor');
    assert.deepEqual(runs.map((r) => r.run.id), ['xor/20261130-110000-bbbb', 'xor/20261130-100000-aaaa'], 'the run stopped before its first epoch is not offered');
    const editor = xor();
    const trained = await editorHoldsRunWeights(editor.weights, runs, readModel);
    assert.equal(trained, false);
    const choices = weightsChoices(runs, trained);
    assert.deepEqual(choices.map((c) => c.label), [
      'Run xor/20261130-110000-bbbb: last weights',
      'Run xor/20261130-110000-bbbb: best weights',
      'Run xor/20261130-100000-aaaa: last weights',
      'Run xor/20261130-100000-aaaa: best weights',
      "The editor's weights",
    ]);
    assert.match(choices[0].description, /^accuracy 0\.7500 · loss 0\.2500 · 3 epochs$/);
    assert.match(choices[1].description, /^accuracy 1\.0000 · loss 0\.0000/);
    assert.match(choices[4].description, /possibly never trained/);
  });

  it('exports the chosen run\'s weights in the editor\'s model, and knows the editor holds them once applied', async () => {
    const ws = tempDir('ms-export-weights-');
    await run(ws, '20261130-100000-aaaa', '2026-11-30T10:00:00Z', [0.5], 9);
    const runs = runsWithWeights(ws, 'xor');
    const editor = xor();
    const exported = await modelToExport(editor, weightsChoices(runs, false)[0].source, readModel);
    const final = await readModel(runs[0].last!);
    assert.deepEqual(exported.weights.map((w) => Array.from(w.data)), final.weights.map((w) => Array.from(w.data)));
    assert.equal(exported.graph, editor.graph);
    assert.equal(await editorHoldsRunWeights(exported.weights, runs, readModel), true);
    assert.equal(weightsChoices(runs, true)[0].label, "The editor's weights");
    assert.equal(await modelToExport(editor, { kind: 'editor' }, readModel), editor);
  });

  it('refuses a run whose weights no longer fit the edited graph, with a hint', async () => {
    const ws = tempDir('ms-export-weights-');
    await run(ws, '20261130-100000-aaaa', '2026-11-30T10:00:00Z', [0.5], 9);
    const [r] = runsWithWeights(ws, 'xor');
    const edited = xor();
    const dense = edited.graph.layers.find((l) => l.className === 'Dense')!;
    dense.config = { ...dense.config, units: Number(dense.config.units) + 3 };
    await assert.rejects(modelToExport(edited, { kind: 'run', runId: r.run.id, which: 'last', path: r.last! }, readModel), (e: Error & { hint?: string }) => /do not fit the model/.test(e.message) && /train again/.test(e.hint ?? ''));
  });
});

describe('model-studio convert --weights', () => {
  it("writes the newest run's last or best weights, or a run folder's", async () => {
    const ws = tempDir('ms-convert-weights-');
    await run(ws, '20261130-100000-aaaa', '2026-11-30T10:00:00Z', [0.5], 9);
    const [r] = runsWithWeights(ws, 'xor');
    const input = join(ws, 'xor.model.json');
    await writeModel(input, xor());
    const values = async (p: string) => (await readModel(p)).weights.map((w) => Array.from(w.data));
    for (const [flag, from] of [['last', r.last!], ['best', r.best!], [join(ws, '.modelstudio', 'runs', r.run.id), r.last!]]) {
      const target = join(ws, `out-${flag.length}.h5`);
      const res = await runCli(['convert', '--weights', flag, '--workspace', ws, input, target]);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(await values(target), await values(from), flag);
    }
  });

  it('refuses when there is no run, and writes nothing', async () => {
    const ws = tempDir('ms-convert-weights-');
    const input = join(ws, 'xor.model.json');
    await writeModel(input, xor());
    const res = await runCli(['convert', '--weights', 'last', '--workspace', ws, input, join(ws, 'out.h5')]);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /No run of xor .* has last weights[\s\S]*Train the model first/);
    assert.equal(existsSync(join(ws, 'out.h5')), false);
  });
});

describe('Export for a file that did not open', () => {
  it('is in neither the title bar nor the palette while the editor shows a load error (modelStudio.modelFailed)', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const entries = Object.values(manifest.contributes.menus).flat().filter((m) => m.command === 'modelStudio.export');
    assert.equal(entries.length, 2);
    for (const m of entries) assert.match(m.when ?? '', /&& !modelStudio\.modelFailed$/);
  });
});
