/**
 * "Measure speed for this model" in the engine picker: the probeSpeed messages between the host and the
 * predict worker are validated on both sides, and the real worker answers a probe for a tiny model with
 * progress before each engine and after it. A worker that dies mid-probe keeps the engines measured so far.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTemplate } from '../../../src/core/templates';
import { PredictClient, predictWorkerLaunch, type SpeedProgress } from '../../../src/extension/training/predictClient';
import { parseFromPredictWorker, parseToPredictWorker } from '../../../src/protocol/predict';
import { tempDir } from '../../helpers/paths';

const xor = () => {
  const t = getTemplate('xor');
  assert.ok(t);
  return t.build();
};

describe('probeSpeed messages', () => {
  const model = { graph: { layers: [] } };
  test('requests: a model with a graph, a positive integer batch, known engines, bounded seconds', () => {
    const ok = { type: 'probeSpeed', id: 1, request: { model, batch: 32, engines: ['cpu', 'wasm'], seconds: 0.5, engineDirs: ['/x'] } };
    assert.deepEqual(parseToPredictWorker(ok), ok);
    assert.ok(parseToPredictWorker({ type: 'probeSpeed', id: 2, request: { model, batch: 1 } }));
    const bad: unknown[] = [
      { type: 'probeSpeed', id: 1 },
      { type: 'probeSpeed', request: { model, batch: 32 } },
      { type: 'probeSpeed', id: 1, request: { batch: 32 } },
      { type: 'probeSpeed', id: 1, request: { model: {}, batch: 32 } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 0 } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 2.5 } },
      { type: 'probeSpeed', id: 1, request: { model, batch: '32' } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 32, engines: ['cpu', 'gpu'] } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 32, engines: 'cpu' } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 32, seconds: 0 } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 32, seconds: 3600 } },
      { type: 'probeSpeed', id: 1, request: { model, batch: 32, engineDirs: [1] } },
    ];
    for (const b of bad) assert.equal(parseToPredictWorker(b), undefined, JSON.stringify(b));
  });

  test('answers: progress and the final report carry rows with numbers or null and reasons', () => {
    const row = { engine: 'wasm', device: 'wasm · WebAssembly', batch: 8, samples_per_s: 1234.5, ms_per_step: 6.5, steps: 10, loss_decreased: true };
    const failed = { ...row, engine: 'webgpu', samples_per_s: null, ms_per_step: null, reason: 'Kernel X not registered' };
    const report = { batch: 8, rows: [row, failed], skipped: [{ engine: 'tensorflow', reason: 'not installed' }] };
    assert.ok(parseFromPredictWorker({ type: 'speed', id: 3, report }));
    assert.ok(parseFromPredictWorker({ type: 'speedProgress', id: 3, done: 1, total: 5, measuring: 'cpu', report }));
    assert.ok(parseFromPredictWorker({ type: 'speedProgress', id: 3, done: 2, total: 5, report }));
    const bad: unknown[] = [
      { type: 'speed', report },
      { type: 'speed', id: 3 },
      { type: 'speed', id: 3, report: { ...report, rows: [{ ...row, samples_per_s: '1234' }] } },
      { type: 'speed', id: 3, report: { ...report, rows: [{ ...row, device: undefined }] } },
      { type: 'speed', id: 3, report: { ...report, rows: [{ ...row, reason: 42 }] } },
      { type: 'speed', id: 3, report: { ...report, skipped: [{ engine: 'tensorflow' }] } },
      { type: 'speed', id: 3, report: { rows: [], skipped: [] } },
      { type: 'speedProgress', id: 3, total: 5, report },
      { type: 'speedProgress', id: 3, done: 1, total: 5, measuring: 7, report },
    ];
    for (const b of bad) assert.equal(parseFromPredictWorker(b), undefined, JSON.stringify(b));
  });
});

describe('probeSpeed in the predict worker', () => {
  const client = new PredictClient();
  after(() => client.dispose());

  test('measures a tiny model on cpu and wasm, reports progress, and the loaded model still predicts', async () => {
    // A model loaded for "try the model" first: the probe must not move it off its engine.
    const { engine } = await client.load({ model: xor(), baseDir: tempDir(), engine: 'wasm' });
    assert.match(engine, /^wasm/);
    const progress: SpeedProgress[] = [];
    const report = await client.probeSpeed({ model: xor(), batch: 8, engines: ['cpu', 'wasm'], seconds: 0.3 }, (p) => progress.push(p));
    assert.equal(report.batch, 8);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.rows.map((r) => r.engine).sort(), ['cpu', 'wasm']);
    for (const r of report.rows) {
      assert.equal(r.reason, undefined);
      assert.ok(r.samples_per_s !== null && r.samples_per_s > 0, `${r.engine}: ${r.samples_per_s}`);
      assert.ok(r.ms_per_step !== null && r.ms_per_step > 0);
    }
    assert.ok((report.rows[0].samples_per_s ?? 0) >= (report.rows[1].samples_per_s ?? 0));
    // Before cpu, after cpu, before wasm, after wasm.
    assert.deepEqual(
      progress.map((p) => `${p.measuring ?? 'done'} ${p.done}/${p.total} rows=${p.report.rows.length}`),
      ['cpu 0/2 rows=0', 'done 1/2 rows=1', 'wasm 1/2 rows=1', 'done 2/2 rows=2'],
    );
    const out = await client.predict({ kind: 'tabular', values: [1, 0] });
    assert.equal(out.kind === 'values' || out.kind === 'classes', true, JSON.stringify(out));
  });

  test('an engine that does not load is listed with its reason', async () => {
    const report = await client.probeSpeed({ model: xor(), batch: 4, engines: ['tensorflow', 'cpu'], seconds: 0.2, engineDirs: [tempDir()] });
    assert.deepEqual(report.rows.map((r) => r.engine), ['cpu']);
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0].engine, 'tensorflow');
    assert.match(report.skipped[0].reason, /not installed|failed to load|native library/);
  });

  test('a worker that dies mid-probe keeps what it measured and names the engine it was on', async () => {
    // A worker that measures cpu for real, then exits while "measuring" webgpu, as a Dawn crash would.
    const dir = tempDir('ms-crash-');
    const real = predictWorkerLaunch();
    const crashing = join(dir, 'crashingWorker.ts');
    writeFileSync(
      crashing,
      `process.on('message', (m: any) => {
  if (m?.type !== 'probeSpeed') return;
  const row = { engine: 'cpu', device: 'cpu · JavaScript', batch: m.request.batch, samples_per_s: 100, ms_per_step: 80, steps: 5, loss_decreased: true };
  const report = { batch: m.request.batch, rows: [row], skipped: [] };
  process.send!({ type: 'speedProgress', id: m.id, done: 1, total: 2, report });
  process.send!({ type: 'speedProgress', id: m.id, done: 1, total: 2, measuring: 'webgpu', report }, () => process.exit(139));
});
process.send!({ type: 'ready' });
`,
    );
    const c = new PredictClient({ launch: { modulePath: crashing, execArgv: real.execArgv } });
    try {
      const report = await c.probeSpeed({ model: xor(), batch: 16 });
      assert.deepEqual(report.rows.map((r) => r.engine), ['cpu', 'webgpu']);
      assert.equal(report.rows[0].samples_per_s, 100);
      assert.equal(report.rows[1].samples_per_s, null);
      assert.match(report.rows[1].reason ?? '', /ended the worker process.*code 139/);
    } finally {
      c.dispose();
    }
  });
});
