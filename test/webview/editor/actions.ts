/** What a user does in the editor (canvas, palette, properties panel, training form), for its webview tests. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { until } from './harness';

export type CanvasActions = ReturnType<typeof canvasActions>;
export type Box = { x: number; y: number; width: number; height: number };

export function canvasActions(page: Page) {
  const node = (name: string) => page.locator(`.react-flow__node[data-id="${name}"]`);
  const nameField = () => page.locator('.ms-props vscode-textfield[data-field="name"]');
  return {
    node,
    nodeText: async (name: string, testId: string) => (await node(name).locator(`[data-testid="${testId}"]`).textContent())?.trim(),

    /** Types into a properties-panel textfield and commits with Enter, as a user does. */
    async setField(field: string, text: string): Promise<void> {
      const input = page.locator(`.ms-props vscode-textfield[data-field="${field}"] input`);
      await input.fill(text);
      await input.press('Enter');
    },

    async selectNode(name: string): Promise<void> {
      await page.locator('button[aria-label="Fit to view"]').click();
      await page.waitForTimeout(100);
      await node(name).click();
      await until(
        async () => (await nameField().count()) === 1 && (await nameField().evaluate((el) => (el as HTMLElement & { value: string }).value)) === name,
        `properties of ${name}`,
      );
    },

    /** Every layer's box once the canvas stops moving (a new state, a layout or a fit can still be drawing). */
    async settledBoxes(): Promise<Record<string, Box>> {
      const read = () =>
        page.locator('.react-flow__node').evaluateAll((els) =>
          Object.fromEntries(els.map((e) => [e.getAttribute('data-id'), (({ x, y, width, height }) => ({ x, y, width, height }))(e.getBoundingClientRect())])),
        );
      let last = JSON.stringify(await read());
      for (let i = 0; i < 40; i++) {
        await page.waitForTimeout(100);
        const now = JSON.stringify(await read());
        if (now === last) return JSON.parse(now) as Record<string, Box>;
        last = now;
      }
      throw new Error('the canvas did not settle');
    },

    async paletteShowAll(): Promise<void> {
      await page.locator('.ms-palette-search input').fill('');
    },

    /** Search the palette and press Enter: the layer is appended after the selected one. */
    /** Searches the palette and picks the best match with Enter (`branch`: Shift+Enter, a branch from the selection). */
    async paletteEnter(className: string, branch = false): Promise<void> {
      const search = page.locator('.ms-palette-search input');
      await search.fill(className);
      await search.press(branch ? 'Shift+Enter' : 'Enter');
    },

    /** Drags from one layer's output handle to another's input handle. */
    async connectNodes(from: string, to: string): Promise<void> {
      const src = await node(from).locator('.react-flow__handle.source').boundingBox();
      const dst = await node(to).locator('.react-flow__handle.target').boundingBox();
      assert.ok(src && dst, 'handles are on screen');
      await page.mouse.move(src.x + src.width / 2, src.y + src.height / 2);
      await page.mouse.down();
      await page.mouse.move((src.x + dst.x) / 2, (src.y + dst.y) / 2, { steps: 5 });
      await page.mouse.move(dst.x + dst.width / 2, dst.y + dst.height / 2, { steps: 5 });
      await page.mouse.up();
    },

    /** Sets a dropdown field the way the element reports a user's choice. */
    async chooseOption(field: string, value: string): Promise<void> {
      await page.locator(`.ms-props vscode-single-select[data-field="${field}"]`).evaluate((el, v) => {
        (el as HTMLElement & { value: string }).value = v;
        el.dispatchEvent(new Event('change'));
      }, value);
    },
  };
}

export type TrainingFormActions = ReturnType<typeof trainingFormActions>;

/** The Training tab's form: its fields by config key, their problems, its buttons. */
export function trainingFormActions(page: Page) {
  const panel = () => page.locator('[data-testid="training-panel"]');
  const field = (k: string) => panel().locator(`vscode-textfield[data-field="${k}"] input`);
  return {
    panel,
    field,
    errorFor: (k: string) => panel().locator(`[data-error-for="${k}"]`),
    button: async (action: string) => panel().locator(`vscode-button[data-action="${action}"]`),
    async type(k: string, text: string): Promise<void> {
      await field(k).fill(text);
    },
    /** Sets a dropdown the way the element reports a user's choice. */
    async choose(k: string, value: string): Promise<void> {
      await panel().locator(`vscode-single-select[data-field="${k}"]`).evaluate((el, v) => {
        (el as HTMLElement & { value: string }).value = v;
        el.dispatchEvent(new Event('change'));
      }, value);
    },
  };
}
