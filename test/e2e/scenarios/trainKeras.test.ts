/**
 * The keras engine from the editor (real Keras 3 on JAX, CPU, through the repository's .venv): XOR trains to
 * the end with the status bar and the charts as on the tfjs engines, its weights come back into the open model
 * with Apply Trained Weights, and Stop ends a longer run (MNIST MLP) and its Python runner.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { eventually, newModelFromTemplate, startSession, type Session } from '../harness/session';
import { pythonPath } from '../../keras/python';

/** This server's Python runners: python/runner/runner.py inside the VSIX it installed. */
function runnerPids(s: Session): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes(s.server.extensionsDir) && /runner[/\\]runner\.py/.test(cmd);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('e2e: training on the keras engine', { timeout: 600_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('train-keras', {
      settings: { 'modelStudio.training.engine': 'keras', 'modelStudio.python.interpreter': pythonPath() },
      env: { KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    await s.wb.runCommand('View: Close Primary Side Bar');
  });
  after(async () => {
    await s?.close();
  });

  test('XOR trains with Keras: status bar progress, a loss chart, the final loss; Apply Trained Weights', async () => {
    await newModelFromTemplate(s, 'xor');
    await s.wb.runCommand('Model Studio: Train');
    const progress = await eventually('keras training progress in the status bar', async () =>
      (await s.wb.statusBarTexts()).find((t) => /^xor · epoch \d+\/500 · loss \d/.test(t)), 180_000, 100);
    await (await s.wb.webview('.chart-card .u-over', 60_000)).locator('.chart-card .u-over').first().waitFor({ state: 'visible' });
    const done = await eventually('the final loss in the status bar', async () =>
      (await s.wb.statusBarTexts()).find((t) => /^xor done · loss \d/.test(t)), 240_000);
    const finalLoss = Number(/loss ([\d.e+-]+)/.exec(done)?.[1]);
    assert.ok(finalLoss < 0.1, `XOR converges on Keras: final loss ${finalLoss}`);
    console.log(`keras status bar: "${progress}" then "${done}"`);
    await s.shot('keras-done');
    await s.wb.runCommand('Notifications: Clear All Notifications');
    await s.wb.runCommand('Model Studio: Apply Trained Weights');
    await s.wb.waitForNotification(/Applied the trained weights of run .*Save the model to keep them, or Undo/, 30_000);
    await s.shot('keras-applied');
  });

  test('Stop on MNIST MLP ends the run and its Python runner', async () => {
    await newModelFromTemplate(s, 'mnist-mlp');
    await s.wb.runCommand('Model Studio: Train');
    await eventually('the MNIST run to be training on Keras', async () => (await s.wb.statusBarTexts()).find((t) => /^mnist_mlp · epoch \d+\/5 · loss \d/.test(t)), 240_000, 100);
    assert.ok(runnerPids(s).length > 0, 'the Python runner runs');
    await s.wb.runCommand('Model Studio: Stop Training');
    const stopped = await eventually('the run to stop', async () => (await s.wb.statusBarTexts()).find((t) => /^mnist_mlp stopped/.test(t)), 30_000);
    await eventually('the Python runner to exit', () => runnerPids(s).length === 0, 15_000);
    console.log(`status bar after Stop: "${stopped}"`);
  });
});
