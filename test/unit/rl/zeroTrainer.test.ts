/**
 * Self-play training through the Trainer contract on the cpu engine, with small settings (mechanics; the
 * strength of the default configuration is `npm run bench`): one event per iteration with the metrics the
 * charts read, the window fitted with a falling loss, Stop, and the bad inputs refused in prepare.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileWeights } from '../../../src/core/initializers';
import { boardGameOf, isRlFrame, positionOf, selfPlayGame, type RlConfig, type RlFrame } from '../../../src/core/rl';
import { getTemplate, TEMPLATE_SEED } from '../../../src/core/templates';
import { trainingConfigOf, type TrainingConfig } from '../../../src/core/training';
import { rng } from '../../../src/core/initializers';
import { TrainingControl } from '../../../src/engine/control';
import type { EpochEvent } from '../../../src/engine/trainer';
import { trainerForJob } from '../../../src/engine/trainers';
import { loadEngine } from '../../../src/engine/tfjs/engines';
import { buildTfModel } from '../../../src/engine/tfjs/model';
import { makeOptimizer } from '../../../src/engine/tfjs/training/optimizers';
import { networkEvaluator } from '../../../src/engine/rl/networkEvaluator';
import { fitWindow } from '../../../src/engine/rl/zero';
import type { StartJob } from '../../../src/protocol/worker';
import { userError } from '../../helpers/assertions';
import { tempDir } from '../../helpers/paths';

const SMALL: Partial<RlConfig> = { episodes: 2, gamesPerIteration: 3, simulations: 6, evaluationGames: 4, trainingEpochs: 1, batchSize: 16 };

function job(template: string, rl: Partial<RlConfig>, over: Partial<TrainingConfig> = {}): StartJob {
  const model = getTemplate(template)!.build();
  model.weights = reconcileWeights(model.graph, [], TEMPLATE_SEED);
  const saved = trainingConfigOf(model.userDefinedMetadata)!;
  const training = { ...saved, ...over, rl: { ...saved.rl!, ...rl } };
  const ws = tempDir();
  return { sessionId: 't', model, training, engine: 'cpu', baseDir: ws, runDir: `${ws}/run` };
}

test('alphazero: one event per iteration with loss, policy_loss, value_loss and the rates against a random player; a finished board per round while watched', async () => {
  const j = job('tictactoe-zero', SMALL);
  const prepared = await (await trainerForJob(j)).prepare(j, {});
  try {
    assert.match(prepared.data.train, /tictactoe self-play, agent alphazero, 2 iterations of 3 games, 6 simulations/);
    const before = await prepared.weights();
    const events: EpochEvent[] = [];
    const offers: string[] = [];
    // Watched: after each round of games, the board a finished game ended on (the live animation's frame).
    const control = new TrainingControl();
    control.watching = true;
    const frames: RlFrame[] = [];
    const result = await prepared.fit(control, { onEpoch: (p) => void events.push(p), onCheckpoint: async (k, e) => void offers.push(`${e}:${k.join('+')}`), onFrame: (f) => void frames.push(f) });
    assert.equal(result.status, 'done');
    assert.deepEqual(frames.map((f) => [f.scene, f.episode, f.step]), [['tictactoe', 1, 3], ['tictactoe', 2, 3]]);
    for (const f of frames) {
      assert.ok(isRlFrame(f));
      const read = positionOf(boardGameOf('tictactoe'), f.state);
      assert.ok('position' in read && read.position.result !== null, 'the board of a finished game');
    }
    assert.deepEqual(events.map((e) => e.epoch), [1, 2]);
    for (const e of events) {
      const m = e.metrics;
      for (const key of ['loss', 'policy_loss', 'value_loss', 'win_rate', 'draw_rate', 'loss_rate']) assert.ok(Number.isFinite(m[key]), key);
      assert.ok(Math.abs(m.loss - (m.policy_loss + m.value_loss)) < 1e-4, 'loss = policy + value at weight 1');
      assert.ok(Math.abs(m.win_rate + m.draw_rate + m.loss_rate - 1) < 1e-9);
      assert.ok(m.win_rate * 4 === Math.round(m.win_rate * 4), 'four evaluation games');
      assert.equal(m.games, 3);
      // A tic-tac-toe game has 5 to 9 plies.
      assert.ok(m.positions >= 15 && m.positions <= 27);
    }
    assert.equal(events[1].step, events[0].metrics.positions + events[1].metrics.positions);
    assert.equal(offers[0], '1:last+best');
    const after = await prepared.weights();
    assert.ok(after.some((w, i) => w.data.some((v, k) => v !== before[i].data[k])), 'training changed the weights');
  } finally {
    prepared.dispose();
  }
});

test('alphazero: fitting the same window again lowers its loss; Connect Four self-play games are legal', async () => {
  const { tf } = await loadEngine('cpu');
  const file = getTemplate('connect4-zero')!.build();
  file.weights = reconcileWeights(file.graph, [], TEMPLATE_SEED);
  const model = await buildTfModel(tf, file);
  const game = boardGameOf('connect4');
  const rl = { ...trainingConfigOf(file.userDefinedMetadata)!.rl!, trainingEpochs: 1, batchSize: 32 } as RlConfig;
  const g = selfPlayGame(game, networkEvaluator(tf, model, game), { simulations: 4, cPuct: 1.5, temperatureMoves: 40, random: rng(2) });
  // A Connect Four game has 7 to 42 plies; each policy target is a distribution over the 7 columns.
  assert.ok(g.examples.length >= 7 && g.examples.length <= 42);
  g.examples.forEach((e) => assert.ok(Math.abs(e.policy.reduce((a, b) => a + b, 0) - 1) < 1e-9));
  const optimizer = makeOptimizer(tf, { name: 'adam', params: { learning_rate: 0.005 } });
  const heads = { policy: { name: 'policy', loss: 'categorical_crossentropy', metrics: [], weight: 1 }, value: { name: 'value', loss: 'mean_squared_error', metrics: [], weight: 1 } };
  const loop = { tf, model, game, rl, optimizer, heads, random: rng(1), evalRandom: rng(2), learningRate: () => 0.005 };
  const first = await fitWindow(loop, g.examples);
  let last = first;
  for (let i = 0; i < 4; i++) last = await fitWindow(loop, g.examples);
  assert.ok(last.loss < first.loss, `${last.loss} < ${first.loss}`);
  assert.ok(last.value_loss < first.value_loss);
  optimizer.dispose();
  model.dispose();
});

test('alphazero: Stop before the first game ends the run with no iteration', async () => {
  const j = job('tictactoe-zero', SMALL);
  const prepared = await (await trainerForJob(j)).prepare(j, {});
  try {
    const control = new TrainingControl();
    control.stop();
    const result = await prepared.fit(control, {});
    assert.equal(result.status, 'stopped');
    assert.equal(result.epochs, 0);
  } finally {
    prepared.dispose();
  }
});

test('alphazero: bad input is refused in prepare with a hint', async () => {
  const prepare = async (j: StartJob) => (await trainerForJob(j)).prepare(j, {});
  await userError(() => prepare(job('tictactoe-zero', { environment: 'connect4' })), /input shape \(\[3, 3, 2\]\) differs from connect4's position encoding \(\[6, 7, 2\].*Input layer's shape \[6, 7, 2\]/);
  await userError(() => prepare(job('tictactoe-zero', { agent: 'dqn' })), /two-player board game; dqn learns a single-player environment.*alphazero/);
  await userError(() => prepare(job('cartpole-dqn', { agent: 'alphazero' })), /alphazero plays board games by self-play, not cartpole.*tictactoe or connect4/);
  await userError(() => prepare(job('tictactoe-zero', { simulations: 0 })), /simulations is 0; it must be a whole number, at least 1/);
  // A model with one output (the policy alone): no value head.
  const one = job('tictactoe-zero', {});
  one.model.graph.outputs = ['policy'];
  one.model.graph.layers = one.model.graph.layers.filter((l) => l.name !== 'value');
  one.model.weights = reconcileWeights(one.model.graph, [], TEMPLATE_SEED);
  await userError(() => prepare(one), /two outputs, a policy of 9 units and a value of 1 unit; this one has 1 output\(s\): \[9\].*softmax.*tanh/);
  const sparse = job('tictactoe-zero', {}, { outputs: { policy: { loss: 'sparse_categorical_crossentropy', metrics: [] }, value: { loss: 'mean_squared_error', metrics: [] } } });
  await userError(() => prepare(sparse), /policy output policy learns the search's move distribution with categorical_crossentropy, not sparse_categorical_crossentropy/);
  const value = job('tictactoe-zero', {}, { outputs: { policy: { loss: 'categorical_crossentropy', metrics: [] }, value: { loss: 'binary_crossentropy', metrics: [] } } });
  await userError(() => prepare(value), /value output value learns the game's result with mean_squared_error or huber, not binary_crossentropy/);
});
