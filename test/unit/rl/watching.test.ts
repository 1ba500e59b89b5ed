/**
 * Watching an RL run: the metric vocabulary and the x-axis unit, the frame (validated at both boundaries),
 * the frame throttle (none while nobody watches, at most FRAMES_PER_SECOND while someone does, the state at
 * that step), frames from a real DQN run on the cpu engine, and the status bar's episode and average return.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileWeights } from '../../../src/core/initializers';
import { FRAMES_PER_SECOND, isRlFrame, makeEnvironment, rlUnitOf, runLength, type RlFrame } from '../../../src/core/rl';
import { getTemplate, TEMPLATE_SEED } from '../../../src/core/templates';
import { trainingConfigOf } from '../../../src/core/training';
import { TrainingControl } from '../../../src/engine/control';
import { FrameGate, frameHook } from '../../../src/engine/rl/frames';
import { SessionManager } from '../../../src/engine/sessions';
import { trainerForJob } from '../../../src/engine/trainers';
import { endMessage } from '../../../src/extension/training/sessionMessages';
import { initialStatus, reduceStatus, statusView, type StatusEvent } from '../../../src/extension/training/statusModel';
import { parseHostToTraining } from '../../../src/protocol/training';
import { parseHostToWorker, parseWorkerToHost, type StartJob } from '../../../src/protocol/worker';
import { tempDir } from '../../helpers/paths';

const frame: RlFrame = { scene: 'cartpole', episode: 3, step: 17, state: [0.1, -0.2, 0.03, 0.4] };

test('the unit of an RL run follows from its metrics; a supervised run has none', () => {
  assert.equal(rlUnitOf(['return', 'return_avg100', 'steps', 'loss', 'epsilon']), 'episode');
  assert.equal(rlUnitOf(['loss', 'policy_loss', 'value_loss', 'win_rate', 'draw_rate', 'loss_rate']), 'iteration');
  assert.equal(rlUnitOf(['loss', 'accuracy', 'val_loss']), undefined);
  assert.equal(runLength({ epochs: 10 }), 10);
  assert.equal(runLength({ epochs: 10, rl: { episodes: 300 } }), 300);
});

test('a frame is validated where it arrives: worker to host and host to view; bad ones are dropped', () => {
  assert.deepEqual(parseWorkerToHost({ type: 'frame', frame }), { type: 'frame', frame });
  assert.deepEqual(parseHostToTraining({ type: 'frame', sessionId: 's', frame }), { type: 'frame', sessionId: 's', frame });
  assert.ok(isRlFrame({ scene: 'connect4', episode: 1, step: 0, state: new Array(42).fill(0) }));
  for (const bad of [
    { ...frame, scene: 'pong' },
    { ...frame, state: [0, 0] }, // a cart-pole state has 4 numbers
    { ...frame, state: [0, 0, NaN, 0] },
    { ...frame, episode: '3' },
    { scene: 'tictactoe', episode: 1, step: 1, state: new Array(42).fill(0) },
  ]) {
    assert.equal(parseWorkerToHost({ type: 'frame', frame: bad }), undefined, JSON.stringify(bad));
    assert.equal(parseHostToTraining({ type: 'frame', sessionId: 's', frame: bad }), undefined);
  }
  assert.deepEqual(parseHostToWorker({ type: 'frames', on: true }), { type: 'frames', on: true });
  assert.equal(parseHostToWorker({ type: 'frames', on: 'yes' }), undefined);
});

test('the frame gate opens at most once per interval, leading edge first', () => {
  let now = 1000;
  const gate = new FrameGate(1000 / FRAMES_PER_SECOND, () => now);
  const opened: number[] = [];
  for (let t = 0; t < 1000; t += 5) {
    now = 1000 + t;
    if (gate.open()) opened.push(t);
  }
  assert.equal(opened[0], 0);
  assert.ok(opened.length <= FRAMES_PER_SECOND && opened.length >= FRAMES_PER_SECOND - 1, `${opened.length} frames in a second`);
  opened.slice(1).forEach((t, i) => assert.ok(t - opened[i] >= 1000 / FRAMES_PER_SECOND));
});

test('frames only while someone watches, each the environment state at that step', () => {
  const env = makeEnvironment('cartpole');
  env.resetTo([0.01, 0.02, 0.03, 0.04]);
  const control = { watching: false };
  const sent: RlFrame[] = [];
  let now = 0;
  const hook = frameHook(env, control, { onFrame: (f) => sent.push(f) }, new FrameGate(100, () => now));
  for (let step = 1; step <= 50; step++, now += 10) hook(1, step);
  assert.equal(sent.length, 0, 'nobody watches: no frame, not even the state is read');
  control.watching = true;
  for (let step = 51; step <= 100; step++, now += 10) {
    env.step(step % 2);
    hook(2, step);
  }
  assert.equal(sent.length, 5, '500 ms at one frame per 100 ms');
  assert.deepEqual(sent[0], { scene: 'cartpole', episode: 2, step: 51, state: sent[0].state });
  assert.ok(sent.every(isRlFrame));
  assert.deepEqual(sent[4].state.length, 4);
});

test('a watched DQN run sends frames of its own episodes; an unwatched one none', async () => {
  const model = getTemplate('cartpole-dqn')!.build();
  model.weights = reconcileWeights(model.graph, [], TEMPLATE_SEED);
  const saved = trainingConfigOf(model.userDefinedMetadata)!;
  const ws = tempDir();
  const job: StartJob = { sessionId: 't', model, training: { ...saved, rl: { ...saved.rl!, episodes: 3 } }, engine: 'cpu', baseDir: ws, runDir: `${ws}/run` };
  for (const watching of [false, true]) {
    const prepared = await (await trainerForJob(job)).prepare(job, {});
    const control = new TrainingControl();
    control.watching = watching;
    const frames: RlFrame[] = [];
    try {
      await prepared.fit(control, { onFrame: (f) => frames.push(f) });
    } finally {
      prepared.dispose();
    }
    if (!watching) assert.equal(frames.length, 0);
    else {
      assert.ok(frames.length >= 1 && frames.every(isRlFrame) && frames.every((f) => f.scene === 'cartpole' && f.episode >= 1 && f.episode <= 3));
    }
  }
});

test('through a real worker process: frames arrive only for the watched session', async () => {
  const model = getTemplate('cartpole-dqn')!.build();
  model.weights = reconcileWeights(model.graph, [], TEMPLATE_SEED);
  const saved = trainingConfigOf(model.userDefinedMetadata)!;
  const training = { ...saved, rl: { ...saved.rl!, episodes: 4 } };
  const manager = new SessionManager();
  const run = async (watching: boolean) => {
    const ws = tempDir();
    const s = manager.start({ model, training, engine: 'cpu', baseDir: ws, workspaceDir: ws, seed: 1 });
    s.watch(watching);
    const frames: RlFrame[] = [];
    s.on('message', (m) => m.type === 'frame' && frames.push(m.frame));
    const r = await s.result;
    assert.equal(r.status, 'done', r.message);
    return frames;
  };
  const [watched, unwatched] = await Promise.all([run(true), run(false)]).finally(() => manager.disposeAll());
  assert.ok(watched.length >= 1 && watched.every((f) => f.scene === 'cartpole'), `${watched.length} frames`);
  assert.equal(unwatched.length, 0);
});

test('the status bar shows the episode and the average return during an RL run', () => {
  const events: StatusEvent[] = [
    { type: 'started', id: 'a', model: 'cartpole_dqn', epochs: 500 },
    { type: 'epoch', id: 'a', point: { epoch: 12, metrics: { return: 31, return_avg100: 22.375, steps: 31, loss: 0.5, epsilon: 0.8 } } },
  ];
  const v = statusView(events.reduce(reduceStatus, initialStatus()));
  assert.match(v.text, /cartpole_dqn · episode 12\/500 · return 31 · avg 22\.4/);
  assert.match(v.tooltip, /episode 12 of 500/);
  const selfPlay: StatusEvent[] = [
    { type: 'started', id: 'z', model: 'ttt', epochs: 50 },
    { type: 'epoch', id: 'z', point: { epoch: 4, metrics: { loss: 1.2, win_rate: 0.8, draw_rate: 0.15, loss_rate: 0.05 } } },
  ];
  const zero = statusView(selfPlay.reduce(reduceStatus, initialStatus()));
  assert.match(zero.text, /ttt · iteration 4\/50 · win 80% · loss 5%/);
});

test("the end message counts an RL run's episodes", () => {
  assert.equal(endMessage('cartpole_dqn', { status: 'stopped', epochs: 12, finalPath: '/w/final/model.json' }, 'episode').text, 'cartpole_dqn: training stopped after 12 episodes.');
  assert.match(endMessage('cartpole_dqn', { status: 'stopped', epochs: 0, finalPath: '/w/final/model.json' }, 'episode').text, /before the first episode finished/);
  assert.equal(endMessage('xor', { status: 'done', epochs: 1, finalPath: '/w/final/model.json' }).text, 'xor: training done after 1 epoch.');
});
