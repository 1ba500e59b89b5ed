/**
 * Our classic-control environments (src/core/rl) against gymnasium 1.3's: 1,000 random-action trajectories
 * per environment, each started from the internal state gymnasium's seeded reset drew (ours draws from another
 * PRNG, so the start is copied, not re-drawn) and driven by the same actions; every step's observation,
 * internal state, reward, terminated and truncated must match within 1e-6.
 *
 * CartPole and MountainCar run free for whole episodes. The acrobot is a chaotic double pendulum: numpy's
 * sin/cos and V8's differ in the last bit now and then (first seen around step 26 of an episode), and the
 * dynamics grow that 1e-16 to 1e-6 within a few hundred steps. So the acrobot runs free for its first
 * FREE_STEPS steps, and after that each step starts from gymnasium's previous internal state: the
 * dynamics, integrator, wrapping, bounds, reward and both ends are still compared at every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentId, makeEnvironment, type ClassicControlId } from '../../src/core/rl';
import { runPython } from './python';

const EPISODES = 1000;
const GYM_IDS = ['CartPole-v1', 'MountainCar-v0', 'Acrobot-v1'];
const TOL = 1e-6;
/** Steps of each acrobot episode run free (see above); CartPole and MountainCar run free throughout. */
const FREE_STEPS = 100;

interface Answer {
  gymnasium: string;
  files: Record<string, string>;
}

function close(ours: readonly number[], theirs: Float64Array, at: string): void {
  assert.equal(ours.length, theirs.length, `${at}: length`);
  ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) <= TOL, `${at}[${i}]: ours ${v}, gymnasium ${theirs[i]}`));
}

/** Replays every trajectory of one file on our environment; returns the number of steps compared. */
function replay(gymId: string, values: Float64Array): { episodes: number; steps: number; terminated: number; truncated: number } {
  const env = makeEnvironment(environmentId(gymId) as ClassicControlId);
  const S = env.state().length;
  const O = env.observationShape[0];
  let k = 0;
  const take = (n: number) => values.subarray(k, (k += n));
  const counts = { episodes: 0, steps: 0, terminated: 0, truncated: 0 };
  while (k < values.length) {
    const [steps] = take(1);
    const state = Array.from(take(S));
    close(env.resetTo(state), take(O), `${gymId} episode ${counts.episodes} reset observation`);
    let previous = state;
    for (let t = 0; t < steps; t++) {
      if (gymId === 'Acrobot-v1' && t >= FREE_STEPS) env.setState(previous);
      const [action, reward, terminated, truncated] = take(4);
      const at = `${gymId} episode ${counts.episodes} step ${t}`;
      const r = env.step(action);
      close(r.observation, take(O), `${at} observation`);
      previous = Array.from(take(S));
      close(env.state(), Float64Array.from(previous), `${at} state`);
      assert.equal(r.reward, reward, `${at} reward`);
      assert.equal(r.terminated, terminated === 1, `${at} terminated`);
      assert.equal(r.truncated, truncated === 1, `${at} truncated`);
      counts.terminated += Number(r.terminated);
      counts.truncated += Number(r.truncated);
    }
    counts.episodes += 1;
    counts.steps += steps;
  }
  return counts;
}

test('CartPole-v1, MountainCar-v0 and Acrobot-v1 step as gymnasium 1.3 does (1,000 random trajectories each)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-rl-envs-'));
  try {
    const answer = runPython<Answer>('rl_envs.py', { envs: GYM_IDS, episodes: EPISODES, seed: 2024, out: dir });
    assert.match(answer.gymnasium, /^1\./);
    for (const gymId of GYM_IDS) {
      const buf = readFileSync(answer.files[gymId]);
      const counts = replay(gymId, new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8));
      assert.equal(counts.episodes, EPISODES, gymId);
      // Both ends occur, so both flags are compared where they are true (MountainCar's random walk never reaches the flag).
      if (gymId !== 'MountainCar-v0') assert.ok(counts.terminated > 0, `${gymId}: no terminated episode`);
      if (gymId !== 'CartPole-v1') assert.ok(counts.truncated > 0, `${gymId}: no truncated episode`);
      console.log(`${gymId}: ${counts.episodes} episodes, ${counts.steps} steps, ${counts.terminated} terminated, ${counts.truncated} truncated`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
