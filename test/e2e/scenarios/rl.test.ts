/**
 * Reinforcement learning in the real VS Code (issue 16's editor acceptance): tic-tac-toe against a self-play
 * network played by clicking its board in "Try the model"; then the CartPole template trained from the
 * editor's Training panel with a small episode count: the return chart gets points and the animation moves,
 * Stop ends the run, and "Try the model" plays a greedy episode with the run's network.
 *
 * The tic-tac-toe network is the `tictactoe-zero` template trained by self-play for two iterations with the CLI
 * (`model-studio new`, `train`): a trained network, kept short for CI (the full training and its games against
 * minimax are `npm run bench` lines).
 */
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';
import { eventually, newModelFromTemplate, startSession, type Session } from '../harness/session';

async function modelFiles(): Promise<Record<string, string>> {
  const dir = tempDir('ms-e2e-ttt-');
  const made = await runCli(['new', '--template', 'tictactoe-zero', dir]);
  assert.equal(made.code, 0, made.stderr);
  const trained = await runCli(['train', join(dir, 'model.json'), '--episodes', '2', '--engine', 'cpu', '--workspace', dir]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /Training finished after 2 /);
  const files = ['model.json', 'weights.bin'].map((f) => join(dir, f));
  return Object.fromEntries(files.map((p) => [basename(p).replace(/^model\.json$/, 'tictactoe_zero.model.json'), p]));
}

/** A digest of a canvas' pixels in a webview, to see it change. */
const canvasDigest = (f: Frame, id: string) =>
  f.evaluate((cid) => {
    const c = document.getElementById(cid) as HTMLCanvasElement | null;
    if (!c) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let hash = 0;
    for (let i = 0; i < d.length; i += 7) hash = (hash * 31 + d[i]) | 0;
    return hash;
  }, id);

describe('e2e: reinforcement learning', { timeout: 600_000 }, () => {
  let s: Session;
  before(async () => {
    s = await startSession('rl', { files: await modelFiles() });
    await s.wb.runCommand('View: Close Primary Side Bar');
  });
  after(async () => {
    await s?.close();
  });

  test('a game of tic-tac-toe against the network, by clicking the board', async () => {
    await s.wb.openFile('tictactoe_zero.model.json');
    await s.wb.webview('.ms-node', 60_000);
    await s.wb.runCommand('Model Studio: Show Training View');
    const view = await s.wb.webview('#tab-try', 60_000);
    await view.locator('#tab-try').click();
    const board = view.locator('#rl-try-canvas');
    await board.waitFor({ state: 'visible', timeout: 60_000 });
    // A lighter search keeps the network's answers quick on a loaded machine.
    await view.locator('#rl-simulations').fill('20');
    const cellsOf = async () => ((await board.getAttribute('data-cells')) ?? '').split(',').map(Number);
    const box = await board.boundingBox();
    assert.ok(box);
    // The board: 3 x 3 cells of 80 px centred in the 360 x 240 canvas.
    const clickCell = (i: number) => board.click({ position: { x: ((60 + 80 * (i % 3) + 40) * box.width) / 360, y: ((80 * Math.floor(i / 3) + 40) * box.height) / 240 } });
    for (let turn = 0; turn < 5; turn++) {
      const before = await cellsOf();
      const empty = before.indexOf(0);
      await clickCell(empty);
      const after = await eventually(`my move ${turn + 1} on the board`, async () => ((await cellsOf())[empty] === 1 ? cellsOf() : undefined), 10_000);
      assert.equal(after.filter((v) => v === 1).length, turn + 1);
      if ((await board.getAttribute('data-result')) !== '') break;
      // The network answers: one more O on the board (or the game ends).
      await eventually(`the network's move ${turn + 1}`, async () => (await cellsOf()).filter((v) => v === -1).length === turn + 1 || (await board.getAttribute('data-result')) !== '', 120_000);
      if ((await board.getAttribute('data-result')) !== '') break;
    }
    const result = await board.getAttribute('data-result');
    assert.ok(result === '1' || result === '-1' || result === '0', `the game ended (${result})`);
    const message = (await view.locator('#rl-message').textContent()) ?? '';
    assert.match(message, /You win|The network wins|Draw/);
    console.log(`tic-tac-toe: ${(await cellsOf()).join(',')} → "${message}"`);
    // A click on the finished board is refused with a message.
    await clickCell(0);
    assert.match((await view.locator('#rl-message').textContent()) ?? '', /The game is over/);
    await s.shot('tictactoe-game');
    // The next test finds the CartPole editor's webview as the one showing layers.
    await s.wb.runCommand('View: Close All Editors');
  });

  test('CartPole trains from the Training panel: the return chart gets points, the animation moves; Stop; Try plays an episode', async () => {
    await newModelFromTemplate(s, 'cartpole-dqn');
    const editor = await s.wb.webview('.ms-node');
    await editor.locator('#ms-tab-training').click();
    const episodes = editor.locator('vscode-textfield[data-field="rl.episodes"] input');
    await episodes.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await editor.locator('[data-field="dataset.kind"]').count(), 0, 'no dataset for an RL run');
    await episodes.fill('200');
    await editor.locator('vscode-button[data-action="apply"]').click();
    await eventually('the configuration applied', async () => (await editor.locator('vscode-button[data-action="train"]').evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled)) === false, 15_000);
    await editor.locator('vscode-button[data-action="train"]').click();

    const progress = await eventually('RL progress in the status bar', async () => (await s.wb.statusBarTexts()).find((t) => /^cartpole_dqn · episode \d+\/200 · return \d/.test(t)), 120_000, 100);
    console.log(`status bar: "${progress}"`);
    const view = await s.wb.webview('#rl-animation', 120_000);
    const points = () => view.evaluate(() => ((window as unknown as { __training: { charts(): { id: string; points: number }[] } }).__training.charts().find((c) => c.id === 'rl:return')?.points ?? 0));
    await eventually('the return chart to get points', async () => (await points()) >= 3, 120_000);
    const first = await canvasDigest(view, 'rl-canvas');
    await eventually('the animation to move', async () => (await canvasDigest(view, 'rl-canvas')) !== first, 30_000, 100);
    const caption = (await view.locator('#rl-caption').textContent()) ?? '';
    assert.match(caption, /CartPole-v1 · episode \d+ · step \d+/);
    console.log(`return chart: ${await points()} points; animation: "${caption}"`);
    await s.shot('cartpole-training');

    await view.locator('#stop').click();
    const stopped = await eventually('the run to stop', async () => (await s.wb.statusBarTexts()).find((t) => /^cartpole_dqn stopped/.test(t)), 60_000);
    console.log(`status bar after Stop: "${stopped}"`);

    const tryView = await s.wb.webview('#tab-try');
    await tryView.locator('#tab-try').click();
    const play = tryView.locator('#rl-play');
    await play.waitFor({ state: 'visible', timeout: 60_000 });
    await play.click();
    await tryView.locator('#rl-try-canvas[data-done="true"]').waitFor({ state: 'attached', timeout: 120_000 });
    const played = (await tryView.locator('#rl-message').textContent()) ?? '';
    assert.match(played, /^Return \d+ after \d+ steps: (the episode ended|the time limit was reached)\.$/);
    console.log(`try the model: "${played}"`);
    await s.shot('cartpole-try');
  });
});
