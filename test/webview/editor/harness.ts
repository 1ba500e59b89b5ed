/**
 * Loads the real editor bundle (dist/webview/editor.js) in headless Chromium with the production HTML
 * shell and CSP, a stub `acquireVsCodeApi`, and a test host that plays the extension's part with the
 * real EditableModel (core graph operations + analysis) in Node.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ModelFile } from '../../../src/core/types';
import { EditableModel } from '../../../src/extension/editing/editableModel';
import { errorText } from '../../../src/extension/errors';
import { editorHtml, makeNonce } from '../../../src/extension/editor/editorHtml';
import { parseClipboardText, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../../src/protocol/editor';
import { darkTheme, lightTheme, themeCss } from './themes';

export const repoRoot = resolve(__dirname, '../../..');
export const CHROMIUM = '/usr/bin/chromium';
const dist = join(repoRoot, 'dist/webview');

export function requireBrowserAndBundle(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); webview tests need it`);
  }
  if (!existsSync(join(dist, 'editor.js')) || !existsSync(join(dist, 'editor.css'))) {
    throw new Error('dist/webview/editor.js is missing: run `node scripts/build.mjs` first (npm test does it)');
  }
}

export async function launch(): Promise<Browser> {
  requireBrowserAndBundle();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The extension's side of the conversation, with EditableModel doing the real work. */
export class TestHost {
  readonly received: WebviewMessage[] = [];
  readonly dropped: unknown[] = [];
  readonly sent: HostMessage[] = [];
  clipboard = '';
  model: EditableModel;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly page: Page,
    file: ModelFile,
    readonly fileName = 'model.json',
  ) {
    this.model = new EditableModel(file, { seed: 7 });
    this.model.onDidChange(() => this.post(this.pushState()));
  }

  /**
   * Posts to the page as the extension posts to its webview. A page closed meanwhile (the next test's fresh
   * page, the browser closed after the last test) has nowhere to take it: the message is dropped, as VS Code
   * drops posts to a disposed webview. Any other failure is thrown.
   */
  async send(msg: HostMessage): Promise<void> {
    this.sent.push(msg);
    if (this.page.isClosed()) return;
    const posting = this.page.evaluate((m) => window.postMessage(m, '*'), msg as unknown as Record<string, unknown>);
    this.inFlight.add(posting);
    try {
      await posting;
    } catch (e) {
      if (this.page.isClosed() || isClosedError(e)) return;
      throw e;
    } finally {
      this.inFlight.delete(posting);
    }
  }

  /** Resolves once every message posted so far has reached the page (an edit's new state is pushed unawaited). */
  async delivered(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** A push nobody awaits (an edit's new state, a rejection) reports its failure with the page's errors. */
  private post(pending: Promise<void>): void {
    pending.catch((e: unknown) => pageErrors(this.page).push(`host post failed: ${errorText(e).message}`));
  }

  pushState(): Promise<void> {
    return this.send({ type: 'state', state: this.model.state(this.fileName) });
  }

  /** Mirrors ModelEditorProvider.onMessage, with an in-memory clipboard. */
  async onMessage(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.dropped.push(raw);
      return;
    }
    this.received.push(msg);
    const reject = (e: unknown) => this.post(this.send({ type: 'editRejected', ...errorText(e) }));
    switch (msg.type) {
      case 'ready':
        await this.pushState();
        return;
      case 'edit':
        try {
          this.model.apply(msg.edit);
        } catch (e) {
          reject(e);
        }
        return;
      case 'copy':
        this.clipboard = JSON.stringify(this.model.copyPayload(msg.names));
        return;
      case 'paste': {
        const payload = parseClipboardText(this.clipboard);
        if (!payload) return reject(new Error('The clipboard holds no Model Studio layers'));
        try {
          this.model.apply({ op: 'paste', payload, at: msg.at });
        } catch (e) {
          reject(e);
        }
        return;
      }
      default:
        return;
    }
  }

  edits(): Extract<WebviewMessage, { type: 'edit' }>['edit'][] {
    return this.received.flatMap((m) => (m.type === 'edit' ? [m.edit] : []));
  }
}

export type Theme = 'light' | 'dark';

/** Opens a page on the editor with `file` as the document. */
export async function openEditor(browser: Browser, file: ModelFile, theme: Theme = 'dark'): Promise<{ page: Page; host: TestHost }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(8000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { __errors?: string[] }).__errors = errors;
  const host = new TestHost(page, file);
  await page.exposeFunction('__toHost', (m: unknown) => host.onMessage(m));
  const nonce = makeNonce();
  const url = (f: string) => pathToFileURL(join(dist, f)).href;
  const stub = `<script nonce="${nonce}">
    window.__posted = [];
    window.__state = undefined;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => { const c = JSON.parse(JSON.stringify(m)); window.__posted.push(c); window.__toHost(c); },
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
    });
  </script>
  <style nonce="${nonce}" id="theme-light">${themeCss(lightTheme)}</style>
  <style nonce="${nonce}" id="theme-dark">${themeCss(darkTheme)}</style>`;
  const html = editorHtml({
    cspSource: 'file:',
    nonce,
    scriptUri: url('editor.js'),
    styleUris: [url('codicon.css'), url('editor.css')],
    title: 'model.json',
    headExtra: stub,
  });
  const dir = mkdtempSync(join(tmpdir(), 'ms-editor-'));
  const htmlPath = join(dir, 'editor.html');
  writeFileSync(htmlPath, html);
  await page.goto(pathToFileURL(htmlPath).href);
  await setTheme(page, theme);
  return { page, host };
}

/** Switches the page between the two theme stylesheets, as VS Code swaps variables and body classes. */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  await page.evaluate((t) => {
    document.body.classList.remove('vscode-light', 'vscode-dark');
    document.body.classList.add(`vscode-${t}`);
    (document.getElementById('theme-light') as HTMLStyleElement).disabled = t !== 'light';
    (document.getElementById('theme-dark') as HTMLStyleElement).disabled = t !== 'dark';
  }, theme);
}

export function pageErrors(page: Page): string[] {
  const p = page as Page & { __errors?: string[] };
  p.__errors ??= [];
  return p.__errors;
}

/** Playwright's error for a call on a page, context or browser that has been closed. */
function isClosedError(e: unknown): boolean {
  return e instanceof Error && /Target page, context or browser has been closed/.test(e.message);
}

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
