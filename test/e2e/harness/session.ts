/**
 * One scenario file's world: the VSIX (built once), a workspace folder, code-server with the VSIX installed,
 * Chromium on the workbench. Screenshots and logs go to test-artifacts/e2e/<scenario>/ and are kept.
 * Nothing here skips: when code-server or Chromium cannot start, `startSession` throws and the test fails.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from './codeServer';
import { artifactsDir, chromiumPath } from './paths';
import { giveTo, type RunAs } from './user';
import { ensureVsix } from './vsix';
import { Workbench } from './workbench';
import { eventually } from '../../helpers/wait';

export { eventually };

export interface Session {
  name: string;
  server: CodeServer;
  browser: Browser;
  page: Page;
  wb: Workbench;
  workspace: string;
  artifacts: string;
  vsix: string;
  /** Browser console lines, including the extension host's forwarded console ("[Extension Host] ..."). */
  console: string[];
  /** Saves a screenshot as <artifacts>/<n>-<label>.png and returns its path. */
  shot(label: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSession(
  name: string,
  opts: { files?: Record<string, string>; settings?: Record<string, unknown>; env?: Record<string, string>; user?: RunAs } = {},
): Promise<Session> {
  const artifacts = join(artifactsDir, name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const vsix = ensureVsix();
  writeFileSync(join(artifacts, 'package.log'), vsix.log);

  const workspace = mkdtempSync(join(opts.user?.base ?? tmpdir(), `ms-e2e-ws-${name}-`));
  for (const [rel, from] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(workspace, rel)), { recursive: true });
    cpSync(from, join(workspace, rel));
  }
  if (opts.user) giveTo(opts.user, workspace);
  const server = await startCodeServer({ vsix: vsix.path, workspace, settings: opts.settings, env: opts.env, user: opts.user });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 60_000,
    });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  // The clipboard commands of the editor (Copy/Paste layers) need permission on this origin.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  const wb = new Workbench(page);
  let n = 0;
  const session: Session = {
    name,
    server,
    browser,
    page,
    wb,
    workspace,
    artifacts,
    vsix: vsix.path,
    console: consoleLines,
    shot: async (label) => {
      const p = join(artifacts, `${String(++n).padStart(2, '0')}-${label}.png`);
      await page.screenshot({ path: p });
      return p;
    },
    close: async () => {
      try {
        await page.screenshot({ path: join(artifacts, 'zz-final.png') }).catch(() => undefined);
        writeFileSync(join(artifacts, 'browser-console.log'), consoleLines.join('\n'));
        writeFileSync(join(artifacts, 'code-server.log'), server.output());
        for (const [rel, text] of Object.entries(server.logFiles())) {
          const p = join(artifacts, 'vscode-logs', rel);
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, text);
        }
      } finally {
        await browser.close().catch(() => undefined);
        await server.stop();
        rmSync(workspace, { recursive: true, force: true });
      }
    },
  };
  try {
    await wb.waitReady();
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}

/**
 * "Model Studio: New Model..." with a template, saved where the dialog suggests (`<workspace>/<template>/model.json`);
 * returns once that model's editor is the active one and draws its layers. Waiting for any layer is not enough:
 * an earlier model's editor also shows layers, and a command run before the new editor is active goes to that one.
 */
export async function newModelFromTemplate(s: Session, templateId: string): Promise<string> {
  await s.wb.runCommand('Model Studio: New Model...');
  await s.wb.pick(templateId);
  const { path } = await s.wb.answerFileDialog();
  // The active editor's breadcrumbs name the model's folder (the template's id): "mnist-mlp > model.json".
  const crumbs = s.page.locator('.editor-group-container.active .breadcrumbs-control');
  await eventually(`the ${templateId} editor to be active`, async () => ((await crumbs.first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').includes(templateId), 60_000);
  await s.wb.webview('.ms-node', 60_000);
  return path;
}
