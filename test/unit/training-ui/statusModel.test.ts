/** The status bar model follows sessions through start, progress, pause, stop, failure and concurrency. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initialStatus, reduceStatus, shortDevice, statusView, Throttle, type StatusEvent, type StatusState } from '../../../src/extension/training/statusModel';

const run = (events: StatusEvent[], from: StatusState = initialStatus()) => events.reduce(reduceStatus, from);

describe('training status model', () => {
  test('idle shows the engine that would be used', () => {
    assert.equal(statusView(initialStatus()).text, '$(chip) Model Studio');
    const s = run([{ type: 'engine', engine: 'webgpu', device: 'webgpu · llvmpipe (Vulkan)' }]);
    const v = statusView(s);
    assert.equal(v.text, '$(chip) webgpu · llvmpipe');
    assert.equal(v.kind, 'idle');
    assert.equal(v.command, 'modelStudio.selectEngine');
    assert.equal(shortDevice('webgpu', 'webgpu · NVIDIA: 580.159.04 (Vulkan)'), '580.159.04');
    assert.equal(shortDevice('tensorflow-gpu', 'tensorflow-gpu · NVIDIA H100 80GB HBM3 (CUDA)'), 'H100 80GB HBM3');
  });

  test('one session: start, progress, pause, resume, done', () => {
    let s = run([{ type: 'started', id: 'a', model: 'mnist-cnn', epochs: 10 }]);
    assert.equal(statusView(s).text, '$(sync~spin) mnist-cnn · starting');
    s = run([{ type: 'epoch', id: 'a', point: { epoch: 3, metrics: { loss: 0.1234, accuracy: 0.9612 } } }], s);
    const v = statusView(s);
    assert.equal(v.text, '$(sync~spin) mnist-cnn · epoch 3/10 · loss 0.123 · acc 96.1%');
    // Two outputs (Keras 3's keys): the total loss and the first output's metric, named by its output.
    const heads = run([
      { type: 'started', id: 'h', model: 'two-heads', epochs: 10 },
      { type: 'epoch', id: 'h', point: { epoch: 3, metrics: { cls_loss: 0.2, loss: 0.25, cls_accuracy: 0.901, reg_loss: 0.1, reg_mae: 0.3 } } },
    ]);
    assert.equal(statusView(heads).text, '$(sync~spin) two-heads · epoch 3/10 · loss 0.25 · cls acc 90.1%');
    assert.equal(v.kind, 'running');
    assert.equal(v.command, 'modelStudio.showTraining');
    assert.deepEqual(v.actions.map((a) => [a.command, a.args]), [
      ['modelStudio.stop', ['a']],
      ['modelStudio.pauseResume', ['a']],
      ['modelStudio.showTraining', ['a']],
    ]);
    assert.match(v.tooltip, /accuracy: 96\.1%/);
    s = run([{ type: 'paused', id: 'a' }], s);
    assert.equal(statusView(s).text, '$(debug-pause) mnist-cnn · epoch 3/10 · loss 0.123 · acc 96.1% · paused');
    assert.equal(statusView(s).actions[1].title, 'Resume');
    s = run([{ type: 'resumed', id: 'a' }, { type: 'epoch', id: 'a', point: { epoch: 10, metrics: { loss: 0.02, accuracy: 0.99 } } }, { type: 'ended', id: 'a', state: 'done' }], s);
    assert.equal(statusView(s).text, '$(check) mnist-cnn done · loss 0.02 · acc 99.0%');
    assert.equal(statusView(s).kind, 'done');
  });

  test('stop: stopping, then stopped', () => {
    let s = run([{ type: 'started', id: 'a', model: 'xor', epochs: 500 }, { type: 'epoch', id: 'a', point: { epoch: 42, metrics: { loss: 0.2 } } }, { type: 'stopping', id: 'a' }]);
    assert.equal(statusView(s).text, '$(loading~spin) xor · epoch 42/500 · loss 0.2 · stopping');
    s = run([{ type: 'ended', id: 'a', state: 'stopped' }], s);
    assert.equal(statusView(s).text, '$(debug-stop) xor stopped · loss 0.2');
  });

  test('failure: warning state with the reason and a link to the log, until acknowledged', () => {
    let s = run([{ type: 'engine', engine: 'cpu', device: 'cpu · JavaScript' }, { type: 'started', id: 'a', model: 'mnist-cnn', epochs: 10 }, { type: 'ended', id: 'a', state: 'failed', reason: 'The loss became NaN at epoch 2. Lower the learning rate.' }]);
    const v = statusView(s);
    assert.equal(v.text, '$(warning) mnist-cnn failed');
    assert.equal(v.kind, 'warning');
    assert.equal(v.command, 'modelStudio.showTrainingLog');
    assert.match(v.tooltip, /The loss became NaN at epoch 2/);
    assert.equal(v.actions[0].command, 'modelStudio.showTrainingLog');
    s = run([{ type: 'acknowledge' }], s);
    assert.equal(statusView(s).text, '$(chip) cpu · JavaScript');
  });

  test('several sessions: a count and the focused one; a failure among them is shown', () => {
    let s = run([
      { type: 'started', id: 'sgd', model: 'mnist-mlp', epochs: 5 },
      { type: 'started', id: 'adam', model: 'mnist-mlp', epochs: 5 },
      { type: 'started', id: 'cnn', model: 'mnist-cnn', epochs: 3 },
      { type: 'epoch', id: 'sgd', point: { epoch: 2, metrics: { loss: 0.5, accuracy: 0.85 } } },
      { type: 'epoch', id: 'adam', point: { epoch: 4, metrics: { loss: 0.08, accuracy: 0.975 } } },
      { type: 'epoch', id: 'cnn', point: { epoch: 1, metrics: { loss: 0.3 } } },
    ]);
    // The last started is focused.
    assert.equal(statusView(s).text, '$(sync~spin) 3 sessions · mnist-cnn · epoch 1/3 · loss 0.3');
    s = run([{ type: 'focus', id: 'adam' }], s);
    assert.equal(statusView(s).text, '$(sync~spin) 3 sessions · mnist-mlp · epoch 4/5 · loss 0.08 · acc 97.5%');
    assert.match(statusView(s).tooltip, /Also running:\nmnist-mlp: running, epoch 2\/5\nmnist-cnn: running, epoch 1\/3/);
    // The focused one ends: focus moves to one still running.
    s = run([{ type: 'ended', id: 'adam', state: 'done' }], s);
    assert.equal(statusView(s).text, '$(sync~spin) 2 sessions · mnist-mlp · epoch 2/5 · loss 0.5 · acc 85.0%');
    // A failure while others run is shown (with how many still run).
    s = run([{ type: 'ended', id: 'cnn', state: 'failed', reason: 'out of memory' }], s);
    assert.equal(statusView(s).text, '$(warning) mnist-cnn failed (1 running)');
    s = run([{ type: 'acknowledge' }], s);
    assert.equal(statusView(s).text, '$(sync~spin) mnist-mlp · epoch 2/5 · loss 0.5 · acc 85.0%');
    // A new start forgets finished sessions.
    s = run([{ type: 'ended', id: 'sgd', state: 'stopped' }, { type: 'started', id: 'x', model: 'xor', epochs: 100 }], s);
    assert.deepEqual(s.sessions.map((x) => x.id), ['x']);
  });

  test('progress: batch x/N, elapsed, ETA and samples/s from the batch events', () => {
    const t0 = 1_700_000_000_000;
    const batch = (b: number, at: number): StatusEvent => ({ type: 'batch', id: 'a', at, point: { step: b, epoch: 1, batch: b, batches: 100, metrics: { loss: 0.5 }, samplesPerSec: 640 } });
    const s = run([{ type: 'started', id: 'a', model: 'mnist-cnn', epochs: 3, at: t0 }, batch(1, t0 + 8000), batch(41, t0 + 12_000)]);
    // 40 steps in 4 s; 259 left → 25.9 s.
    const v = statusView(s, t0 + 12_000);
    assert.equal(v.text, '$(sync~spin) mnist-cnn · epoch 1/3 · batch 41/100 · loss 0.5 · 0:12 elapsed · ETA 0:26 · 640 samples/s');
    assert.match(v.tooltip, /epoch 1 of 3, batch 41\/100\n0:12 elapsed\nETA 0:26\n640 samples\/s/);
    // An epoch event ends the epoch's batch count; the time keeps counting.
    const e = run([{ type: 'epoch', id: 'a', point: { epoch: 1, metrics: { loss: 0.4 } } }], s);
    assert.equal(statusView(e, t0 + 30_000).text, '$(sync~spin) mnist-cnn · epoch 1/3 · loss 0.4 · 0:30 elapsed · ETA 0:08 · 640 samples/s');
  });

  test('the bar shows the run of the model in the active editor, never another model\'s finished run', () => {
    let s = run([
      { type: 'started', id: 'x', model: 'xor', epochs: 5, modelKey: '/w/xor.json' },
      { type: 'epoch', id: 'x', point: { epoch: 5, metrics: { loss: 0.01 } } },
      { type: 'ended', id: 'x', state: 'done' },
    ]);
    assert.equal(statusView(s).text, '$(check) xor done · loss 0.01');
    // Another model's editor: xor's run is not its run.
    s = run([{ type: 'engine', engine: 'cpu', device: 'cpu · JavaScript' }, { type: 'editor', modelKey: '/w/cnn.json' }], s);
    assert.equal(statusView(s).text, '$(chip) cpu · JavaScript');
    s = run([{ type: 'editor', modelKey: '/w/xor.json' }], s);
    assert.equal(statusView(s).text, '$(check) xor done · loss 0.01');
    // Two running: the editor's model is shown, whichever started last.
    s = run([
      { type: 'started', id: 'c', model: 'cnn', epochs: 2, modelKey: '/w/cnn.json' },
      { type: 'started', id: 'm', model: 'mlp', epochs: 2, modelKey: '/w/mlp.json' },
      { type: 'editor', modelKey: '/w/cnn.json' },
    ], s);
    assert.equal(statusView(s).text, '$(sync~spin) 2 sessions · cnn · starting');
    s = run([{ type: 'editor', modelKey: undefined }], s);
    assert.equal(statusView(s).text, '$(sync~spin) 2 sessions · mlp · starting');
  });

  test('the throttle pushes at most once per interval and always ends on the latest view', () => {
    let now = 0;
    const timers: { at: number; f: () => void }[] = [];
    const clock = {
      now: () => now,
      setTimeout: (f: () => void, ms: number) => {
        const t = { at: now + ms, f };
        timers.push(t);
        return t;
      },
      clearTimeout: (t: unknown) => {
        const i = timers.indexOf(t as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    };
    const pushed: number[] = [];
    const th = new Throttle<number>((v) => pushed.push(v), 250, clock);
    const advance = (ms: number) => {
      now += ms;
      for (const t of [...timers].sort((a, b) => a.at - b.at)) {
        if (t.at <= now) {
          timers.splice(timers.indexOf(t), 1);
          t.f();
        }
      }
    };
    // 100 updates over one second (a session's 10 batch events per second, ten times over).
    for (let i = 1; i <= 100; i++) {
      th.update(i);
      advance(10);
    }
    advance(300);
    assert.ok(pushed.length <= 6, `pushed ${pushed.length} times in ~1.3 s`);
    assert.equal(pushed[0], 1);
    assert.equal(pushed[pushed.length - 1], 100);
    th.dispose();
  });
});
