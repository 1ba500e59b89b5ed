/**
 * One code-server (a real VS Code, served to the browser) per scenario file: a fresh user-data, extensions and
 * config folder, our VSIX installed with `--install-extension`, listening on a free loopback port.
 * Stopping it kills its whole process group (server, extension host, pty host, file watcher).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerBin } from './paths';
import { asUser, codeServerFor, giveTo, userEnv, type RunAs } from './user';

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** What `--install-extension` printed. */
  installOutput: string;
  /** code-server's stdout and stderr so far. */
  output(): string;
  /** Every log file under the user-data dir (remoteagent.log, exthost*.log, ...), by relative path. */
  logFiles(): Record<string, string>;
  /** PIDs of the extension host processes started by this server. */
  extensionHostPids(): number[];
  stop(): Promise<void>;
}

/** Settings for a quiet, reproducible window: no welcome page, tips, update checks, trust prompts or git. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'files.autoSave': 'off',
  'window.dialogStyle': 'custom',
  'chat.commandCenter.enabled': false,
  'workbench.editor.enablePreview': false,
} as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, proc: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`code-server exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s:\n${output()}`);
}

function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) readTree(p, base, out);
    else if (name.endsWith('.log')) out[p.slice(base.length + 1)] = readFileSync(p, 'utf8');
  }
  return out;
}

/** Every process's state, parent and group (Linux /proc/<pid>/stat: the fields after the command's ")"). */
function processes(): { pid: number; state: string; ppid: number; pgrp: number }[] {
  const out: { pid: number; state: string; ppid: number; pgrp: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), state, ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      /* process ended */
    }
  }
  return out;
}

/** Descendants of `root`, to find this server's extension hosts among other sessions'. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processes()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

export async function startCodeServer(opts: {
  vsix: string;
  workspace: string;
  settings?: Record<string, unknown>;
  /** Extra environment for the server (and so the extension host). */
  env?: Record<string, string>;
  /** Run the server (and so the extension host and its workers) as this user, its folders under its base. */
  user?: RunAs;
}): Promise<CodeServer> {
  const user = opts.user;
  const bin = user ? codeServerFor(user, codeServerBin()) : codeServerBin();
  const root = mkdtempSync(join(user?.base ?? tmpdir(), 'ms-e2e-cs-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const config = join(root, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(config, 'auth: none\n');
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Keep the server's own state (config, logs of other runs) out of the user's home.
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    ...(user ? userEnv(user) : {}),
    ...opts.env,
  };
  delete env.NODE_OPTIONS; // the test runner's flags are not meant for VS Code's processes
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (user) giveTo(user, root);
  const run = (args: string[]): [string, string[]] => (user ? asUser(user, bin, args) : [bin, args]);

  const install = spawnSync(...run([...common, '--install-extension', opts.vsix, '--force']), { env, encoding: 'utf8', timeout: 120_000 });
  const installOutput = `${install.stdout ?? ''}${install.stderr ?? ''}`;
  if (install.status !== 0 || !/successfully installed/i.test(installOutput)) {
    throw new Error(`code-server --install-extension ${opts.vsix} failed (${install.status ?? install.signal}):\n${installOutput}`);
  }

  // A free port can be taken between probing and binding; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let out = '';
    const proc = spawn(
      ...run([
        ...common,
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        opts.workspace,
      ]),
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const output = () => out;
    try {
      await waitHealthy(url, proc, output, 60_000);
    } catch (e) {
      lastError = e;
      killGroup(proc);
      if (/EADDRINUSE/.test(out)) continue;
      throw e;
    }
    const pid = proc.pid as number;
    return {
      url,
      port,
      pid,
      workspace: opts.workspace,
      userDataDir,
      extensionsDir,
      installOutput,
      output,
      logFiles: () => readTree(join(userDataDir, 'logs')),
      extensionHostPids: () =>
        descendants(pid).filter((p) => {
          try {
            return /--type=extensionHost/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '));
          } catch {
            return false;
          }
        }),
      stop: async () => {
        killGroup(proc);
        const deadline = Date.now() + 5000;
        while (proc.exitCode === null && proc.signalCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        killGroup(proc, 'SIGKILL');
        // A process of the group still writing its logs would make the removal fail (ENOTEMPTY).
        for (const end = Date.now() + 5000; groupAlive(proc) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
        rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      },
    };
  }
  throw lastError;
}

/** Whether a process of the server's group still runs (a zombie writes nothing; this machine's init may never reap it). */
function groupAlive(proc: ChildProcess): boolean {
  return proc.pid !== undefined && processes().some((p) => p.pgrp === proc.pid && p.state !== 'Z');
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal); // the group: detached made the server its leader
  } catch {
    /* already gone */
  }
}
