/**
 * `model-studio play MODEL --env tictactoe|connect4 --opponent random|greedy|minimax|self --games N
 * [--simulations S]`: the network with MCTS against a fixed opponent, colours alternating, win/draw/loss as text
 * or JSON; each bad input refused with a hint before any game.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate, TEMPLATE_SEED } from '../../../src/core/templates';
import { writeModel } from '../../../src/formats/registry';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';

async function newModel(template: string, edit?: (f: ReturnType<NonNullable<ReturnType<typeof getTemplate>>['build']>) => void): Promise<string> {
  const file = getTemplate(template)!.build();
  edit?.(file);
  file.weights = reconcileWeights(file.graph, [], TEMPLATE_SEED);
  const path = join(tempDir(), 'm', 'model.json');
  await writeModel(path, file);
  return path;
}

test('play tic-tac-toe against minimax and random: counts for both colours, nobody beats minimax', async () => {
  const model = await newModel('tictactoe-zero');
  const r = await runCli(['play', model, '--opponent', 'minimax', '--games', '4', '--simulations', '20', '--engine', 'cpu', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.environment, j.opponent, j.games, j.simulations], ['tictactoe', 'minimax', 4, 20]);
  assert.equal(j.wins + j.draws + j.losses, 4);
  assert.equal(j.wins, 0, 'a perfect player cannot lose');
  assert.equal(j.first.wins + j.first.draws + j.first.losses, 2);
  assert.equal(j.second.losses + j.first.losses, j.losses);
  const text = await runCli(['play', model, '--opponent', 'random', '--games', '2', '--simulations', '10', '--engine', 'cpu']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /tictactoe: the network with MCTS \(10 simulations\) against random, 2 game\(s\), colours alternating[\s\S]*moving first: +\d won, \d drawn, \d lost[\s\S]*total: \d won/);
});

test('play Connect Four against greedy and itself; --env switches a model to its game', async () => {
  const model = await newModel('connect4-zero');
  for (const opponent of ['greedy', 'self']) {
    const r = await runCli(['play', model, '--env', 'connect4', '--opponent', opponent, '--games', '2', '--simulations', '4', '--engine', 'cpu', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.wins + j.draws + j.losses, 2, opponent);
  }
});

test('play refuses bad board-game input with a hint, before any game', async () => {
  const c4 = await newModel('connect4-zero');
  const ttt = await newModel('tictactoe-zero');
  const cartpole = await newModel('cartpole-dqn');
  const policyOnly = await newModel('tictactoe-zero', (f) => {
    f.graph.outputs = ['policy'];
    f.graph.layers = f.graph.layers.filter((l) => l.name !== 'value');
  });
  const cases: [string[], RegExp, RegExp][] = [
    [[ttt, '--opponent', 'alphabeta'], /Unknown opponent "alphabeta"/, /random, greedy, minimax, self/],
    [[c4, '--opponent', 'minimax'], /minimax opponent plays tic-tac-toe only/, /--opponent greedy or random/],
    [[ttt, '--games', '0'], /--games must be a positive integer/, /usage|positive/],
    [[ttt, '--simulations', 'many'], /--simulations must be a positive integer/, /usage|positive/],
    [[policyOnly, '--engine', 'cpu'], /two outputs, a policy of 9 units and a value of 1 unit; this one has 1 output\(s\): \[9\]/, /softmax.*tanh/],
    [[ttt, '--env', 'connect4', '--engine', 'cpu'], /input shape \(\[3, 3, 2\]\) differs from connect4's position encoding/, /Input layer's shape \[6, 7, 2\]/],
    [[cartpole, '--opponent', 'random'], /--opponent is for the board games/, /--env tictactoe or --env connect4/],
  ];
  for (const [args, message, hint] of cases) {
    const r = await runCli(['play', ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, hint, args.join(' '));
  }
});
