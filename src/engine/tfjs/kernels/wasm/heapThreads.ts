/**
 * Our own wasm kernels on every core, working in tfjs-backend-wasm's heap. The module is instantiated once on
 * this thread and once in each of `threads - 1` worker_threads, all importing the same shared
 * WebAssembly.Memory (the threaded build's heap), so a kernel reads and writes tensors in place. A call hands
 * each worker its arguments through a SharedArrayBuffer, runs its own share, and waits (Atomics.wait: tfjs
 * kernels are synchronous) until every worker has signalled. A worker that fails to start, or fails or stalls
 * in a call (its share is then redone here: kernels overwrite their share's output), turns the pool off for
 * good; later calls run on this thread.
 */
import { Worker } from 'node:worker_threads';

/** Per worker: [seq, done, failed, fn, args...]. seq -1 asks the worker to leave. */
const SLOT = 24;
const [SEQ, DONE, FAILED, FN, ARGS] = [0, 1, 2, 3, 4];
const START_TIMEOUT_MS = 10_000;
const CALL_TIMEOUT_MS = 120_000;

// Runs in each worker (eval'd: a CommonJS script with require).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot, names } = workerData;
const ctl = new Int32Array(control, slot * ${SLOT} * 4, ${SLOT});
let fns;
try {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  fns = names.map((n) => exports[n]);
  Atomics.store(ctl, ${DONE}, 0);
} catch (e) {
  Atomics.store(ctl, ${FAILED}, 1);
  Atomics.store(ctl, ${DONE}, -3);
}
Atomics.notify(ctl, ${DONE});
let seen = 0;
while (fns) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === -1) break;
  if (seq === seen) continue;
  seen = seq;
  try {
    fns[ctl[${FN}]](...Array.from(ctl.subarray(${ARGS}, ${SLOT})));
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

export class HeapThreads {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly local: ((...args: number[]) => void)[];
  private seq = 0;
  private broken = false;

  /**
   * `names`: the module's exported functions, called by index. Starts `threads - 1` workers (none when the
   * memory is not shared) and waits for them to be ready.
   */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, private readonly names: string[], threads: number) {
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    this.local = names.map((n) => exports[n]);
    const helpers = memory.buffer instanceof SharedArrayBuffer ? Math.max(0, threads - 1) : 0;
    this.control = new Int32Array(new SharedArrayBuffer(Math.max(1, helpers) * SLOT * 4));
    for (let slot = 0; slot < helpers; slot++) {
      Atomics.store(this.control, slot * SLOT + DONE, -2); // -2: starting
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: this.control.buffer, slot, names } });
      worker.unref();
      worker.on('error', () => {
        this.broken = true;
      });
      this.workers.push(worker);
    }
    for (let slot = 0; slot < helpers; slot++) {
      const at = slot * SLOT;
      Atomics.wait(this.control, at + DONE, -2, START_TIMEOUT_MS);
      if (Atomics.load(this.control, at + DONE) !== 0 || Atomics.load(this.control, at + FAILED) !== 0) this.broken = true;
    }
    if (this.broken) this.close();
  }

  /** How many shares a call is split into: this thread plus the ready workers. */
  get threads(): number {
    return this.broken ? 1 : this.workers.length + 1;
  }

  /**
   * Run `names[fn]` once per share: shares[0] here, shares[i] in worker i-1 (all at once). Returns (or throws this
   * thread's error) only after every worker has finished, so the caller may free what the shares wrote into.
   */
  run(fn: number, shares: number[][]): void {
    if (shares.length > this.threads) throw new Error(`HeapThreads: ${shares.length} shares for ${this.threads} threads.`);
    // Int32 slots: wrap long before 2^31 (-1 means leave, 0 is the workers' start).
    this.seq = this.seq >= 0x3fffffff ? 1 : this.seq + 1;
    const seq = this.seq;
    for (let w = 1; w < shares.length; w++) {
      const at = (w - 1) * SLOT;
      this.control[at + FN] = fn;
      this.control.set(shares[w], at + ARGS);
      Atomics.store(this.control, at + SEQ, seq);
      Atomics.notify(this.control, at + SEQ);
    }
    let failure: unknown;
    try {
      this.local[fn](...shares[0]);
    } catch (e) {
      failure = e;
    }
    for (let w = 1; w < shares.length; w++) {
      const at = (w - 1) * SLOT;
      const deadline = Date.now() + CALL_TIMEOUT_MS;
      let done = Atomics.load(this.control, at + DONE);
      while (done !== seq && Date.now() < deadline) {
        Atomics.wait(this.control, at + DONE, done, 1000);
        done = Atomics.load(this.control, at + DONE);
      }
      if (done !== seq || Atomics.load(this.control, at + FAILED) !== 0) {
        // The kernels overwrite their share's output, so this thread can redo it; no more workers after this
        // (close() also terminates a worker that stalled, so it cannot write later).
        this.broken = true;
        if (failure === undefined) this.local[fn](...shares[w]);
      }
    }
    if (this.broken) this.close();
    if (failure !== undefined) throw failure;
  }

  close(): void {
    this.workers.forEach((worker, w) => {
      Atomics.store(this.control, w * SLOT + SEQ, -1);
      Atomics.notify(this.control, w * SLOT + SEQ);
      void worker.terminate().catch(() => undefined);
    });
    this.workers.length = 0;
  }
}
