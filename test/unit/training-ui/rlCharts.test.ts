/**
 * What an RL run's charts draw: the return with its 100-episode average on one chart, self-play's
 * win/draw/loss rates on one chart, every other metric its own, the x axis in episodes or iterations; and the
 * board geometry the animation and "Try the model" share (which cell or column a click hits).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rlCharts } from '../../../webview/training/chartedMetrics';
import { actionAt, boardLayout } from '../../../webview/training/scenes';

const colors = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

test('DQN: return and its moving average on one chart, then loss, epsilon and steps, per episode', () => {
  const charts = rlCharts(['return', 'return_avg100', 'steps', 'loss', 'epsilon'], colors, 'episode');
  assert.deepEqual(charts.map((c) => [c.id, c.title, c.series.map((s) => s.key)]), [
    ['rl:return', 'return per episode', ['return', 'return_avg100']],
    ['rl:steps', 'steps per episode', ['steps']],
    ['rl:loss', 'loss per episode', ['loss']],
    ['rl:epsilon', 'epsilon per episode', ['epsilon']],
  ]);
  // The raw returns as points, the average as a thicker line in another colour.
  const [ret, avg] = charts[0].series;
  assert.equal(ret.points, true);
  assert.notEqual(ret.color, avg.color);
  assert.ok((avg.width ?? 0) > (ret.width ?? 0));
});

test('REINFORCE before its first average: the return alone, no epsilon chart', () => {
  const charts = rlCharts(['return', 'steps', 'loss'], colors, 'episode');
  assert.deepEqual(charts[0].series.map((s) => s.label), ['return']);
  assert.ok(!charts.some((c) => c.id === 'rl:epsilon'));
});

test('self-play: win, draw and loss rates on one chart, the losses each their own, per iteration', () => {
  const charts = rlCharts(['loss', 'policy_loss', 'value_loss', 'win_rate', 'draw_rate', 'loss_rate'], colors, 'iteration');
  assert.deepEqual(charts.map((c) => c.title), ['win / draw / loss rate per iteration', 'loss per iteration', 'policy_loss per iteration', 'value_loss per iteration']);
  assert.deepEqual(charts[0].series.map((s) => s.label), ['win', 'draw', 'loss']);
  assert.equal(new Set(charts[0].series.map((s) => s.color)).size, 3);
});

test('a click hits the cell (tic-tac-toe) or the column (Connect Four) under it; off the board, nothing', () => {
  // 300 x 300: tic-tac-toe cells of 100 px.
  assert.deepEqual(boardLayout(3, 3, 300, 300), { x0: 0, y0: 0, cell: 100 });
  assert.equal(actionAt('tictactoe', 10, 10, 300, 300), 0);
  assert.equal(actionAt('tictactoe', 150, 150, 300, 300), 4);
  assert.equal(actionAt('tictactoe', 299, 205, 300, 300), 8);
  // 360 x 240: a 3 x 3 board of 80 px cells centred (x from 60 to 300).
  assert.equal(actionAt('tictactoe', 30, 120, 360, 240), undefined);
  assert.equal(actionAt('tictactoe', 65, 5, 360, 240), 0);
  // Connect Four, 7 x 6 in 350 x 300: 50 px cells; any row of a column is that column.
  assert.equal(actionAt('connect4', 10, 290, 350, 300), 0);
  assert.equal(actionAt('connect4', 340, 10, 350, 300), 6);
  assert.equal(actionAt('connect4', 175, 150, 350, 300), 3);
  assert.equal(actionAt('connect4', 175, 305, 350, 300), undefined);
  assert.equal(actionAt('cartpole', 10, 10, 350, 300), undefined);
});
