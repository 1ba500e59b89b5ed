/**
 * The reinforcement-learning trainer through the Trainer contract, on the cpu engine: a few episodes of each
 * agent (mechanics, not the solved threshold: that is `npm run bench`), the events per episode, determinism
 * under a seed, Stop, and the bad inputs refused in prepare, before any episode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileWeights } from '../../../src/core/initializers';
import { defaultRlConfig, type RlConfig } from '../../../src/core/rl';
import { getTemplate, TEMPLATE_SEED } from '../../../src/core/templates';
import { trainingConfigOf, type TrainingConfig } from '../../../src/core/training';
import { TrainingControl } from '../../../src/engine/control';
import type { EpochEvent } from '../../../src/engine/trainer';
import { trainerForJob } from '../../../src/engine/trainers';
import type { StartJob } from '../../../src/protocol/worker';
import { userError } from '../../helpers/assertions';
import { tempDir } from '../../helpers/paths';

function job(template: string, rl: Partial<RlConfig>, over: Partial<TrainingConfig> = {}, engine: StartJob['engine'] = 'cpu'): StartJob {
  // Weights as `model-studio new` writes them: a seeded start, so that a seed fixes the whole run.
  const model = getTemplate(template)!.build();
  model.weights = reconcileWeights(model.graph, [], TEMPLATE_SEED);
  const saved = trainingConfigOf(model.userDefinedMetadata)!;
  const training = { ...saved, ...over, rl: { ...saved.rl!, ...rl } };
  const ws = tempDir();
  return { sessionId: 't', model, training, engine, baseDir: ws, runDir: `${ws}/run` };
}

async function train(j: StartJob, control = new TrainingControl()) {
  const prepared = await (await trainerForJob(j)).prepare(j, {});
  try {
    const before = await prepared.weights();
    const episodes: EpochEvent[] = [];
    const result = await prepared.fit(control, { onEpoch: (p) => void episodes.push(p) });
    return { result, episodes, before, after: await prepared.weights(), data: prepared.data };
  } finally {
    prepared.dispose();
  }
}

const changed = (a: { data: Float32Array | Int32Array }[], b: { data: Float32Array | Int32Array }[]) => a.some((w, i) => w.data.some((v, k) => v !== b[i].data[k]));

test('DQN: one event per episode with return, its 100-episode average, epsilon and loss; the weights learn', async () => {
  const { result, episodes, before, after, data } = await train(job('cartpole-dqn', { episodes: 6, targetSyncSteps: 20, memorySize: 500 }));
  assert.equal(result.status, 'done');
  assert.equal(result.epochs, 6);
  assert.match(data.train, /CartPole-v1.*dqn/);
  assert.deepEqual(episodes.map((e) => e.epoch), [1, 2, 3, 4, 5, 6]);
  const returns = episodes.map((e) => e.metrics.return);
  returns.forEach((r, i) => {
    assert.equal(r, episodes[i].metrics.steps, 'CartPole pays 1 per step');
    assert.equal(episodes[i].metrics.return_avg100, returns.slice(0, i + 1).reduce((a, b) => a + b) / (i + 1));
  });
  // Steps accumulate; epsilon decays per episode as the configuration says (0.98 from 1.0).
  assert.equal(episodes[5].step, returns.reduce((a, b) => a + b));
  episodes.forEach((e, i) => assert.ok(Math.abs(e.metrics.epsilon - 0.98 ** i) < 1e-12));
  assert.ok(episodes.slice(2).every((e) => Number.isFinite(e.metrics.loss) && e.metrics.loss >= 0), 'a loss once the memory holds a batch');
  assert.ok(changed(before, after), 'training changed the weights');
});

test('checkpoints: last after every episode, best when the 100-episode average reaches a new high', async () => {
  const j = job('cartpole-pg', { episodes: 6 });
  const prepared = await (await trainerForJob(j)).prepare(j, {});
  try {
    const offers: string[] = [];
    const averages: number[] = [];
    await prepared.fit(new TrainingControl(), {
      onEpoch: (p) => void averages.push(p.metrics.return_avg100),
      onCheckpoint: async (kinds, episode) => void offers.push(`${episode}:${kinds.join('+')}`),
    });
    let best = -Infinity;
    const expected = averages.map((a, i) => {
      const up = a > best;
      if (up) best = a;
      return `${i + 1}:${up ? 'last+best' : 'last'}`;
    });
    assert.deepEqual(offers, expected);
  } finally {
    prepared.dispose();
  }
});

test('Double DQN and REINFORCE run too; REINFORCE reports a loss every episode and no epsilon', async () => {
  const ddqn = await train(job('cartpole-dqn', { agent: 'double-dqn', episodes: 4 }, { loss: 'mean_squared_error' }));
  assert.equal(ddqn.result.epochs, 4);
  assert.ok(changed(ddqn.before, ddqn.after));
  const pg = await train(job('cartpole-pg', { episodes: 4 }));
  assert.equal(pg.result.epochs, 4);
  assert.ok(pg.episodes.every((e) => Number.isFinite(e.metrics.loss) && e.metrics.epsilon === undefined));
  assert.ok(changed(pg.before, pg.after));
});

test("REINFORCE with baseline 'mean' (the run's running mean return) learns differently from none; an unknown baseline is refused", async () => {
  const none = await train(job('cartpole-pg', { episodes: 3, seed: 2 }));
  const mean = await train(job('cartpole-pg', { episodes: 3, seed: 2, baseline: 'mean' }));
  // The first episode's baseline is its own mean: the same step; later ones differ.
  assert.equal(mean.episodes[0].metrics.loss, none.episodes[0].metrics.loss);
  assert.notEqual(mean.episodes[2].metrics.loss, none.episodes[2].metrics.loss);
  assert.ok(changed(none.after, mean.after));
  const j = job('cartpole-pg', { baseline: 'median' as never });
  await userError(async () => (await trainerForJob(j)).prepare(j, {}), /baseline is "median".*none, mean/);
});

test('a fixed seed gives the same run; another seed another', async () => {
  const returns = async (seed: number) => (await train({ ...job('cartpole-dqn', { episodes: 5, seed }) })).episodes.map((e) => e.metrics.return);
  const a = await returns(3);
  assert.deepEqual(await returns(3), a);
  assert.notDeepEqual(await returns(4), a);
});

test('the run stops once the 100-episode average reaches stopAtAverage, and Stop ends it', async () => {
  // MountainCar pays -1 a step: a target of -1000 is met as soon as 100 episodes are in.
  const m = job('cartpole-pg', { environment: 'mountaincar', episodes: 300, stopAtAverage: -1000 });
  const layer = (name: string) => m.model.graph.layers.find((l) => l.name === name)!;
  layer('state').config.batch_input_shape = [null, 2];
  layer('action_probs').config.units = 3;
  m.model.weights = reconcileWeights(m.model.graph, [], TEMPLATE_SEED);
  const mc = await train(m);
  assert.equal(mc.result.status, 'early-stopped');
  assert.equal(mc.result.epochs, 100);
  assert.match(mc.result.message!, /Solved: the average return of the last 100 episodes reached -200\.0 \(target -1000\) at episode 100/);
  const control = new TrainingControl();
  control.stop();
  const stopped = await train(job('cartpole-dqn', { episodes: 5 }), control);
  assert.equal(stopped.result.status, 'stopped');
  assert.equal(stopped.result.epochs, 0);
});

test('bad input is refused in prepare, before any episode, with a hint', async () => {
  const prepare = async (j: StartJob) => (await trainerForJob(j)).prepare(j, {});
  await userError(() => prepare(job('cartpole-dqn', { environment: 'pong' })), /Unknown environment "pong".*cartpole, mountaincar, acrobot/);
  await userError(() => prepare(job('cartpole-dqn', { environment: 'mountaincar' })), /input shape \(\[4\]\) differs from MountainCar-v0's observation \(\[2\]\).*Input layer's shape \[2\]/);
  await userError(() => prepare(job('cartpole-dqn', { environment: 'acrobot' })), /input shape/);
  const wide = job('cartpole-dqn', {});
  wide.model.graph.layers.find((l) => l.name === 'q_values')!.config.units = 3;
  wide.model.weights = reconcileWeights(wide.model.graph, [], TEMPLATE_SEED);
  await userError(() => prepare(wide), /output shape \(\[3\]\) does not fit CartPole-v1's 2 actions.*2 units/);
  await userError(() => prepare(job('cartpole-dqn', {}, { loss: 'binary_crossentropy' })), /mean_squared_error or huber/);
  await userError(() => prepare(job('cartpole-dqn', {}, { optimizer: { name: 'adam', params: { learning_rate: -1 } } })), /learning rate must be positive/);
  await userError(() => trainerForJob(job('cartpole-dqn', {}, {}, 'keras')), /TensorFlow\.js engines, not keras/);
  assert.deepEqual(defaultRlConfig().environment, 'cartpole');
});
