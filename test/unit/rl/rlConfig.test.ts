/** The RL configuration: defaults, saved with the model, and every check before a run with a clear hint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRlConfig, defaultRlConfig, rlConfigOf } from '../../../src/core/rl';
import { getTemplate } from '../../../src/core/templates';
import { trainingConfigOf, withTraining } from '../../../src/core/training';

const CARTPOLE = { input: [4], output: [2] };

test('the cartpole templates carry an RL configuration that passes its checks against their own model', () => {
  for (const id of ['cartpole-dqn', 'cartpole-pg']) {
    const file = getTemplate(id)!.build();
    const t = trainingConfigOf(file.userDefinedMetadata)!;
    const rl = rlConfigOf(t)!;
    assert.equal(rl.environment, 'cartpole', id);
    assert.deepEqual(checkRlConfig(rl, CARTPOLE, t.loss), [], id);
  }
  assert.equal(rlConfigOf(trainingConfigOf(getTemplate('cartpole-dqn')!.build().userDefinedMetadata)!)!.agent, 'dqn');
  assert.equal(rlConfigOf(trainingConfigOf(getTemplate('cartpole-pg')!.build().userDefinedMetadata)!)!.agent, 'reinforce');
});

test('the RL configuration is saved with the model and read back; missing fields take the defaults', () => {
  const file = getTemplate('xor')!.build();
  const t = { ...trainingConfigOf(file.userDefinedMetadata)!, rl: defaultRlConfig({ environment: 'acrobot', episodes: 7 }) };
  const saved = JSON.parse(JSON.stringify(withTraining(file, t)));
  assert.deepEqual(rlConfigOf(trainingConfigOf(saved.userDefinedMetadata)!), t.rl);
  const partial = rlConfigOf({ rl: { environment: 'mountaincar', agent: 'reinforce' } })!;
  assert.equal(partial.gamma, defaultRlConfig().gamma);
  assert.equal(partial.agent, 'reinforce');
  assert.equal(rlConfigOf({}), undefined);
});

test('the defaults are the Keras CartPole DQN tutorial\'s', () => {
  const d = defaultRlConfig();
  assert.deepEqual(
    [d.gamma, d.epsilonStart, d.epsilonEnd, d.epsilonDecay, d.memorySize, d.batchSize],
    [0.95, 1.0, 0.01, 0.995, 2000, 32],
  );
});

test('an unknown environment is refused with the known ones in the hint; gymnasium ids are accepted', () => {
  const [p] = checkRlConfig(defaultRlConfig({ environment: 'pong' }), CARTPOLE, 'huber');
  assert.equal(p.code, 'unknown-environment');
  assert.match(p.message, /Unknown environment "pong"/);
  assert.match(p.hint, /cartpole, mountaincar, acrobot/);
  assert.deepEqual(checkRlConfig(defaultRlConfig({ environment: 'CartPole-v1' }), CARTPOLE, 'huber'), []);
  assert.deepEqual(checkRlConfig(defaultRlConfig({ environment: 'Acrobot-v1' }), { input: [6], output: [3] }, 'huber'), []);
});

test('a DQN whose output size is not the action count is refused, with the units to set', () => {
  const problems = checkRlConfig(defaultRlConfig(), { input: [4], output: [3] }, 'mean_squared_error');
  assert.deepEqual(problems.map((p) => p.code), ['rl-output-shape']);
  assert.match(problems[0].message, /output shape \(\[3\]\) does not fit CartPole-v1's 2 actions: dqn needs one Q-value per action/);
  assert.match(problems[0].hint, /2 units with linear activation/);
  const pg = checkRlConfig(defaultRlConfig({ agent: 'reinforce', environment: 'mountaincar' }), { input: [2], output: [2] }, 'mean_squared_error');
  assert.match(pg[0].hint, /3 units with softmax/);
});

test('a network whose input differs from the observation is refused, with the shape to use', () => {
  const problems = checkRlConfig(defaultRlConfig({ environment: 'acrobot' }), { input: [4], output: [3] }, 'huber');
  assert.deepEqual(problems.map((p) => p.code), ['rl-input-shape']);
  assert.match(problems[0].message, /input shape \(\[4\]\) differs from Acrobot-v1's observation \(\[6\]\)/);
  assert.match(problems[0].hint, /\[6\]/);
  assert.equal(checkRlConfig(defaultRlConfig(), { input: [2, 2], output: [2] }, 'huber')[0].code, 'rl-input-shape');
  // An unknown (None) dimension takes the observation's.
  assert.deepEqual(checkRlConfig(defaultRlConfig(), { input: [null], output: [2] }, 'huber'), []);
});

test('bad settings, an unknown agent and a DQN loss other than mse/huber are each named', () => {
  const rl = { ...defaultRlConfig({ gamma: 1.5, episodes: 0, memorySize: 2.5 }), agent: 'a3c' as never };
  const problems = checkRlConfig(rl, CARTPOLE, 'huber');
  assert.deepEqual(problems.map((p) => p.code), ['unknown-agent', 'bad-rl-setting', 'bad-rl-setting', 'bad-rl-setting']);
  assert.match(problems.map((p) => p.message).join(' '), /episodes is 0.*gamma is 1\.5.*memorySize is 2\.5/);
  const loss = checkRlConfig(defaultRlConfig(), CARTPOLE, 'binary_crossentropy');
  assert.equal(loss[0].code, 'rl-loss');
  assert.match(loss[0].hint, /mean_squared_error or huber/);
  assert.deepEqual(checkRlConfig(defaultRlConfig({ agent: 'reinforce' }), CARTPOLE, 'binary_crossentropy'), []);
});

test('alphazero: the self-play templates pass; a board game needs alphazero and a [rows, cols, 2] input, and alphazero a board game', () => {
  for (const id of ['tictactoe-zero', 'connect4-zero']) {
    const rl = rlConfigOf(trainingConfigOf(getTemplate(id)!.build().userDefinedMetadata)!)!;
    const [rows, cols] = rl.environment === 'tictactoe' ? [3, 3] : [6, 7];
    assert.deepEqual(checkRlConfig(rl, { input: [rows, cols, 2], output: [rl.environment === 'tictactoe' ? 9 : 7] }, 'categorical_crossentropy'), [], id);
  }
  const zero = defaultRlConfig({ environment: 'connect4', agent: 'alphazero' });
  const codes = (rl: typeof zero, input: (number | null)[]) => checkRlConfig(rl, { input, output: [7] }, 'categorical_crossentropy').map((p) => p.code);
  assert.deepEqual(codes(zero, [null, 7, 2]), [], 'a free dimension fits');
  assert.deepEqual(codes(zero, [7, 6, 2]), ['rl-input-shape']);
  assert.deepEqual(codes({ ...zero, agent: 'dqn' }, [6, 7, 2]), ['rl-agent-environment']);
  assert.deepEqual(codes({ ...zero, environment: 'acrobot' }, [6]), ['rl-agent-environment']);
  const bad = checkRlConfig({ ...zero, cPuct: 0, dirichletEpsilon: 2, replayPositions: 1.5, evaluationGames: -1 }, { input: [6, 7, 2], output: [7] }, '');
  assert.deepEqual(bad.map((p) => p.message.split(' ')[2]), ['cPuct', 'dirichletEpsilon', 'replayPositions', 'evaluationGames']);
  assert.ok(bad.every((p) => p.code === 'bad-rl-setting' && p.hint.startsWith('Set ')));
});
