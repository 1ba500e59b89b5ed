/**
 * An RL run in the training view, in real headless Chromium: per-episode events draw the return with its
 * moving average on one chart and epsilon and loss on their own, with "episode" on the x axis; frames move the
 * animation; "Try the model" animates a greedy episode and plays tic-tac-toe by clicks and by keyboard, with
 * illegal clicks refused with a short message and the result shown, and New game starting over.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EpochPoint } from '../../../src/core/training';
import type { SessionInfo, TrainingSnapshot, TryInfo } from '../../../src/protocol/training';
import { pageErrors, posted, send, settle, startHarness, type Harness } from './harness';

const session: SessionInfo = { id: 's1', model: 'cartpole_dqn', runId: 'r1', state: 'running', epochs: 200, engine: 'cpu', startedAt: Date.now() };
const snap = (tryInfo: TryInfo, over: Partial<TrainingSnapshot> = {}): TrainingSnapshot => ({ session, sessions: [session], batches: [], epochs: [], histograms: [], runs: [], tryInfo, ...over });
const episode = (n: number): EpochPoint => ({ epoch: n, step: n * 20, metrics: { return: 10 + n, return_avg100: 10 + n / 2, steps: 10 + n, loss: 1 / n, epsilon: 0.98 ** n } });

type Charts = { id: string; points: number; title: string; series: string[] }[];
const charts = (page: Page) => page.evaluate(() => (window as unknown as { __training: { charts(): Charts } }).__training.charts());
const framesDrawn = (page: Page) => page.evaluate(() => (window as unknown as { __training: { framesDrawn(): number } }).__training.framesDrawn());
/** A digest of the canvas pixels, to see a drawing change. */
const pixels = (page: Page, id: string) =>
  page.evaluate((cid) => {
    const c = document.getElementById(cid) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let hash = 0;
    for (let i = 0; i < d.length; i += 7) hash = (hash * 31 + d[i]) | 0;
    return hash;
  }, id);
const lastPredict = async (page: Page) => (await posted(page)).filter((m) => m.type === 'predict').pop() as unknown as { requestId: number; input: { kind: string; cells?: number[]; simulations?: number } };
const cells = async (page: Page) => (await page.locator('#rl-try-canvas').getAttribute('data-cells'))?.split(',').map(Number);

