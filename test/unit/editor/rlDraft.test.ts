/**
 * The training form's RL part: the RL templates' configurations round-trip through the form unchanged, what
 * the form does not edit is kept, core's checks show under the right field with their hints (a bad setting,
 * a model that does not fit the environment, a DQN's loss), nothing is sent while a problem stands, and the
 * section is offered for a model that fits an environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../../src/core/templates';
import { parseTrainingConfig, trainingConfigOf, type ModelShapes } from '../../../src/core/training';
import { configFrom, draftFrom, type Draft } from '../../../webview/editor/trainingDraft';
import { fittingEnvironment } from '../../../webview/editor/rlDraft';

const io = { inputs: ['state'], outputs: ['q_values'] };
const cartpole: ModelShapes = { input: [null, 4], output: [null, 2] };
const dqn = () => trainingConfigOf(getTemplate('cartpole-dqn')!.build().userDefinedMetadata)!;
const withRl = (d: Draft, f: (r: Draft['rl']) => Draft['rl']): Draft => ({ ...d, rl: f(d.rl) });
const setNumber = (d: Draft, key: keyof Draft['rl']['numbers'], v: string) => withRl(d, (r) => ({ ...r, numbers: { ...r.numbers, [key]: v } }));

test('the RL templates round-trip through the form unchanged; supervised ones get no rl', () => {
  for (const id of ['cartpole-dqn', 'cartpole-pg']) {
    const t = trainingConfigOf(getTemplate(id)!.build().userDefinedMetadata)!;
    const d = draftFrom(t);
    assert.equal(d.rl.on, true);
    const r = configFrom(d, io, cartpole);
    assert.deepEqual(r.errors, {}, id);
    assert.deepEqual(r.config?.rl, t.rl, id);
  }
  const mnist = trainingConfigOf(getTemplate('mnist-mlp')!.build().userDefinedMetadata)!;
  assert.equal(draftFrom(mnist).rl.on, false);
  assert.equal(configFrom(draftFrom(mnist)).config?.rl, undefined);
});

test('settings the form does not edit (another agent\'s) are kept as read', () => {
  const t = dqn();
  const saved = { ...t, rl: { ...t.rl!, simulations: 50, cPuct: 1.25 } as typeof t.rl };
  const r = configFrom(draftFrom(saved), io, cartpole);
  assert.deepEqual(r.config?.rl, saved.rl);
});

test("a bad setting shows under its field with core's hint, and nothing is sent", () => {
  const d = draftFrom(dqn());
  const bad = configFrom(setNumber(setNumber(d, 'gamma', '1.5'), 'episodes', '0'), io, cartpole);
  assert.equal(bad.config, undefined);
  assert.match(bad.errors['rl.gamma'], /gamma is 1\.5; it must be in \[0, 1\]\. Set gamma to in \[0, 1\]/);
  assert.match(bad.errors['rl.episodes'], /episodes is 0; it must be a whole number, at least 1/);
  assert.deepEqual(Object.keys(bad.errors).sort(), ['rl.episodes', 'rl.gamma']);
  const typed = configFrom(setNumber(d, 'memorySize', 'lots'), io, cartpole);
  assert.equal(typed.errors['rl.memorySize'], 'must be a number');
  const stop = configFrom(withRl(d, (r) => ({ ...r, stopAtAverage: '' })), io, cartpole);
  assert.equal(stop.config?.rl?.stopAtAverage, null, 'empty: play every episode');
});

test('a model that does not fit the environment, and a DQN with a classification loss, are told under environment and loss', () => {
  const d = draftFrom(dqn());
  const acrobot = configFrom(withRl(d, (r) => ({ ...r, environment: 'acrobot' })), io, cartpole);
  assert.equal(acrobot.config, undefined);
  assert.match(acrobot.errors['rl.environment'], /input shape \(\[4\]\) differs from Acrobot-v1's observation \(\[6\]\)\. Make the Input layer's shape \[6\]/);
  const loss = configFrom({ ...d, loss: 'categorical_crossentropy' }, io, cartpole);
  assert.match(loss.errors.loss, /A DQN learns with mean_squared_error or huber.*Set the loss to/);
  // REINFORCE takes its loss from the policy gradient: the same loss is no problem there.
  assert.equal(configFrom(withRl({ ...d, loss: 'categorical_crossentropy' }, (r) => ({ ...r, agent: 'reinforce' })), io, cartpole).errors.loss, undefined);
  const unknown = configFrom(withRl(d, (r) => ({ ...r, environment: 'pong' })), io, cartpole);
  assert.match(unknown.errors['rl.environment'], /Unknown environment "pong"\. Use one of: cartpole, mountaincar, acrobot/);
});

test('turning RL off drops it; the section is offered to a model that fits an environment', () => {
  const off = configFrom(withRl(draftFrom(dqn()), (r) => ({ ...r, on: false })), io, cartpole);
  assert.equal(off.config?.rl, undefined);
  assert.equal(fittingEnvironment(cartpole), 'cartpole');
  assert.equal(fittingEnvironment({ input: [null, 6], output: [null, 3] }), 'acrobot');
  assert.equal(fittingEnvironment({ input: [null, 2], output: [null, 3] }), 'mountaincar');
  assert.equal(fittingEnvironment({ input: [null, 784], output: [null, 10] }), undefined);
  assert.equal(fittingEnvironment(undefined), undefined);
});

test('the host keeps the RL settings of a training edit and needs no dataset for them; a malformed rl is refused', () => {
  const t = dqn();
  const parsed = parseTrainingConfig(JSON.parse(JSON.stringify(t)));
  assert.deepEqual(parsed.config?.rl, t.rl);
  assert.equal(parsed.config?.dataset, null);
  const { rl: _, ...supervised } = JSON.parse(JSON.stringify(t));
  assert.deepEqual(parseTrainingConfig(supervised).errors, { 'dataset.kind': 'choose a dataset' });
  assert.match(parseTrainingConfig({ ...t, rl: 'cartpole' }).errors?.rl ?? '', /reinforcement-learning settings/);
});
