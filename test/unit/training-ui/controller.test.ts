/**
 * The host's training controller with the real SessionManager and worker processes: the status bar view
 * follows real sessions, and the Stop link of the status bar tooltip reaches the worker.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../../src/core/templates';
import { trainingConfigOf, type TrainingConfig } from '../../../src/core/training';
import { SessionManager, type StartRequest } from '../../../src/engine/sessions';
import { statusActionHandlers, TrainingController } from '../../../src/extension/training/controller';
import type { StatusView } from '../../../src/extension/training/statusModel';
import type { HostToTraining } from '../../../src/protocol/training';
import { tempDir } from '../../helpers/paths';

function xorRequest(dir: string, over: Partial<TrainingConfig> = {}): StartRequest {
  const model = getTemplate('xor')!.build();
  return { model, training: { ...trainingConfigOf(model.userDefinedMetadata)!, epochs: 100_000, ...over }, engine: 'cpu', baseDir: dir, workspaceDir: dir };
}

function waitFor<T>(what: string, get: () => T | undefined, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const v = get();
      if (v !== undefined && v !== false) return resolve(v);
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('training controller (real sessions)', () => {
  const controller = new TrainingController(new SessionManager());
  after(() => controller.dispose());

  test('the status follows a session; Stop from the status bar reaches the worker', async () => {
    const views: StatusView[] = [];
    const toView: HostToTraining[] = [];
    const logs: string[] = [];
    controller.onStatus((v) => views.push(v));
    controller.onView((m) => toView.push(m));
    controller.onLog((l) => logs.push(l));
    const dir = tempDir();
    const rec = controller.start(xorRequest(dir), `${dir}/xor.model.json`);
    assert.equal(views[0].text, '$(sync~spin) xor · starting');
    const running = await waitFor('a progress view', () => views.find((v) => /xor · epoch \d+\/100000 · loss/.test(v.text)));
    assert.equal(running.kind, 'running');
    const stop = running.actions.find((a) => a.title === 'Stop');
    assert.ok(stop);
    assert.deepEqual(stop.args, [rec.info.id]);
    // The link runs the command with these arguments; the command's handler is this one.
    const t0 = Date.now();
    const result = (await statusActionHandlers(controller)[stop.command as 'modelStudio.stop'](...stop.args)) as { status: string };
    const ms = Date.now() - t0;
    assert.equal(result.status, 'stopped');
    assert.ok(ms < 2500, `stopped in ${ms} ms`);
    // The worker process itself ends.
    await waitFor('the worker to exit', () => rec.session.child.exitCode !== null || rec.session.child.signalCode !== null, 5000);
    const last = views[views.length - 1];
    assert.match(last.text, /^\$\(debug-stop\) xor stopped · loss/);
    // The view got the live stream and the state changes; the history is kept for snapshots.
    assert.ok(toView.some((m) => m.type === 'batches' || m.type === 'epoch'));
    assert.ok(toView.some((m) => m.type === 'session' && m.session.state === 'stopped'));
    assert.ok(rec.epochs.length + rec.batches.length > 0);
    const snap = controller.snapshot({ runs: [], tryInfo: { kind: 'none', reason: '-' } });
    assert.equal(snap.session?.id, rec.info.id);
    assert.equal(snap.epochs.length, rec.epochs.length);
    assert.ok(logs.some((l) => /engine: cpu/.test(l)));
    assert.ok(logs.some((l) => /stop requested/.test(l)));
  });

  test('a failing session shows a warning with the reason; two sessions at once show a count', async () => {
    const views: StatusView[] = [];
    const sub = controller.onStatus((v) => views.push(v));
    const dir = tempDir();
    const bad = controller.start(xorRequest(dir, { dataset: 'csv:missing.csv' }), `${dir}/bad.model.json`);
    await bad.session.result;
    const failed = views[views.length - 1];
    assert.equal(failed.kind, 'warning');
    assert.equal(failed.text, '$(warning) xor failed');
    assert.match(failed.tooltip, /not found/i);
    assert.equal(failed.command, 'modelStudio.showTrainingLog');
    controller.acknowledge();

    const a = controller.start(xorRequest(dir), `${dir}/a.model.json`);
    const b = controller.start(xorRequest(dir, { optimizer: { name: 'sgd', params: { learning_rate: 0.1 } } }), `${dir}/b.model.json`);
    const both = await waitFor('two running sessions', () => views.find((v) => /^\$\(sync~spin\) 2 sessions · xor · epoch/.test(v.text)));
    assert.match(both.tooltip, /Also running:/);
    assert.equal(controller.active().length, 2);
    // Stop with no id acts on the focused (last started) session only.
    await controller.stop();
    assert.equal(b.session.state, 'stopped');
    assert.equal(a.session.isEnded, false);
    await controller.stop(a.info.id);
    assert.equal(a.session.state, 'stopped');
    assert.notEqual(a.session.runDir, b.session.runDir);
    sub.dispose();
  });
});

test('the training log drops Dawn adapter-limit warnings and keeps everything else', async () => {
  const { withoutDawnNoise } = await import('../../../src/engine/workerStderr');
  const text = [
    'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
    'real problem: out of memory',
    'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
  ].join('\n');
  assert.equal(withoutDawnNoise(text), 'real problem: out of memory');
  assert.equal(withoutDawnNoise(text.split('\n')[0]), '');
});

test('a Dawn warning cut across two stderr chunks is dropped too; the last partial line is kept for the end', async () => {
  const { lineBuffer, withoutDawnNoise } = await import('../../../src/engine/workerStderr');
  const lines = lineBuffer();
  const warning = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n';
  const logged = [lines.push(warning.slice(0, 30)), lines.push(warning.slice(30) + 'epoch 1 done\nTraceback (most'), lines.push(' recent call last)')].map(withoutDawnNoise);
  assert.deepEqual(logged, ['', 'epoch 1 done', '']);
  assert.equal(withoutDawnNoise(lines.flush()), 'Traceback (most recent call last)');
});

test('Pause/Resume with no session says so instead of doing nothing', () => {
  const controller = new TrainingController(new SessionManager());
  const r = controller.pauseResume();
  assert.ok('message' in r);
  assert.match(r.message, /No training session is running.*Start one with Train/);
  assert.deepEqual(controller.pauseResume('no-such-id'), r);
  controller.dispose();
});

test('a worker that dies after Dawn warnings: the error quotes its real last line, not the warning', async () => {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { PredictClient, predictWorkerLaunch } = await import('../../../src/extension/training/predictClient');
  const dir = tempDir();
  const dying = join(dir, 'dyingWorker.ts');
  writeFileSync(
    dying,
    `process.on('message', () => {
  process.stderr.write('GPU init failed: no adapter\\n');
  process.stderr.write('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\\n', () => process.exit(3));
});
process.send!({ type: 'ready' });
`,
  );
  const c = new PredictClient({ launch: { modulePath: dying, execArgv: predictWorkerLaunch().execArgv } });
  try {
    await assert.rejects(c.predict({ kind: 'tabular', values: [0, 1] }), (e: Error) => {
      assert.match(e.message, /The model worker ended \(code 3\)\. GPU init failed: no adapter$/);
      return true;
    });
  } finally {
    c.dispose();
  }
});
