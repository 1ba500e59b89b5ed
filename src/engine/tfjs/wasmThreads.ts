/**
 * tfjs-backend-wasm's threaded SIMD build (XNNPACK on a pthreadpool) in Node. tfjs 4.22 ships it but never
 * uses it in Node, for three reasons, each worked around here before `tf.setBackend('wasm')`:
 * 1. its WASM_HAS_MULTITHREAD_SUPPORT flag returns false whenever IS_NODE (tfjs issue 3830), so the flag is set;
 * 2. Emscripten starts its pthreads with `new Worker(blobUrl)` and hands each a Blob of the glue script to
 *    `importScripts`; Node's worker_threads.Worker takes neither a blob: URL nor a Blob. The global `Worker`
 *    that Emscripten uses becomes a worker_threads.Worker running the package's own worker script
 *    (wasm-out/*.worker.js, as code) and given the package's glue file (wasm-out/*.js) by path;
 * 3. the backend caps its thread pool at half the logical cores (it assumes two hyperthreads per core), which
 *    is one thread on a 2-vCPU machine: `os.cpus()` reports twice the cores while the module starts.
 * The pool's threads never keep a process alive once the backend has started (they idle in a futex wait).
 * If any of this fails the caller falls back to the single-threaded SIMD build (`threads: 1`).
 */
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

// The module object itself (not an import namespace copy): Emscripten calls require('os').cpus() on it.
const os = require('node:os') as typeof import('node:os');

const GLUE = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER = 'tfjs-backend-wasm-threaded-simd.worker.js';

/** The threads to ask for: MODEL_STUDIO_WASM_THREADS if set (1 turns threads off), else every logical core (at most 8, the build's pool). */
export function wasmThreadsWanted(env: NodeJS.ProcessEnv = process.env, cores = os.cpus().length): number {
  const set = Number(env.MODEL_STUDIO_WASM_THREADS);
  const n = env.MODEL_STUDIO_WASM_THREADS && Number.isInteger(set) && set >= 1 ? set : cores;
  return Math.max(1, Math.min(8, n));
}

function wasmOutDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

let installed = false;

/** Make Emscripten's `new Worker(...)` start a Node worker thread on the package's own pthread script. */
function installWorkerShim(): void {
  if (installed) return;
  const dir = wasmOutDir();
  const glue = join(dir, GLUE);
  // The package exports the worker script as a string whose "\n" escapes became real newlines (tfjs escapes them
  // again before making its Blob; so do we).
  const code = (require(join(dir, WORKER)) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, '\\n');
  class PthreadWorker extends NodeWorker {
    constructor() {
      super(code, { eval: true } as WorkerOptions);
      // Held while it loads (the backend's start waits for it), then let go: the pool's threads wait forever
      // and Emscripten re-refs a thread that runs, which would keep a finished process alive.
      this.on('message', (m: { cmd?: string } | null) => {
        if (m?.cmd === 'loaded') this.unref();
      });
    }
    override ref(): void {
      // Not while it waits for work; see above.
    }
    override postMessage(msg: unknown, transfer?: readonly import('node:worker_threads').TransferListItem[]): void {
      const m = msg as { cmd?: string; urlOrBlob?: unknown } | null;
      // The glue script, by path: the worker's importScripts reads it from disk.
      const fixed = m && m.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: glue } : msg;
      super.postMessage(fixed, transfer);
    }
  }
  // Emscripten assigns worker_threads.Worker to the global when its module starts: keep ours.
  Object.defineProperty(globalThis, 'Worker', { get: () => PthreadWorker, set: () => undefined, configurable: true });
  installed = true;
}

interface WasmModule {
  setThreadsCount(n: number): void;
}
interface TfEnv {
  env(): { set(flag: string, value: boolean): void };
}

/**
 * Prepare the threaded build: call before the wasm backend's first setBackend. `threads` is the pool size
 * (caller and workers together); `start` runs setBackend while os.cpus() reports enough cores.
 */
export async function startThreaded<T>(tf: TfEnv, wasm: WasmModule, threads: number, start: () => Promise<T>): Promise<T> {
  installWorkerShim();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const cpus = os.cpus;
  const mutableOs = os as { cpus: typeof os.cpus };
  // The module's static initialiser reads the core count once, at instantiation (inside setBackend).
  mutableOs.cpus = () => {
    const c = cpus();
    return Array.from({ length: Math.max(2 * threads, c.length) }, (_, i) => c[i % c.length]);
  };
  try {
    return await start();
  } finally {
    mutableOs.cpus = cpus;
  }
}
