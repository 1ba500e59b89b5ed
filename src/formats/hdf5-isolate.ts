/**
 * HDF5 parsing in a child process. The HDF5 library is native code (compiled to WebAssembly): a damaged file
 * can make it abort, loop or allocate without end, none of which a try/catch stops. So every read runs in one
 * long-lived child (started on the first read, reused, restarted after a failure), under a time limit and,
 * where the system shows a process' memory (Linux), a memory limit; either way the caller gets a UserError,
 * "this .h5 file is damaged: ...", and the editor or the CLI carries on.
 *
 * Writes (our own trees) stay in-process. `MODEL_STUDIO_H5_IN_PROCESS=1` reads in-process too (debugging).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../core/types';
import type { H5GroupNode } from './hdf5';
import { howToRaise, limit, limitsEnv } from './limits';

/** Resident memory above which the child is stopped (bytes). */
const MEMORY_LIMIT = 1024 ** 3;

export interface H5Request {
  id: number;
  bytes: Uint8Array;
  label: string;
  /** Top-level groups not to read. */
  skip: string[];
  /** The parent's limits now (settings may have changed since the child started). */
  limits: Record<string, string>;
}

export type H5Reply = { id: number; root: H5GroupNode } | { id: number; error: { message: string; hint?: string; code: string } };

interface Pending {
  child: ChildProcess;
  resolve(root: H5GroupNode): void;
  reject(e: Error): void;
}

let child: ChildProcess | undefined;
/** Children that served a failed read: no new reads, stopped once their pending reads are answered. */
const retired = new Set<ChildProcess>();
let nextId = 0;
const pending = new Map<number, Pending>();

function entry(): { modulePath: string; execArgv: string[] } | undefined {
  if (__filename.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
    return { modulePath: join(__dirname, 'hdf5-child-main.ts'), execArgv: ['--import', tsx] };
  }
  // Bundled: every bundle lives in dist/ beside dist/hdf5Child.js.
  for (const p of [join(__dirname, 'hdf5Child.js'), resolve(__dirname, '..', 'dist', 'hdf5Child.js')]) if (existsSync(p)) return { modulePath: p, execArgv: [] };
  return undefined;
}

function damaged(label: string, why: string): UserError {
  return new UserError(`this .h5 file is damaged: ${label} ${why}`, 'save or download the file again; a file Keras wrote reads in well under a second', 'h5-damaged');
}

/** Fails the reads that were waiting on child `c` (a replaced child's exit must not fail its successor's reads). */
function failAll(c: ChildProcess, e: () => Error): void {
  for (const [id, p] of pending) {
    if (p.child !== c) continue;
    pending.delete(id);
    p.reject(e());
  }
}

function startChild(): ChildProcess | undefined {
  const e = entry();
  if (!e) return undefined;
  const c = fork(e.modulePath, [], {
    execArgv: [...e.execArgv, '--max-old-space-size=1024'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, MODEL_STUDIO_H5_CHILD: '1' },
  });
  c.on('message', (m: H5Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if ('root' in m) p.resolve(m.root);
    else {
      p.reject(new UserError(m.error.message, m.error.hint, m.error.code));
      // A failed read can leave HDF5 objects open in the library; they pile up until every later read fails
      // ("Object not found", or a parse that never ends: issue 18's flipped-bytes LSTM hang, reproduced as
      // mutant 3150 after 964 damaged reads). The next read goes to a fresh child; this one ends when done.
      retired.add(c);
      if (child === c) child = undefined;
    }
    idle(c);
  });
  c.on('exit', (code, signal) => {
    if (child === c) child = undefined;
    failAll(c, () => new UserError(`this .h5 file is damaged: the HDF5 reader stopped on it (${signal ?? `exit code ${code}`})`, 'save or download the file again', 'h5-damaged'));
  });
  c.on('error', () => undefined);
  return c;
}

/** The child must not keep a finished CLI alive: unreferenced while it has nothing to do. */
function idle(c: ChildProcess): void {
  if ([...pending.values()].some((p) => p.child === c)) return;
  if (retired.delete(c)) return void c.kill('SIGKILL');
  c.unref();
  (c.channel as { unref?(): void } | undefined)?.unref?.();
}

function busy(c: ChildProcess): void {
  c.ref();
  (c.channel as { ref?(): void } | undefined)?.ref?.();
}

function residentBytes(pid: number): number | undefined {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return undefined;
  }
}

function kill(c: ChildProcess): void {
  if (child === c) child = undefined;
  c.kill('SIGKILL');
}

/** The reading child's process id, or undefined when none runs (tests: a failed read retires it). */
export function hdf5ChildPid(): number | undefined {
  return child?.pid;
}

/** Reads `bytes` in the child; undefined when no child entry exists (then the caller reads in-process). */
export function readHdf5Isolated(bytes: Uint8Array, label: string, skip: string[] = []): Promise<H5GroupNode> | undefined {
  child ??= startChild();
  const c = child;
  if (!c) return undefined;
  const id = ++nextId;
  busy(c);
  return new Promise<H5GroupNode>((resolvePromise, rejectPromise) => {
    const seconds = limit('h5Seconds');
    let watch: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      clearInterval(watch);
    };
    const timer = setTimeout(() => {
      pending.delete(id);
      done();
      kill(c);
      rejectPromise(damaged(label, `did not finish parsing within ${seconds} s (if the file is genuine and huge, ${howToRaise('h5Seconds')})`));
    }, seconds * 1000);
    watch = setInterval(() => {
      const rss = residentBytes(c.pid ?? 0);
      if (rss !== undefined && rss > MEMORY_LIMIT) {
        pending.delete(id);
        done();
        kill(c);
        rejectPromise(damaged(label, `needed more than ${MEMORY_LIMIT / 1024 ** 3} GiB of memory to parse`));
      }
    }, 100);
    pending.set(id, {
      child: c,
      resolve: (root) => {
        done();
        resolvePromise(root);
      },
      reject: (e) => {
        done();
        rejectPromise(e instanceof UserError && e.code === 'h5-damaged' && e.message.startsWith('this .h5') ? damaged(label, e.message.replace(/^this \.h5 file is damaged: /, '')) : e);
      },
    });
    c.send({ id, bytes, label, skip, limits: limitsEnv() } satisfies H5Request);
  });
}
