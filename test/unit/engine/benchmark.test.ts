/**
 * The training-speed measurement behind `bench`, `train --probe` and the engine picker: real measurements on
 * the cpu and wasm engines with small models and ~0.3 s budgets.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getTemplate } from '../../../src/core/templates';
import { EngineUnavailable, loadEngine } from '../../../src/engine/tfjs/engines';
import { fastestEngine, measureGemm, measureTraining, probeEngines, probeTable, sortFastestFirst, type ProbeRow } from '../../../src/engine/tfjs/benchmark';
import type { Tf } from '../../../src/engine/tfjs/tf';
import { run as bench } from '../../../src/cli/bench';
import { refuses } from '../../helpers/assertions';

const template = (id: string) => {
  const t = getTemplate(id);
  assert.ok(t, id);
  return t.build();
};

function assertSorted(rows: ProbeRow[]): void {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a.reason === undefined && b.reason === undefined) assert.ok((a.samples_per_s ?? 0) >= (b.samples_per_s ?? 0), `${a.engine} before ${b.engine}`);
    // Measured rows come before rows with a reason.
    assert.ok(!(a.reason !== undefined && b.reason === undefined), `${a.engine} (${a.reason}) before measured ${b.engine}`);
  }
}

describe('measureTraining', () => {
  test('trains the xor template on cpu and reports positive figures that agree with each other', async () => {
    const { tf, device } = await loadEngine('cpu');
    const m = await measureTraining(tf, 'cpu', device, template('xor'), 16, 0.3);
    assert.equal(m.engine, 'cpu');
    assert.equal(m.batch, 16);
    assert.equal(m.skipped, undefined);
    assert.ok(m.steps >= 2, `steps ${m.steps}`);
    assert.ok(m.samples_per_s !== null && m.samples_per_s > 0);
    assert.ok(m.ms_per_step !== null && m.ms_per_step > 0);
    // samples/s and ms/step describe the same timing: batch * 1000 / ms_per_step.
    assert.ok(Math.abs((16 * 1000) / m.ms_per_step - m.samples_per_s) / m.samples_per_s < 0.02);
    assert.equal(typeof m.loss_decreased, 'boolean');
  });

  test('an autoencoder (target = input) and a sparse classifier with an Embedding train on wasm', async () => {
    const { tf, device } = await loadEngine('wasm');
    const ae = await measureTraining(tf, 'wasm', device, template('autoencoder'), 32, 0.3);
    assert.ok(ae.samples_per_s !== null && ae.samples_per_s > 0);
    // The autoencoder learns its own input: a few Adam steps on one batch lower the loss.
    assert.equal(ae.loss_decreased, true);
    const mlp = await measureTraining(tf, 'wasm', device, template('mnist-mlp'), 32, 0.3);
    assert.ok(mlp.samples_per_s !== null && mlp.samples_per_s > 0);
    assert.equal(tf.getBackend(), 'wasm');
  });

  test('a step predicted to take too long is reported with an estimate, not run', async () => {
    const { tf, device } = await loadEngine('cpu');
    const before = tf.memory().numTensors;
    const m = await measureTraining(tf, 'cpu', device, template('xor'), 1_000_000, 0.3, { maxStepSeconds: 1e-6 });
    assert.match(m.skipped ?? '', /one step would take about \d+ s on this engine/);
    assert.equal(m.steps, 0);
    assert.equal(m.ms_per_step, null);
    assert.ok(m.samples_per_s !== null && m.samples_per_s > 0);
    // Nothing left behind: the model, optimizer and synthetic batches are disposed.
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('probeEngines', () => {
  test('measures cpu and wasm, sorts fastest first and reports each engine as it finishes', async () => {
    const seen: string[] = [];
    const r = await probeEngines(template('mnist-mlp'), 64, {
      engines: ['cpu', 'wasm'],
      seconds: 0.3,
      onResult: (e) => seen.push(`${e.row?.engine ?? e.skipped?.engine} ${e.done}/${e.total}`),
    });
    assert.deepEqual(seen, ['cpu 1/2', 'wasm 2/2']);
    assert.equal(r.batch, 64);
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(r.rows.map((x) => x.engine).sort(), ['cpu', 'wasm']);
    for (const row of r.rows) {
      assert.equal(row.reason, undefined, row.reason);
      assert.ok(row.samples_per_s !== null && row.samples_per_s > 0, `${row.engine} ${row.samples_per_s}`);
      assert.ok(row.ms_per_step !== null && row.ms_per_step > 0);
      assert.match(row.device, new RegExp(`^${row.engine} · `));
    }
    assert.ok((r.rows[0].samples_per_s ?? 0) >= (r.rows[1].samples_per_s ?? 0));
    assert.equal(fastestEngine(r)?.engine, r.rows[0].engine);
    const table = probeTable(r).split('\n');
    assert.match(table[0], /^engine\s+device\s+samples\/s\s+ms\/step$/);
    assert.match(table[1], new RegExp(`^${r.rows[0].engine}\\s`));
    assert.equal(table.length, 3);
  });

  test('an engine that does not load is skipped with its reason; one that fails to train is a row with its reason; webgpu goes last', async () => {
    const order: string[] = [];
    const cpuTf = async (): Promise<Tf> => {
      const tf = require('@tensorflow/tfjs') as Tf;
      await tf.setBackend('cpu');
      return tf;
    };
    const r = await probeEngines(template('xor'), 8, {
      engines: ['webgpu', 'tensorflow', 'wasm', 'cpu'],
      seconds: 0.3,
      onResult: (e) => order.push((e.row?.engine ?? e.skipped?.engine) as string),
      engineOptions: {
        loaders: {
          // Loads (and passes the smoke test) but a kernel the training step needs is missing.
          webgpu: async () => {
            const tf = await cpuTf();
            const broken = Object.create(tf, {
              tensor: { value: () => { throw new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'webgpu'\n    at stack"); } },
            }) as Tf;
            return { tf: broken, device: 'webgpu · test adapter' };
          },
          tensorflow: async () => {
            throw new EngineUnavailable('not installed (@tensorflow/tfjs-node) in this test.');
          },
        },
      },
    });
    assert.deepEqual(order, ['tensorflow', 'wasm', 'cpu', 'webgpu']);
    assert.deepEqual(r.skipped, [{ engine: 'tensorflow', reason: 'not installed (@tensorflow/tfjs-node) in this test.' }]);
    assert.equal(r.rows.length, 3);
    const failed = r.rows[r.rows.length - 1];
    assert.equal(failed.engine, 'webgpu');
    assert.equal(failed.device, 'webgpu · test adapter');
    assert.equal(failed.samples_per_s, null);
    assert.equal(failed.reason, "Kernel 'Conv2DBackpropFilter' not registered for backend 'webgpu'");
    assertSorted(r.rows);
    assert.ok(['wasm', 'cpu'].includes(fastestEngine(r)?.engine ?? ''));
    const table = probeTable(r);
    assert.match(table, /\n {2}webgpu: Kernel 'Conv2DBackpropFilter' not registered/);
    assert.match(table, /\n {2}tensorflow not available: not installed/);
  });

  test('sortFastestFirst: measured by speed, then estimates, then failures', () => {
    const row = (engine: ProbeRow['engine'], samples: number | null, reason?: string): ProbeRow => ({
      engine, device: engine, batch: 1, samples_per_s: samples, ms_per_step: null, steps: 0, loss_decreased: null, ...(reason ? { reason } : {}),
    });
    const sorted = sortFastestFirst([row('cpu', 5), row('webgpu', null, 'crashed'), row('tensorflow', 900, 'too slow'), row('wasm', 50)]);
    assert.deepEqual(sorted.map((r) => r.engine), ['wasm', 'cpu', 'tensorflow', 'webgpu']);
    assert.equal(fastestEngine({ rows: sorted, skipped: [], batch: 1 })?.engine, 'wasm');
    assert.equal(fastestEngine({ rows: [row('webgpu', null, 'crashed')], skipped: [], batch: 1 }), undefined);
  });
});

describe('the bench ceiling', () => {
  test('measureGemm: a positive GFLOP/s rate on wasm, no tensor left behind', async () => {
    const { tf } = await loadEngine('wasm');
    const before = tf.memory().numTensors;
    const gflops = await measureGemm(tf, 128, 0.1);
    assert.ok(gflops > 0, `${gflops}`);
    assert.equal(tf.memory().numTensors, before);
  });

  test('bench refuses a --rounds that is not a positive integer, before measuring anything', async () => {
    await refuses(() => bench(['--rounds', '0', '--engines', 'cpu']), 'usage', /--rounds takes a positive integer/);
    await refuses(() => bench(['--rounds', 'two', '--engines', 'cpu']), 'usage', /--rounds/);
  });
});
