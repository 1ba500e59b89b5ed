/**
 * What every fuzz run shares (fuzz.ts for model files, data.ts for training and predict data): the worker pool
 * that runs CLI commands in a long-lived process, the run classes and the classification of a reply.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunReply } from './worker';

export const CLASSES = ['clean-error', 'ok', 'internal-error', 'hang', 'huge-memory', 'partial-write', 'escaped-path', 'wrote-outside'] as const;
export type RunClass = (typeof CLASSES)[number];

export const HANG_MS = 20_000;
export const HUGE = 1.5 * 1024 ** 3;

export interface RunRecord {
  reader: string;
  index: number;
  command: string;
  mutation: string;
  cls: RunClass;
  why: string;
  ms: number;
}

export class Pool {
  private worker: ChildProcess | undefined;
  private nextId = 0;
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  private start(): ChildProcess {
    const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
    const w = fork(join(__dirname, 'worker.ts'), [], { execArgv: ['--import', tsx], env: this.env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    w.on('error', () => undefined);
    return w;
  }

  run(argv: string[]): Promise<RunReply | 'hang' | 'died'> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = ++this.nextId;
    return new Promise((done) => {
      const timer = setTimeout(() => {
        cleanup();
        this.kill();
        done('hang');
      }, HANG_MS);
      const onMessage = (m: RunReply) => {
        if (m.id !== id) return;
        cleanup();
        done(m);
      };
      const onExit = () => {
        cleanup();
        if (this.worker === w) this.worker = undefined;
        done('died');
      };
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('exit', onExit);
      w.send({ id, argv });
    });
  }

  kill(): void {
    this.worker?.kill('SIGKILL');
    this.worker = undefined;
  }
}

/** Files under `dir`, relative, with size and modification time. */
export function listing(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else {
        const st = statSync(p, { throwIfNoEntry: false });
        out.set(r, st ? `${st.size}:${st.mtimeMs}` : 'gone');
      }
    }
  };
  walk(dir, '');
  return out;
}

const INTERNAL = /Maximum call stack|Cannot read propert|is not a function|is not iterable|undefined|\[object Object\]|index out of range|Cannot create a string|Aborted\(|Unexpected token|JSON at position|RangeError|TypeError|\u0000/;

export function classifyReply(command: string, r: RunReply): { cls: RunClass; why: string } {
  if (r.maxRss > HUGE) return { cls: 'huge-memory', why: `peak ${(r.maxRss / 1024 ** 3).toFixed(2)} GB` };
  if (r.code === 0) return { cls: 'ok', why: '' };
  const text = r.stderr.trim();
  if (r.code === 2) return { cls: 'internal-error', why: text.slice(0, 400) };
  if (INTERNAL.test(text)) return { cls: 'internal-error', why: text.slice(0, 400) };
  if (command === 'check' && text === '' && /error\(s\)/.test(r.stdout)) return { cls: 'clean-error', why: '' };
  if (!/^error: /.test(text) || !/\n\s+hint: /.test(text)) return { cls: 'internal-error', why: `no message with a hint: ${text.slice(0, 300)}` };
  return { cls: 'clean-error', why: '' };
}

