/**
 * Loads the real training view bundle (dist/webview/training.js) in headless Chromium behind the same CSP the
 * extension uses, with a stub `acquireVsCodeApi` that records posted messages and keeps the view state.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { trainingHtml } from '../../../src/extension/trainingView/trainingHtml';
import { repoRoot } from '../../helpers/paths';
import type { HostToTraining } from '../../../src/protocol/training';

export const artifacts = join(repoRoot, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json', '.html': 'text/html' };

export interface Harness {
  browser: Browser;
  origin: string;
  close(): Promise<void>;
  /** A fresh view: a new page load, as VS Code does when a hidden webview is shown again. */
  open(opts?: { state?: unknown; theme?: 'dark' | 'light'; width?: number; height?: number; vars?: Record<string, string> }): Promise<Page>;
}

const THEMES = {
  dark: '--vscode-foreground:#cccccc;--vscode-editor-background:#1e1e1e;--vscode-descriptionForeground:#9d9d9d;--vscode-editorWidget-border:#454545;--vscode-focusBorder:#007fd4;--vscode-charts-blue:#3794ff;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-charts-purple:#b180d7;--vscode-charts-red:#f14c4c;--vscode-charts-yellow:#cca700;--vscode-input-background:#3c3c3c;--vscode-input-foreground:#cccccc;--vscode-button-background:#0e639c;--vscode-button-foreground:#ffffff;--vscode-font-family:sans-serif;--vscode-font-size:13px;',
  light: '--vscode-foreground:#616161;--vscode-editor-background:#ffffff;--vscode-descriptionForeground:#717171;--vscode-editorWidget-border:#c8c8c8;--vscode-focusBorder:#0090f1;--vscode-charts-blue:#1a85ff;--vscode-charts-orange:#d18616;--vscode-charts-green:#388a34;--vscode-charts-purple:#652d90;--vscode-charts-red:#e51400;--vscode-charts-yellow:#bf8803;--vscode-input-background:#ffffff;--vscode-input-foreground:#616161;--vscode-button-background:#007acc;--vscode-button-foreground:#ffffff;--vscode-font-family:sans-serif;--vscode-font-size:13px;',
};

export async function startHarness(): Promise<Harness> {
  const bundle = join(repoRoot, 'dist/webview/training.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`node scripts/build.mjs\` first`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (install Debian's chromium)`);
  mkdirSync(artifacts, { recursive: true });
  const pages = new Map<string, string>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (pages.has(url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pages.get(url.pathname));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    const file = normalize(join(repoRoot, url.pathname));
    if (!file.startsWith(repoRoot) || !existsSync(file) || !/^\/(dist|media)\//.test(url.pathname)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    browser,
    origin,
    async open(opts = {}) {
      const nonce = `n${++n}abc`;
      const path = `/page${n}.html`;
      const state = JSON.stringify(opts.state ?? null).replace(/</g, '\\u003c');
      const stub = `<script nonce="${nonce}">
        window.__posted = []; window.__state = ${state};
        window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
      </script><style nonce="${nonce}">body{${THEMES[opts.theme ?? 'dark']}${Object.entries(opts.vars ?? {}).map(([k, v]) => `${k}:${v};`).join('')}}</style>`;
      pages.set(
        path,
        trainingHtml({
          cspSource: origin,
          nonce,
          scriptUri: `${origin}/dist/webview/training.js`,
          codiconUri: `${origin}/dist/webview/codicon.css`,
          styleUris: [`${origin}/dist/webview/training.css`, `${origin}/media/training.css`],
          title: 'Training',
          headExtra: stub,
        }),
      );
      const page = await browser.newPage({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
      });
      (page as unknown as { errors: string[] }).errors = errors;
      await page.goto(origin + path);
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      return page;
    },
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Deliver host messages the way VS Code does (a window `message` event). */
export async function send(page: Page, ...msgs: HostToTraining[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, msgs);
}

export function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

export function pageErrors(page: Page): string[] {
  return (page as unknown as { errors: string[] }).errors;
}

/** Wait two animation frames, so coalesced redraws have happened. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