describe('RL runs in the training view (Chromium)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  test('per-episode charts with "episode" on the x axis, and frames that move the animation', async () => {
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snap({ kind: 'episode', scene: 'cartpole', maxSteps: 500 }) });
    assert.equal(await page.locator('#rl-animation').isVisible(), false, 'no animation before a frame');
    for (let n = 1; n <= 30; n++) await send(page, { type: 'epoch', sessionId: 's1', point: episode(n) });
    await settle(page);
    const drawn = await charts(page);
    const ret = drawn.find((c) => c.id === 'rl:return');
    assert.ok(ret, JSON.stringify(drawn.map((c) => c.id)));
    assert.equal(ret.points, 30);
    assert.deepEqual(ret.series, ['return', 'average of the last 100']);
    assert.ok(drawn.some((c) => c.id === 'rl:epsilon') && drawn.some((c) => c.id === 'rl:loss'));
    assert.ok(!drawn.some((c) => c.id.startsWith('batch:') || c.id.startsWith('epoch:')), 'no supervised charts');
    assert.match(await page.locator('[data-chart="rl:return"]').innerText(), /episode/);
    assert.match(await page.locator('#session-status').innerText(), /episode 30\/200 · return 40 · avg 25(\s|$)/);

    await send(page, { type: 'frame', sessionId: 's1', frame: { scene: 'cartpole', episode: 31, step: 5, state: [0, 0, 0.05, 0] } });
    await settle(page);
    assert.equal(await page.locator('#rl-animation').isVisible(), true);
    const first = await pixels(page, 'rl-canvas');
    await send(page, { type: 'frame', sessionId: 's1', frame: { scene: 'cartpole', episode: 31, step: 9, state: [0.8, 0, -0.15, 0] } });
    await settle(page);
    assert.notEqual(await pixels(page, 'rl-canvas'), first, 'the cart moved');
    assert.match(await page.locator('#rl-caption').innerText(), /CartPole-v1 · episode 31 · step 9/);
    // Another session's frame and a malformed one are not drawn.
    const before = await framesDrawn(page);
    await send(page, { type: 'frame', sessionId: 'other', frame: { scene: 'cartpole', episode: 1, step: 1, state: [0, 0, 0, 0] } });
    await page.evaluate(() => window.postMessage({ type: 'frame', sessionId: 's1', frame: { scene: 'cartpole', episode: 1, step: 1, state: [0] } }, '*'));
    await settle(page);
    assert.equal(await framesDrawn(page), before);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  test('Try the model plays a greedy episode and animates it to its return', async () => {
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snap({ kind: 'episode', scene: 'cartpole', maxSteps: 500 }) });
    await page.locator('#tab-try').click();
    await page.locator('#rl-play').click();
    const req = await lastPredict(page);
    assert.deepEqual(req.input, { kind: 'episode', seed: 0 });
    const states = Array.from({ length: 11 }, (_, i) => [i * 0.05, 0, i * 0.02, 0]);
    await send(page, { type: 'prediction', requestId: req.requestId, output: { kind: 'episode', scene: 'cartpole', states, actions: new Array(10).fill(1), return: 10, terminated: true } });
    await page.waitForSelector('#rl-try-canvas[data-done="true"]');
    assert.equal(await page.locator('#rl-try-canvas').getAttribute('data-step'), '10');
    assert.match(await page.locator('#rl-message').innerText(), /Return 10 after 10 steps: the episode ended/);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  test('tic-tac-toe against the network: clicks and keys, illegal moves refused, the result, New game', async () => {
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snap({ kind: 'game', scene: 'tictactoe', simulations: 200 }) });
    await page.locator('#tab-try').click();
    const box = (await page.locator('#rl-try-canvas').boundingBox())!;
    // The board is 3 x 3 cells of 80 px, centred in 360 x 240 (x from 60): the centre of cell (r, c).
    const click = (r: number, c: number) => page.mouse.click(box.x + ((60 + 80 * c + 40) * box.width) / 360, box.y + ((80 * r + 40) * box.height) / 240);
    const answer = async (action: number) => {
      const req = await lastPredict(page);
      await send(page, { type: 'prediction', requestId: req.requestId, output: { kind: 'move', action, value: 0.1 } });
      await settle(page);
    };
    await click(1, 1);
    assert.deepEqual(await cells(page), [0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const req = await lastPredict(page);
    assert.deepEqual(req.input, { kind: 'move', scene: 'tictactoe', cells: [0, 0, 0, 0, 1, 0, 0, 0, 0], simulations: 200 });
    // While the network thinks, a click is refused.
    await click(0, 0);
    assert.match(await page.locator('#rl-message').innerText(), /Wait for the network/);
    await answer(0);
    assert.deepEqual(await cells(page), [-1, 0, 0, 0, 1, 0, 0, 0, 0]);
    // A taken cell: refused, nothing sent.
    const sent = (await posted(page)).length;
    await click(1, 1);
    assert.match(await page.locator('#rl-message').innerText(), /Cell 5 is taken/);
    assert.equal((await posted(page)).length, sent);
    // Off the board: refused.
    await page.mouse.click(box.x + 5, box.y + box.height / 2);
    assert.match(await page.locator('#rl-message').innerText(), /Click a cell of the board/);
    // By keyboard: the number of a cell plays it (cell 3), then arrows and Enter (from cell 3 down twice, left twice: cell 7).
    await page.locator('#rl-try-canvas').focus();
    await page.keyboard.press('3');
    await answer(1);
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowLeft', 'ArrowLeft', 'Enter']) await page.keyboard.press(key);
    assert.deepEqual(await cells(page), [-1, -1, 1, 0, 1, 0, 1, 0, 0], 'X on 3, 5 and 7: a diagonal');
    assert.match(await page.locator('#rl-message').innerText(), /You win/);
    assert.equal(await page.locator('#rl-try-canvas').getAttribute('data-result'), '1');
    await click(2, 2);
    assert.match(await page.locator('#rl-message').innerText(), /The game is over/);
    // New game with the network first and a weaker search: it moves at once, with the strength set.
    await page.locator('#rl-network-first').check();
    await page.locator('#rl-simulations').fill('5');
    await page.locator('#rl-new-game').click();
    const first = await lastPredict(page);
    assert.deepEqual(first.input, { kind: 'move', scene: 'tictactoe', cells: new Array(9).fill(0), simulations: 5 });
    await answer(4);
    assert.deepEqual(await cells(page), [0, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
