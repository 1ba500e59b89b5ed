/**
 * The host's client of the predict worker when the worker misbehaves: one that cannot start, and one that cuts
 * its channel and runs on. Each request fails with why (never an uncaught 'error', never a wait without end), and
 * the next request goes to a fresh worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PredictClient, predictWorkerLaunch } from '../../../src/extension/training/predictClient';
import { isUserError } from '../../../src/core/types';
import { tempDir } from '../../helpers/paths';
import { eventually } from '../../helpers/wait';

const input = { kind: 'tabular' as const, values: [0, 1] };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a worker that cannot start: the request fails with the reason', { timeout: 20_000 }, async () => {
  const dir = tempDir('ms-predict-');
  const c = new PredictClient({ launch: { modulePath: join(dir, 'worker.js'), execArgv: [], execPath: join(dir, 'no-such-node') } });
  try {
    await assert.rejects(c.predict(input), (e: Error) => {
      assert.ok(isUserError(e));
      assert.match(e.message, /^The model worker could not start \(spawn .*no-such-node ENOENT\)\.$/);
      return true;
    });
  } finally {
    c.dispose();
  }
});

test('a worker that cuts its channel and runs on: the request fails, the worker is ended, the next request gets a fresh one', { timeout: 30_000 }, async () => {
  const dir = tempDir('ms-predict-');
  const first = join(dir, 'first.pid');
  const worker = join(dir, 'worker.ts');
  // The first start says it is ready, closes its channel and stays alive; the second answers every request.
  writeFileSync(
    worker,
    `import { existsSync, writeFileSync } from 'node:fs';
const first = ${JSON.stringify(first)};
if (!existsSync(first)) {
  writeFileSync(first, String(process.pid));
  process.send!({ type: 'ready' }, () => process.disconnect());
  setTimeout(() => undefined, 120_000);
} else {
  process.on('message', (m: any) => process.send!({ type: 'error', id: m.id, message: 'answered by worker ' + process.pid }));
  process.send!({ type: 'ready' });
}
`,
  );
  const c = new PredictClient({ launch: { modulePath: worker, execArgv: predictWorkerLaunch().execArgv } });
  try {
    await assert.rejects(c.predict(input), (e: Error) => {
      assert.ok(isUserError(e) && e.code === 'predict-worker', e.message);
      assert.match(e.message, /^The model worker (did not take the request|closed its channel)/);
      return true;
    });
    assert.ok(existsSync(first));
    const pid = Number(readFileSync(first, 'utf8'));
    // Ended by the client, not left holding memory (it would otherwise run for two minutes).
    await eventually(`the first worker (${pid}) to be ended`, () => !alive(pid), 5000, 50);
    await assert.rejects(c.predict(input), (e: Error) => {
      assert.match(e.message, /^answered by worker \d+$/);
      assert.notEqual(e.message, `answered by worker ${pid}`);
      return true;
    });
  } finally {
    c.dispose();
  }
});
