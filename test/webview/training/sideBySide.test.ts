/**
 * The acceptance screenshots: the model editor beside the training view at 1440x900, in the light and dark
 * themes, as VS Code shows them with the training view in a side group (editor 800 px, view 640 px). The
 * training view runs mnist-cnn mid-epoch, so its header shows batch x/N, elapsed, ETA and samples/s. Each
 * half is the real bundle in Chromium; the two screenshots are put side by side on one 1440x900 image.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { getTemplate } from '../../../src/core/templates';
import type { SessionInfo, TrainingSnapshot } from '../../../src/protocol/training';
import { launch, openEditor, pageErrors as editorErrors, until } from '../editor/harness';
import { darkTheme, lightTheme } from '../editor/themes';
import { artifacts, pageErrors, send, settle, startHarness, type Harness } from './harness';
import { stream } from './stream';

const EDITOR_W = 800;
const VIEW_W = 640;
const H = 900;
const T0 = Date.UTC(2026, 10, 30, 15, 0, 0);

describe('editor beside the training view at 1440x900 (Chromium)', () => {
  let harness: Harness;
  let browser: Browser;
  before(async () => {
    harness = await startHarness();
    browser = await launch();
  });
  after(async () => {
    await harness?.close();
    await browser?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`${theme} theme`, async () => {
      // The editor half: mnist-cnn, fitted to its 800 px.
      const { page: editor } = await openEditor(browser, getTemplate('mnist-cnn')!.build(), theme);
      await editor.setViewportSize({ width: EDITOR_W, height: H });
      await until(() => editor.locator('.react-flow__node').count(), 'nodes drawn');
      await editor.locator('button[aria-label="Fit to view"]').click();
      await editor.waitForTimeout(300);
      const left = await editor.screenshot();

      // The training view half: a run mid-way through epoch 3 of 10, with the editor theme's colours.
      const vars = theme === 'light' ? lightTheme : darkTheme;
      const view = await harness.open({ theme, width: VIEW_W, height: H, vars });
      const session: SessionInfo = { id: 's1', model: 'mnist-cnn', runId: '20261130-150000-a1b2-adam', state: 'running', epochs: 10, engine: 'cpu', device: 'cpu · JavaScript', startedAt: T0 };
      const batches = stream.batches.filter((b) => b.step < 1250).map((b) => ({ ...b, batch: b.batch + 1, batches: 500 }));
      const snapshot: TrainingSnapshot = { session, sessions: [session], batches: [], epochs: [], histograms: [], runs: [], tryInfo: { kind: 'none', reason: 'x' } };
      await view.clock.setFixedTime(T0 + 6000);
      await send(view, { type: 'snapshot', snapshot }, { type: 'batches', sessionId: 's1', points: batches.slice(0, 1) });
      await view.clock.setFixedTime(T0 + 6000 + 1249 * 40);
      // Batches and epoch ends in the order the worker sends them.
      await send(view, { type: 'batches', sessionId: 's1', points: batches.slice(1, 1000) }, ...stream.epochs.slice(0, 2).map((point) => ({ type: 'epoch' as const, sessionId: 's1', point })));
      await send(view, { type: 'batches', sessionId: 's1', points: batches.slice(1000) });
      await settle(view);
      // 1,249 batches in 49.96 s after the first; 3,750 left → 150 s.
      const header = await view.locator('#session-progress').innerText();
      assert.match(header, /batch 250\/500 · 0:56 elapsed · ETA 2:30 · [\d,]+ samples\/s/);
      // At 640 px nothing runs off the right edge.
      const overflow = await view.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the training view is ${overflow} px wider than its 640 px`);
      const right = await view.screenshot();

      const page = await harness.browser.newPage({ viewport: { width: EDITOR_W + VIEW_W, height: H } });
      const img = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;
      await page.setContent(`<body style="margin:0;display:flex;background:#888"><img src="${img(left)}" width="${EDITOR_W}" height="${H}"><img src="${img(right)}" width="${VIEW_W}" height="${H}" style="box-shadow:-1px 0 0 ${vars['--vscode-panel-border'] ?? '#888'}"></body>`);
      await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
      await page.screenshot({ path: join(artifacts, `editor-beside-training-${theme}.png`) });
      await page.close();

      assert.deepEqual(pageErrors(view), []);
      assert.deepEqual(editorErrors(editor), []);
      await view.close();
      await editor.close();
    });
  }
});
