/**
 * Driving VS Code's workbench the way a user does: the command palette, quick picks, the (simple) file dialog,
 * notifications, the status bar, and the webviews of custom editors and panels.
 */
import type { Frame, Locator, Page } from 'playwright-core';

const QUICK_INPUT = '.quick-input-widget';

export class Workbench {
  constructor(readonly page: Page) {}

  async waitReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
    // The explorer shows the folder once the remote file system answers: the window is usable then.
    await this.page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: timeoutMs });
  }

  quickInput(): Locator {
    return this.page.locator(QUICK_INPUT);
  }

  private quickInputBox(): Locator {
    return this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
  }

  /** Rows of the open quick pick. */
  quickPickRows(): Locator {
    return this.page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`);
  }

  /**
   * Opens the command palette and runs the command whose label is `title` (e.g. "Model Studio: New Model...").
   * The palette lists the commands known when it opens; extensions of the remote host register a little after
   * the window shows, so a missing command is looked up again (with a fresh palette) until `timeoutMs`.
   */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.openPalette();
      const row = this.quickPickRows().filter({ has: this.page.locator('.label-name', { hasText: exactText(title) }) }).first();
      try {
        // A palette that closes as it opens (focus moving to a webview being revealed) is opened again.
        await this.quickInputBox().fill(`>${title}`, { timeout: 5000 });
        await row.waitFor({ state: 'visible', timeout: 3000 });
        await row.click();
        return;
      } catch (e) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`the command palette has no command "${title}" (after ${timeoutMs / 1000} s)`);
      }
    }
  }

  private async openPalette(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // F1 is the palette key in the browser too (Ctrl+Shift+P may be taken by the browser).
      await this.page.keyboard.press('F1');
      try {
        await this.quickInputBox().waitFor({ state: 'visible', timeout: 5000 });
        return;
      } catch {
        // Focus may be inside a webview iframe, which swallows F1 on its way out: focus the workbench first.
        await this.page.locator('#workbench\\.parts\\.statusbar').click({ position: { x: 2, y: 2 } });
      }
    }
    throw new Error('the command palette did not open');
  }

  /** Opens a workspace file with Quick Open ("Go to File..."), the way a user types its name. */
  async openFile(name: string): Promise<void> {
    await this.runCommand('Go to File...');
    await this.quickInputBox().fill(name);
    const row = this.quickPickRows().filter({ has: this.page.locator('.label-name', { hasText: exactText(name) }) }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
  }

  /** Picks the quick-pick row whose label or description contains `text` (typed as a filter first). */
  async pick(text: string, opts: { filter?: string } = {}): Promise<void> {
    await this.quickInputBox().waitFor({ state: 'visible', timeout: 20_000 });
    if (opts.filter !== undefined) await this.quickInputBox().fill(opts.filter);
    const row = this.quickPickRows().filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
  }

  /**
   * Answers a save/open dialog. code-server uses VS Code's simple file dialog: a quick input holding a path.
   * Returns the dialog's title (e.g. "Save the new ... model").
   */
  async answerFileDialog(absPath?: string): Promise<{ title: string; path: string }> {
    const box = this.quickInputBox();
    await box.waitFor({ state: 'visible', timeout: 20_000 });
    const titleLocator = this.page.locator(`${QUICK_INPUT} .quick-input-title`);
    const title = (await titleLocator.textContent()) ?? '';
    const inputSel = `${QUICK_INPUT} .quick-input-box input`;
    // The dialog fills in its suggestion asynchronously (folder first, then the file name): wait until it names a
    // file. Typing before that is overwritten by the suggestion (the file then lands at the suggested path).
    await this.page.waitForFunction(
      (sel) => /\/[^/]+\.[A-Za-z0-9]+$/.test((document.querySelector(sel) as HTMLInputElement | null)?.value ?? ''),
      inputSel,
      { timeout: 10_000 },
    );
    if (absPath !== undefined) {
      // Type ours, and accept it only once it has stayed there (the dialog completes paths as one types).
      for (let attempt = 0; ; attempt++) {
        await box.fill(absPath);
        await this.page.waitForTimeout(300);
        if ((await box.inputValue()) === absPath) break;
        if (attempt === 4) throw new Error(`the file dialog did not keep the path ${absPath} (it shows ${await box.inputValue()})`);
      }
    }
    const path = await box.inputValue();
    await box.press('Enter');
    // Follow-up questions a user answers with OK: "The folder X does not exist. Would you like to create it?"
    // (simple dialog) and "X already exists. Do you want to replace it?" (a modal dialog).
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (!(await this.quickInput().isVisible())) break;
      const t = (await titleLocator.textContent().catch(() => '')) ?? '';
      if (/does not exist\. Would you like to create it\?/.test(t)) {
        await this.page.locator(`${QUICK_INPUT} .monaco-button`, { hasText: /^OK$/ }).click();
      }
      const replace = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(Replace|Overwrite)$/ }).first();
      if (await replace.isVisible().catch(() => false)) await replace.click();
      await this.page.waitForTimeout(200);
    }
    return { title, path };
  }

  /** Text of every notification toast currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allTextContents();
  }

  async waitForNotification(match: RegExp, timeoutMs = 30_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: match }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await toast.textContent()) ?? '';
  }

  /** Status bar items' texts (codicons appear as their names, e.g. "$(loading~spin)" becomes ""). */
  statusBarItem(match: RegExp): Locator {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: match }).first();
  }

  async statusBarTexts(): Promise<string[]> {
    return (await this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item').allTextContents()).map((t) => t.trim()).filter(Boolean);
  }

  /** The tab of an open editor, by its label. */
  tab(label: string | RegExp): Locator {
    return this.page.locator('.tabs-container .tab', { hasText: label }).first();
  }

  /**
   * The content frame of a webview (custom editor or panel) that contains `selector`. VS Code nests each webview
   * in two iframes (`iframe.webview.ready` > `#active-frame`); with several webviews open, the one showing
   * `selector` is the one wanted.
   */
  async webview(selector: string, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const f of this.page.frames()) {
        // Editors' webviews end up in `#active-frame`; the walkthrough's SVG media stays in its `pending-frame`.
        if (f.name() !== 'active-frame' && f.name() !== 'pending-frame' && !/\/fake\.html/.test(f.url())) continue;
        try {
          if (await f.locator(selector).first().isVisible()) return f;
        } catch {
          /* frame navigated away */
        }
      }
      if (Date.now() > deadline) throw new Error(`no webview shows ${selector} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, animations: 'disabled' });
  }

  /** Gives keyboard focus to the workbench (out of any webview), e.g. before a keybinding. */
  async focusEditorGroup(): Promise<void> {
    await this.page.locator('.editor-group-container.active .tabs-container .tab.active').click();
  }
}

function exactText(s: string): RegExp {
  return new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
