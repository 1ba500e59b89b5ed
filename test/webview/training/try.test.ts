/**
 * "Try the model" in real headless Chromium: the drawing and the seed text survive the host's re-sent model
 * info (it sends it after loading the model for the first prediction), and a request shows its progress.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TrainingSnapshot, TryInfo } from '../../../src/protocol/training';
import { pageErrors, posted, send, settle, startHarness, type Harness } from './harness';

const image: TryInfo = { kind: 'image', width: 28, height: 28, channels: 1, testSamples: 100, autoencoder: false };
const snap = (tryInfo: TryInfo): TrainingSnapshot => ({ session: null, sessions: [], batches: [], epochs: [], histograms: [], runs: [], tryInfo });

/** Inked pixels of the drawing canvas. */
const ink = (page: Page) => page.evaluate(() => {
  const c = document.getElementById('draw') as HTMLCanvasElement;
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++;
  return n;
});

const lastPredict = async (page: Page) => (await posted(page)).filter((m) => m.type === 'predict').pop() as unknown as { requestId: number };

describe('try the model (Chromium)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  test('the drawing stays after predicting, and "Predicting…" shows until the answer', async () => {
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snap(image) });
    await page.locator('#tab-try').click();
    const box = await page.locator('#draw').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + 0.06 * k));
    await page.mouse.up();
    const drawn = await ink(page);
    assert.ok(drawn > 10, `${drawn} inked pixels`);
    assert.equal(await page.locator('#try-progress').isVisible(), true);
    assert.match(await page.locator('#try-progress').innerText(), /Predicting…/);
    // The host loads the model for the prediction and sends its info again (same, then with new weights' info).
    await send(page, { type: 'tryInfo', info: image }, { type: 'tryInfo', info: { ...image, classNames: [...'0123456789'] } });
    await settle(page);
    assert.equal(await ink(page), drawn, 'the drawing is kept');
    const req = await lastPredict(page);
    await send(page, { type: 'prediction', requestId: req.requestId, output: { kind: 'classes', probs: Array.from({ length: 10 }, (_, i) => (i === 1 ? 0.91 : 0.01)) } });
    await settle(page);
    assert.equal(await page.locator('#try-progress').isVisible(), false);
    assert.equal(await ink(page), drawn);
    assert.match(await page.locator('#prediction').innerText(), /Prediction: 1/);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  test('the seed text stays after generating, across new model info and a reload', async () => {
    const text: TryInfo = { kind: 'text', seqLength: 40, vocab: 'abcdefghijklmnopqrstuvwxyz ' };
    const page = await harness.open();
    await send(page, { type: 'snapshot', snapshot: snap(text) });
    await page.locator('#tab-try').click();
    await page.locator('#seed').fill('once upon a time ');
    await page.locator('#gen-length').fill('30');
    await page.locator('#generate').click();
    assert.match(await page.locator('#try-progress').innerText(), /Generating 30 characters…/);
    await send(page, { type: 'tryInfo', info: text }, { type: 'tryInfo', info: { ...text, seqLength: 64 } });
    const req = await lastPredict(page);
    await send(page, { type: 'prediction', requestId: req.requestId, output: { kind: 'text', seed: 'once upon a time ', generated: 'there was a king who had three' } });
    await settle(page);
    assert.equal(await page.locator('#seed').inputValue(), 'once upon a time ');
    assert.equal(await page.locator('#try-progress').isVisible(), false);
    // A reload (the view hidden and shown again) keeps it too.
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    const again = await harness.open({ state });
    await send(again, { type: 'snapshot', snapshot: snap(text) });
    assert.equal(await again.locator('#seed').inputValue(), 'once upon a time ');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
    await again.close();
  });
});
