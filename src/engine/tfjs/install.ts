/**
 * "Model Studio: Install TensorFlow Engine...": installs @tensorflow/tfjs-node or -gpu into a folder the engine
 * loader searches (the extension's global storage), since an installed VSIX cannot run npm on itself. Runs
 * `npm install --prefix DIR PKG` as a child process, reports progress from npm's log, and turns an offline
 * failure into a sentence that says what could not be downloaded.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { UserError } from '../../core/types';

export type EnginePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

export interface InstallProgress {
  /** A short line for a progress notification: "fetching @tensorflow/tfjs-node", "downloading libtensorflow". */
  message: string;
  /** Lines of npm output so far (for a log channel). */
  line?: string;
}

export interface InstallOptions {
  /** The npm executable (default `npm`, `npm.cmd` on Windows). */
  npm?: string;
  /** Arguments put before npm's own (tests run a fake npm through node). */
  npmArgsPrefix?: string[];
  env?: NodeJS.ProcessEnv;
  /** Give up after this long (default 15 minutes: libtensorflow is a few hundred MB). */
  timeoutMs?: number;
}

const PACKAGES: EnginePackage[] = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The version that matches our @tensorflow/tfjs (the native engine must be the same release). */
export function engineVersion(): string {
  try {
    return (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    return '4.22.0';
  }
}

export async function installEngine(pkg: EnginePackage, dir: string, onProgress: (p: InstallProgress) => void = () => undefined, opts: InstallOptions = {}): Promise<void> {
  if (!PACKAGES.includes(pkg)) throw new UserError(`Unknown engine package "${pkg}".`, `Use ${PACKAGES.join(' or ')}.`, 'usage');
  mkdirSync(dir, { recursive: true });
  const npm = opts.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm');
  const args = [...(opts.npmArgsPrefix ?? []), 'install', '--prefix', dir, `${pkg}@${engineVersion()}`, '--no-audit', '--no-fund', '--loglevel', 'http'];
  onProgress({ message: `Installing ${pkg} into ${dir}` });
  const output: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(npm, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000);
    const onData = (d: Buffer) => {
      for (const line of d.toString().split(/\r?\n/)) {
        if (!line.trim()) continue;
        output.push(line);
        onProgress({ message: progressMessage(line), line });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new UserError(`Could not run npm (${e.message}).`, 'Install Node.js with npm, or install the engine by hand: npm install --prefix <folder> ' + pkg, 'npm-missing'));
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c ?? 1);
    });
  });
  if (code !== 0) throw installFailure(pkg, output);
  onProgress({ message: `${pkg} installed` });
}

function progressMessage(line: string): string {
  const fetch = /http fetch GET \d+ (\S+)/.exec(line);
  if (fetch) return `fetched ${fetch[1].split('/').pop()}`;
  if (/libtensorflow|install\.js|node-pre-gyp/i.test(line)) return 'downloading the TensorFlow C library (libtensorflow)';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** What could not be downloaded, from npm's output: the first URL or host named near a network error. */
export function installFailure(pkg: string, output: string[]): UserError {
  const text = output.join('\n');
  const network = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network|getaddrinfo|socket hang up|403|404/i.test(text);
  const url = /(https?:\/\/[^\s'"]+)/.exec(
    output.find((l) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|request to|GET|download/i.test(l) && /https?:\/\//.test(l)) ?? text,
  )?.[1];
  const libtf = /libtensorflow|storage\.googleapis\.com\/tf-builds/i.test(text);
  if (network) {
    const what = libtf ? `the TensorFlow C library (libtensorflow) for ${pkg}` : pkg;
    return new UserError(
      `Could not download ${what}${url ? ` from ${url}` : ''}: no connection.`,
      'Installing the TensorFlow engine needs internet access (npm registry and storage.googleapis.com). Until then training uses webgpu, wasm or cpu.',
      'install-offline',
    );
  }
  const last = output.filter((l) => /ERR!|error/i.test(l)).slice(-3).join(' | ') || output.slice(-3).join(' | ');
  return new UserError(`Installing ${pkg} failed: ${last || 'npm exited with an error'}.`, 'See the Model Studio log for npm\'s full output.', 'install-failed');
}
