/**
 * The environments' contract (parity of the dynamics with gymnasium is the Keras suite's rlEnvs.test.ts):
 * spaces, seeded resets inside gymnasium's ranges, the time limit, and refused misuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../src/core/initializers';
import { boardGameOf, CLASSIC_CONTROL_IDS, ENVIRONMENT_IDS, environmentId, isBoardGame, makeEnvironment } from '../../../src/core/rl';

test('spaces and time limits are gymnasium\'s', () => {
  const spec = CLASSIC_CONTROL_IDS.map((id) => {
    const e = makeEnvironment(id);
    return [e.gymId, e.observationShape, e.actionCount, e.maxEpisodeSteps];
  });
  assert.deepEqual(spec, [
    ['CartPole-v1', [4], 2, 500],
    ['MountainCar-v0', [2], 3, 200],
    ['Acrobot-v1', [6], 3, 500],
  ]);
  assert.equal(environmentId('CartPole-v1'), 'cartpole');
  assert.equal(environmentId(' Acrobot '), 'acrobot');
  assert.equal(environmentId('Pendulum-v1'), undefined);
});

test('one vocabulary holds the classic-control environments and the board games', () => {
  assert.deepEqual(ENVIRONMENT_IDS.filter(isBoardGame), ['tictactoe', 'connect4']);
  assert.equal(environmentId('Connect4'), 'connect4');
  assert.equal(environmentId('tic-tac-toe'), 'tictactoe');
  assert.deepEqual([boardGameOf('tictactoe').actionCount, boardGameOf('connect4').actionCount], [9, 7]);
});

test('a seeded reset is reproducible and inside gymnasium\'s ranges', () => {
  const ranges: Record<string, [number, number][]> = {
    cartpole: [[-0.05, 0.05], [-0.05, 0.05], [-0.05, 0.05], [-0.05, 0.05]],
    mountaincar: [[-0.6, -0.4], [0, 0]],
    acrobot: [[-0.1, 0.1], [-0.1, 0.1], [-0.1, 0.1], [-0.1, 0.1]],
  };
  for (const id of CLASSIC_CONTROL_IDS) {
    const a = makeEnvironment(id);
    const b = makeEnvironment(id);
    const r1 = rng(7);
    const r2 = rng(7);
    for (let i = 0; i < 50; i++) {
      assert.deepEqual(a.reset(r1), b.reset(r2), id);
      a.state().forEach((v, k) => assert.ok(v >= ranges[id][k][0] && v <= ranges[id][k][1], `${id} state[${k}] = ${v}`));
    }
    assert.notDeepEqual(a.reset(rng(1)), a.reset(rng(2)), id);
  }
});

test('observations are float32 values', () => {
  const e = makeEnvironment('cartpole');
  e.resetTo([0.1, 0.2, 0.03, 0.4]);
  const obs = e.step(1).observation;
  obs.forEach((v) => assert.equal(v, Math.fround(v)));
  // The physics stays float64, as gymnasium's: x = 0.1 + 0.02 * 0.2 is no float32 value.
  assert.notEqual(e.state()[0], Math.fround(e.state()[0]));
  assert.equal(obs[0], Math.fround(e.state()[0]));
});

test('the time limit truncates: MountainCar pushing right from the valley ends by step 200 at the latest', () => {
  const e = makeEnvironment('mountaincar');
  e.resetTo([-0.5, 0]);
  let t = 0;
  let r;
  do {
    r = e.step(0); // pushing left never reaches the flag
    t++;
  } while (!r.terminated && !r.truncated);
  assert.equal(t, 200);
  assert.equal(r.truncated, true);
  assert.equal(r.terminated, false);
  assert.equal(r.reward, -1);
});

test('CartPole ends when the pole falls: always pushing one way, with reward 1 on every step', () => {
  const e = makeEnvironment('cartpole');
  e.resetTo([0, 0, 0, 0]);
  let total = 0;
  for (let t = 0; t < 500; t++) {
    const r = e.step(1);
    total += r.reward;
    if (r.terminated) break;
  }
  assert.ok(total > 1 && total < 30, `pushing right keeps the pole up ${total} steps`);
  const [, , theta] = e.state();
  assert.ok(Math.abs(theta) > (12 * 2 * Math.PI) / 360 || Math.abs(e.state()[0]) > 2.4);
});

test('a step before reset, or an action outside the space, throws', () => {
  const e = makeEnvironment('acrobot');
  assert.throws(() => e.step(0), /call reset before step/);
  e.reset(rng(1));
  assert.throws(() => e.step(3), /action 3 is not one of 0\.\.2/);
  assert.throws(() => e.step(0.5), /action 0\.5/);
});
