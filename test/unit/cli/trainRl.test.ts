/**
 * `model-studio train MODEL --env ... --agent ... --episodes N`: the cartpole templates train from their saved
 * RL configuration with no dataset; the run folder holds one metrics line per episode; bad flags and models
 * that do not fit the environment fail before training with a hint, and the model file is left as it was.
 * Needs dist/ (`npm run build`): the training worker runs from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';

async function newModel(template: string): Promise<{ dir: string; model: string }> {
  const dir = tempDir();
  const r = await runCli(['new', '--template', template, join(dir, 'm')]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, model: join(dir, 'm', 'model.json') };
}

function episodeLines(workspace: string, modelName: string): Record<string, unknown>[] {
  const runs = join(workspace, '.modelstudio', 'runs', modelName);
  const [run] = readdirSync(runs);
  return readFileSync(join(runs, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

test('train cartpole-dqn with only --episodes: the saved RL config, no dataset, one metrics line per episode', async () => {
  const { dir, model } = await newModel('cartpole-dqn');
  const before = readFileSync(join(dir, 'm', 'weights.bin'));
  // 10 episodes of at least 8 steps fill a batch of 64: training steps happen.
  const r = await runCli(['train', model, '--episodes', '10', '--engine', 'cpu', '--workspace', dir, '--seed', '5']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Data: CartPole-v1 \(gymnasium 1\.3 dynamics\), agent dqn, up to 10 episodes/);
  assert.match(r.stdout, /Episode 1\/10 - return: /);
  assert.match(r.stdout, /finished after 10 episode\(s\)/);
  const lines = episodeLines(dir, 'cartpole_dqn');
  const episodes = lines.filter((l) => l.type === 'epoch');
  assert.equal(episodes.length, 10);
  assert.ok(Number.isFinite((episodes[9].metrics as Record<string, number>).loss), 'the last episode trained');
  for (const e of episodes) assert.deepEqual(Object.keys(e.metrics as object).slice(0, 4), ['return', 'return_avg100', 'steps', 'epsilon']);
  assert.equal(lines.at(-1)!.type, 'end');
  const runs = join(dir, '.modelstudio', 'runs', 'cartpole_dqn');
  const run = join(runs, readdirSync(runs)[0]);
  for (const kind of ['last', 'best']) assert.ok(existsSync(join(run, 'checkpoints', kind, 'model.json')), `checkpoints/${kind}`);
  assert.ok(existsSync(join(run, 'final', 'model.json')));
  assert.notDeepEqual(readFileSync(join(dir, 'm', 'weights.bin')), before, 'the trained weights are saved');
});

test('train --env/--agent switch a saved configuration: cartpole-pg with REINFORCE', async () => {
  const { dir, model } = await newModel('cartpole-pg');
  const r = await runCli(['train', model, '--env', 'CartPole-v1', '--agent', 'reinforce', '--episodes', '2', '--engine', 'cpu', '--workspace', dir, '--no-save']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /agent reinforce, up to 2 episodes/);
  assert.equal(episodeLines(dir, 'cartpole_pg').filter((l) => l.type === 'epoch').length, 2);
});

test('bad RL input fails before training with a hint, and nothing is written', async () => {
  const { dir, model } = await newModel('cartpole-dqn');
  const before = readFileSync(join(dir, 'm', 'weights.bin'));
  const cases: [string[], RegExp][] = [
    [['--env', 'pong'], /Unknown environment "pong"[\s\S]*cartpole, mountaincar, acrobot/],
    [['--agent', 'a3c'], /Unknown agent "a3c"[\s\S]*dqn, double-dqn, reinforce, alphazero/],
    [['--episodes', '0'], /--episodes must be a positive integer/],
    // The 4-input Q-network cannot play Acrobot (6 observations, 3 actions).
    [['--env', 'acrobot', '--engine', 'cpu'], /input shape \(\[4\]\) differs from Acrobot-v1's observation \(\[6\]\)[\s\S]*output shape \(\[2\]\) does not fit[\s\S]*Input layer's shape \[6\]/],
    [['--engine', 'keras'], /TensorFlow\.js engines, not keras/],
  ];
  for (const [flags, re] of cases) {
    const r = await runCli(['train', model, ...flags, '--workspace', dir]);
    assert.equal(r.code, 1, flags.join(' '));
    assert.match(r.stderr, re, flags.join(' '));
  }
  assert.deepEqual(readFileSync(join(dir, 'm', 'weights.bin')), before);
  const runs = join(dir, '.modelstudio', 'runs', 'cartpole_dqn');
  assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, 'no run folder for a run that never started');
});

test('a model without an RL configuration still asks for a dataset, and --env makes it an RL run', async () => {
  const { dir, model } = await newModel('char-rnn');
  // char-rnn trains on the shipped text by default: take its dataset away.
  const json = JSON.parse(readFileSync(model, 'utf8'));
  json.userDefinedMetadata.modelStudio.training.dataset = null;
  writeFileSync(model, JSON.stringify(json));
  const r = await runCli(['train', model, '--workspace', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No dataset/);
  const rl = await runCli(['train', model, '--env', 'cartpole', '--engine', 'cpu', '--workspace', dir]);
  assert.equal(rl.code, 1);
  assert.match(rl.stderr, /input shape \(\[40\]\) differs from CartPole-v1's observation \(\[4\]\)/);
});

test('play: greedy episodes of a network on its environment, as text or JSON; a network that does not fit is refused', async () => {
  const { model } = await newModel('cartpole-dqn');
  const r = await runCli(['play', model, '--episodes', '3', '--engine', 'cpu', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.environment, 'CartPole-v1');
  assert.equal(j.returns.length, 3);
  assert.ok(j.returns.every((x: number) => Number.isInteger(x) && x >= 1 && x <= 500));
  assert.equal(j.mean, j.returns.reduce((a: number, b: number) => a + b) / 3);
  const again = await runCli(['play', model, '--episodes', '3', '--engine', 'cpu', '--json']);
  assert.deepEqual(JSON.parse(again.stdout).returns, j.returns, 'the saved seed fixes the starts');
  const text = await runCli(['play', model, '--episodes', '2', '--engine', 'cpu']);
  assert.match(text.stdout, /CartPole-v1, greedy policy, 2 episode\(s\)[\s\S]*mean return: /);
  const wrong = await runCli(['play', model, '--env', 'mountaincar', '--engine', 'cpu']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /input shape \(\[4\]\) differs from MountainCar-v0's observation \(\[2\]\)/);
  const unknown = await runCli(['play', model, '--env', 'pong']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown environment "pong"/);
});

test('train tictactoe-zero: --episodes counts self-play iterations, one line and one metrics line each; bad pairs refused', async () => {
  const { dir, model } = await newModel('tictactoe-zero');
  // Small settings, saved with the model as the training form would: mechanics, not strength (that is npm run bench).
  const json = JSON.parse(readFileSync(model, 'utf8'));
  Object.assign(json.userDefinedMetadata.modelStudio.training.rl, { gamesPerIteration: 3, simulations: 8, evaluationGames: 2 });
  writeFileSync(model, JSON.stringify(json));
  const before = readFileSync(join(dir, 'm', 'weights.bin'));
  const r = await runCli(['train', model, '--episodes', '2', '--engine', 'cpu', '--workspace', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Data: tictactoe self-play, agent alphazero, 2 iterations of 3 games, 8 simulations per move/);
  assert.match(r.stdout, /Iteration 1\/2 - [\d.]+s - loss: [\d.]+ - policy_loss: [\d.]+ - value_loss: [\d.]+ - win_rate: [\d.]+ - draw_rate: [\d.]+ - loss_rate: [\d.]+/);
  assert.match(r.stdout, /finished after 2 iteration\(s\)/);
  assert.equal(episodeLines(dir, 'tictactoe_zero').filter((l) => l.type === 'epoch').length, 2);
  assert.notDeepEqual(readFileSync(join(dir, 'm', 'weights.bin')), before, 'the trained weights are saved');
  const cases: [string, string[], RegExp][] = [
    ['tictactoe-zero', ['--env', 'connect4'], /input shape \(\[3, 3, 2\]\) differs from connect4's position encoding[\s\S]*\[6, 7, 2\]/],
    ['tictactoe-zero', ['--agent', 'reinforce'], /two-player board game; reinforce learns a single-player environment[\s\S]*alphazero/],
    ['cartpole-dqn', ['--agent', 'alphazero'], /alphazero plays board games by self-play, not cartpole[\s\S]*tictactoe or connect4/],
  ];
  for (const [template, flags, re] of cases) {
    const m = await newModel(template);
    const bad = await runCli(['train', m.model, ...flags, '--engine', 'cpu', '--workspace', m.dir]);
    assert.equal(bad.code, 1, flags.join(' '));
    assert.match(bad.stderr, re, flags.join(' '));
    const runs = join(m.dir, '.modelstudio', 'runs');
    const folders = existsSync(runs) ? readdirSync(runs).flatMap((name) => readdirSync(join(runs, name))) : [];
    assert.deepEqual(folders, [], 'no run folder for a run that never started');
  }
});
