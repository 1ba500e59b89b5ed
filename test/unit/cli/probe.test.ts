/**
 * `model-studio train MODEL --probe` (a speed table, no training) and `--engine fastest` / a candidate list
 * (measure, then train on the winner), in-process through runCli with small budgets on cpu and wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';

async function xorModel(): Promise<string> {
  const dir = tempDir('ms-probe-');
  const r = await runCli(['new', '--template', 'xor', dir]);
  assert.equal(r.code, 0, r.stderr);
  return join(dir, 'model.json');
}

/** The table's data rows: engine, device, samples/s, ms/step. */
function tableRows(stdout: string): { engine: string; samples: number; ms: number }[] {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => /^engine\s+device\s+samples\/s\s+ms\/step$/.test(l));
  assert.ok(head >= 0, `no table header in:\n${stdout}`);
  const rows = [];
  for (const l of lines.slice(head + 1)) {
    const m = /^(\S+)\s+.+?\s+([\d,.]+)\s+([\d.]+)$/.exec(l);
    if (!m) break;
    rows.push({ engine: m[1], samples: Number(m[2].replace(/,/g, '')), ms: Number(m[3]) });
  }
  return rows;
}

test('train --probe prints each engine’s measured speed for the model, fastest first, and trains nothing', async () => {
  const model = await xorModel();
  const before = readFileSync(model, 'utf8');
  const r = await runCli(['train', model, '--probe', '--batch-size', '16', '--engine', 'cpu,wasm', '--probe-seconds', '0.3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Training speed at batch 16 /);
  const rows = tableRows(r.stdout);
  assert.deepEqual(rows.map((x) => x.engine).sort(), ['cpu', 'wasm']);
  for (const row of rows) {
    assert.ok(row.samples > 0 && row.ms > 0, JSON.stringify(row));
  }
  assert.ok(rows[0].samples >= rows[1].samples, 'fastest first');
  // Progress went to stderr, one line per engine.
  assert.match(r.stderr, /\[1\/2\] cpu: [\d,.]+ samples\/s/);
  assert.match(r.stderr, /\[2\/2\] wasm: [\d,.]+ samples\/s/);
  assert.doesNotMatch(r.stdout, /Epoch|Saved/);
  assert.equal(readFileSync(model, 'utf8'), before);
});

test('train --probe: without --batch-size it uses the model’s training batch size; bad options are usage errors', async () => {
  const model = await xorModel();
  const r = await runCli(['train', model, '--probe', '--engine', 'cpu', '--probe-seconds', '0.2']);
  assert.equal(r.code, 0, r.stderr);
  // The xor template trains at batch 4.
  assert.match(r.stdout, /Training speed at batch 4 /);
  assert.deepEqual(tableRows(r.stdout).map((x) => x.engine), ['cpu']);

  const bad = await runCli(['train', model, '--probe', '--engine', 'cpu,gpu']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unknown engine "gpu"/);
  const badSeconds = await runCli(['train', model, '--probe', '--probe-seconds', '0']);
  assert.equal(badSeconds.code, 1);
  assert.match(badSeconds.stderr, /--probe-seconds/);
});

test('train --engine with candidates measures them and trains on the fastest', async () => {
  const model = await xorModel();
  const r = await runCli(['train', model, '--engine', 'cpu,wasm', '--probe-seconds', '0.2', '--epochs', '2', '--no-save', '--workspace', tempDir()]);
  assert.equal(r.code, 0, r.stderr);
  const rows = tableRows(r.stdout);
  assert.equal(rows.length, 2);
  const chosen = /Training on the fastest engine: (\S+)/.exec(r.stdout)?.[1];
  assert.equal(chosen, rows[0].engine);
  // The training session reports the engine it loaded: the chosen one.
  assert.match(r.stdout, new RegExp(`Engine: ${chosen} · `));
  assert.match(r.stdout, /Training finished after 2 epoch\(s\)/);
});
