/**
 * The worker-thread pool of our wasm kernels (src/engine/tfjs/kernels/wasm/heapThreads.ts) when something fails,
 * with a one-function module: poke(addr, value) stores value at addr and traps when value is 0.
 * - this thread's share traps: run waits for the workers, then throws; the pool keeps its threads;
 * - a worker's share traps: the share is redone here (and traps again here, so run throws), the pool drops its
 *   workers, and later calls run on this thread alone and still work.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { I32, op, type FunctionSpec, moduleBytes } from '../../../src/engine/tfjs/kernels/wasm/encoder';
import { HeapThreads } from '../../../src/engine/tfjs/kernels/wasm/heapThreads';

const poke: FunctionSpec = {
  exportName: 'poke',
  params: [I32, I32],
  locals: [],
  // block { br_if 0 (value != 0); unreachable } ; i32.store(addr, value)
  body: [...op.block, ...op.localGet(1), ...op.brIf(0), 0x00, ...op.end, ...op.localGet(0), ...op.localGet(1), ...op.i32Store(0)],
};

function pool(threads: number) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  const module = new WebAssembly.Module(moduleBytes([poke], true));
  return { heap: new Int32Array(memory.buffer), threads: new HeapThreads(module, memory, ['poke'], threads) };
}

test('a trap in this thread\'s share: run throws after the workers finish; the pool keeps its threads', () => {
  const { heap, threads } = pool(3);
  assert.equal(threads.threads, 3);
  assert.throws(() => threads.run(0, [[0, 0], [8, 21], [12, 22]]), /unreachable/);
  assert.deepEqual([heap[2], heap[3]], [21, 22], 'the workers\' shares were done');
  threads.run(0, [[4, 1], [8, 2], [12, 3]]);
  assert.deepEqual([...heap.subarray(1, 4)], [1, 2, 3]);
  threads.close();
});

test('a trap in a worker: its share is redone here, the workers are dropped, later calls run here', () => {
  const { heap, threads } = pool(2);
  assert.equal(threads.threads, 2);
  assert.throws(() => threads.run(0, [[4, 7], [8, 0]]), /unreachable/);
  assert.equal(heap[1], 7);
  assert.equal(threads.threads, 1, 'no workers after a failure');
  threads.run(0, [[16, 5]]);
  assert.equal(heap[4], 5);
});
