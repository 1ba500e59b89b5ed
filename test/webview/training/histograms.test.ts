/** Histograms in real headless Chromium: the theme's background, a labelled epoch axis, values on hover. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TrainingSnapshot } from '../../../src/protocol/training';
import { artifacts, pageErrors, send, settle, startHarness, type Harness } from './harness';
import { histograms } from './stream';

const snap: TrainingSnapshot = { session: null, sessions: [], batches: [], epochs: [], histograms: histograms(), runs: [], tryInfo: { kind: 'none', reason: 'x' } };

/** RGBA of a canvas pixel (in CSS pixels). */
const pixel = (x: number, y: number) => `(() => {
  const c = document.querySelector('[data-layer="dense"] canvas');
  const d = window.devicePixelRatio || 1;
  return [...c.getContext('2d').getImageData(${x} * d, ${y} * d, 1, 1).data];
})()`;

describe('histograms (Chromium)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  for (const [theme, bg] of [['light', [255, 255, 255, 255]], ['dark', [0x1e, 0x1e, 0x1e, 255]]] as const) {
    test(`${theme} theme: the canvas has the editor's background, an epoch axis and a hover readout`, async () => {
      const page = await harness.open({ theme });
      await send(page, { type: 'snapshot', snapshot: snap });
      await page.locator('#tab-histograms').click();
      await settle(page);
      for (const mode of ['ridgeline', 'heatmap']) {
        await page.locator('#hist-mode').selectOption(mode);
        await settle(page);
        // A corner away from the curves is the theme's background, not transparent.
        assert.deepEqual(await page.evaluate(pixel(40, 1)), [...bg], `${mode}: background`);
        if (mode === 'ridgeline') assert.deepEqual(await page.evaluate(pixel(338, 1)), [...bg], 'ridgeline: plot background');
        // The gutter holds the epoch labels: some pixels there are not background.
        const gutter = await page.evaluate(`(() => {
          const c = document.querySelector('[data-layer="dense"] canvas');
          const d = window.devicePixelRatio || 1;
          const px = c.getContext('2d').getImageData(0, 0, 40 * d, 180 * d).data;
          let n = 0;
          for (let i = 0; i < px.length; i += 4) if (px[i] !== ${bg[0]} || px[i + 1] !== ${bg[1]} || px[i + 2] !== ${bg[2]}) n++;
          return n;
        })()`);
        assert.ok((gutter as number) > 50, `${mode}: ${gutter} label pixels in the epoch gutter`);
        const canvas = page.locator('[data-layer="dense"] canvas');
        assert.equal(await canvas.getAttribute('aria-label'), 'weights of dense: epochs 1 to 5 from top to bottom');
        const box = await canvas.boundingBox();
        assert.ok(box);
        await page.mouse.move(box.x + 44 + 148, box.y + (mode === 'heatmap' ? 180 - 10 : 176));
        const readout = await page.locator('[data-layer="dense"] .hist-readout').innerText();
        assert.match(readout, /^epoch 5 · value -?0\.0\d* · [\d,]+ in its bin$/);
        assert.notEqual(readout.split('· ')[2], '0 in its bin', 'the middle of the last epoch holds samples');
        if (mode === 'heatmap') await page.screenshot({ path: join(artifacts, `training-histograms-${theme}.png`), fullPage: true });
      }
      assert.deepEqual(pageErrors(page), []);
      await page.close();
    });
  }
});
