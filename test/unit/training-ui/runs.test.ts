/** Run history: metrics parsing, summaries, differing hyper-parameters, smoothing, decimation, the run store. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decimate, decimateIndices, metricsCsv, smooth } from '../../../src/core/charts';
import { defaultTrainingConfig, differingHyper, finalAndBest, flattenHyper, formatMetric, lowerIsBetter, optimizer, parseMetricsJsonl, runInfo, runLabel, shortRunName, MAX_RUN_BATCHES } from '../../../src/core/training';
import { deleteRun, listRunInfos, renameRun } from '../../../src/extension/training/runStore';
import { parseHostToTraining, parseTrainingToHost } from '../../../src/protocol/training';
import { tempDir } from '../../helpers/paths';

function writeRun(ws: string, model: string, id: string, opt: string, lr: number, losses: number[], end = true): void {
  const dir = join(ws, '.modelstudio/runs', model, id);
  mkdirSync(dir, { recursive: true });
  const training = defaultTrainingConfig({ dataset: 'mnist', optimizer: optimizer(opt as 'sgd', { learning_rate: lr }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], epochs: losses.length });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model, startedAt: `2026-11-22T10:0${id.slice(-1)}:00Z`, engine: 'cpu', training }));
  const lines = losses.map((l, e) => JSON.stringify({ type: 'epoch', epoch: e, metrics: { loss: l, accuracy: 1 - l / 3, val_loss: l + 0.05 }, seconds: 1, etaSeconds: 0, memory: { tensorBytes: 0, rssBytes: 0 } }));
  if (end) lines.push(JSON.stringify({ type: 'end', status: 'done', epochs: losses.length, test: { loss: 0.2, accuracy: 0.93 } }));
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n{"type":"epo');
}

describe('run history', () => {
  test('smoothing is TensorBoard\'s debiased EMA; decimation keeps extremes and bounds the point count', () => {
    assert.deepEqual(Array.from(smooth([1, 1, 1], 0.9)), [1, 1, 1]);
    const s = smooth([0, 10], 0.5);
    assert.equal(s[0], 0);
    assert.ok(Math.abs(s[1] - 10 * 0.5 / 0.75) < 1e-9);
    assert.ok(Number.isNaN(smooth([1, NaN, 1], 0.5)[1]));
    const n = 100_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => Math.sin(i / 100));
    ys[54_321] = 50;
    const d = decimate(xs, ys, 500);
    assert.ok(d.x.length <= 2000 && d.x.length >= 500, `${d.x.length} points`);
    assert.ok(d.y.includes(50), 'the spike survives');
    assert.equal(d.x[0], 0);
    assert.equal(d.x[d.x.length - 1], n - 1);
    const idx = decimateIndices(xs, ys, 500);
    assert.ok(idx.every((v, i) => i === 0 || v > idx[i - 1]), 'indices ascend');
    assert.equal(decimate([1, 2, 3], [1, NaN, 3], 100).y[1], null);
  });

  test('metrics lines: epochs, batches, histograms, end; a broken last line is skipped', () => {
    const m = parseMetricsJsonl(
      [
        '{"type":"batch","step":0,"epoch":0,"batch":0,"metrics":{"loss":1}}',
        '{"type":"epoch","epoch":0,"metrics":{"loss":0.9,"val_loss":null}}',
        '{"type":"histograms","epoch":0,"items":[{"layer":"dense","kind":"weights","min":-1,"max":1,"counts":[1,2,1]}]}',
        '{"type":"end","status":"stopped","test":{"accuracy":0.5}}',
        '{"type":"epo',
      ].join('\n'),
    );
    assert.equal(m.batches.length, 1);
    assert.equal(m.epochs[0].step, 1);
    assert.ok(Number.isNaN(m.epochs[0].metrics.val_loss));
    assert.equal(m.histograms[0].layer, 'dense');
    assert.deepEqual(m.end, { state: 'stopped', reason: undefined, test: { accuracy: 0.5 } });
  });

  test('final/best, lower-is-better, differing hyper-parameters and legend labels', () => {
    const { final, best } = finalAndBest([{ epoch: 0, metrics: { loss: 1, accuracy: 0.5 } }, { epoch: 1, metrics: { loss: 0.5, accuracy: 0.8 } }, { epoch: 2, metrics: { loss: 0.7, accuracy: 0.7 } }]);
    assert.deepEqual(final, { loss: 0.7, accuracy: 0.7 });
    assert.deepEqual(best, { loss: 0.5, accuracy: 0.8 });
    assert.equal(lowerIsBetter('val_loss'), true);
    assert.equal(lowerIsBetter('val_accuracy'), false);
    assert.equal(lowerIsBetter('mae'), true);
    const a = flattenHyper({ optimizer: { name: 'sgd', params: { learning_rate: 0.01, momentum: 0.9 } }, batchSize: 32 });
    assert.deepEqual(a, { optimizer: 'sgd', 'optimizer.learning_rate': 0.01, 'optimizer.momentum': 0.9, batchSize: 32 });
    const b = flattenHyper({ optimizer: { name: 'adam', params: { learning_rate: 0.01 } }, batchSize: 32 });
    const diff = differingHyper([{ hyper: a }, { hyper: b }]);
    assert.deepEqual(diff, ['optimizer', 'optimizer.momentum']);
    assert.equal(runLabel({ name: 'r', hyper: a }, diff), 'optimizer=sgd momentum=0.9');
    assert.equal(runLabel({ name: 'r', hyper: b }, diff), 'optimizer=adam');
    assert.equal(formatMetric('accuracy', 0.9612), '96.1%');
    assert.equal(formatMetric('loss', 0.12345), '0.123');
    assert.equal(formatMetric('lr', 0.0001), '1.00e-4');
    const csv = metricsCsv([{ step: 0, epoch: 0, batch: 0, metrics: { loss: 1 } }], [{ epoch: 0, step: 1, metrics: { loss: 0.9, val_loss: 1.1 } }]);
    assert.equal(csv, 'kind,step,epoch,batch,loss,val_loss,lr,samples_per_s\nbatch,0,0,0,1,,,\nepoch,1,0,,0.9,1.1,,\n');
  });

  test('the run store lists, renames and deletes runs, and refuses paths outside the runs folder', () => {
    const ws = tempDir();
    writeRun(ws, 'mnist_mlp', 'r1', 'sgd', 0.01, [2, 1, 0.5]);
    writeRun(ws, 'mnist_mlp', 'r2', 'adam', 0.001, [1.5, 0.4, 0.2]);
    writeRun(ws, 'xor', 'r3', 'sgd', 0.1, [0.7], false);
    const all = listRunInfos(ws);
    assert.deepEqual(all.map((r) => r.id), ['mnist_mlp/r1', 'mnist_mlp/r2', 'xor/r3']);
    const mine = listRunInfos(ws, { model: 'mnist_mlp' });
    assert.equal(mine.length, 2);
    assert.equal(mine[1].final.loss, 0.2);
    assert.equal(mine[1].final.test_accuracy, 0.93);
    assert.equal(mine[0].best.loss, 0.5);
    assert.equal(mine[0].hyper.optimizer, 'sgd');
    assert.equal(mine[0].state, 'done');
    assert.equal(all[2].state, 'incomplete');
    renameRun(ws, 'mnist_mlp/r1', '  plain SGD ');
    assert.equal(listRunInfos(ws, { model: 'mnist_mlp' })[0].name, 'plain SGD');
    assert.throws(() => renameRun(ws, 'mnist_mlp/r1', '   '), /1 to 200 characters/);
    assert.throws(() => deleteRun(ws, '../etc'), /is not a run/);
    assert.throws(() => deleteRun(ws, 'mnist_mlp/..'), /is not a run/);
    assert.throws(() => deleteRun(ws, 'mnist_mlp/nope'), /does not exist/);
    deleteRun(ws, 'mnist_mlp/r2');
    assert.equal(existsSync(join(ws, '.modelstudio/runs/mnist_mlp/r2')), false);
    assert.equal(listRunInfos(ws).length, 2);
  });

  test('protocol: valid messages pass, invalid ones are dropped', () => {
    assert.deepEqual(parseTrainingToHost({ type: 'command', command: 'stop' }), { type: 'command', command: 'stop' });
    assert.equal(parseTrainingToHost({ type: 'command', command: 'rm -rf' }), undefined);
    assert.equal(parseTrainingToHost({ type: 'exportCsv', fileName: '../x.csv', csv: '' }), undefined);
    assert.equal(parseTrainingToHost({ type: 'exportPng', fileName: 'a.png', dataUrl: 'data:text/html,<script>' }), undefined);
    assert.equal(parseTrainingToHost({ type: 'predict', requestId: 1, input: { kind: 'text', seed: 'a', length: 0, temperature: 1 } }), undefined);
    assert.deepEqual(parseTrainingToHost({ type: 'renameRun', runId: 'm/r', name: ' x ' }), { type: 'renameRun', runId: 'm/r', name: 'x' });
    assert.ok(parseHostToTraining({ type: 'batches', sessionId: 's', points: [{ step: 0, epoch: 0, batch: 0, metrics: { loss: null } }] }));
    assert.equal(parseHostToTraining({ type: 'batches', sessionId: 's', points: [{ step: 0 }] }), undefined);
    assert.equal(parseHostToTraining({ type: 'showTab', tab: 'nope' }), undefined);
  });

  test('run names: a generated id reads as label and start time; a given name stays; no-epoch runs keep thinned batches', () => {
    assert.equal(shortRunName({ id: 'x', name: '20261130-150135-a1b2-adam' }), 'adam 11-30 15:01');
    assert.equal(shortRunName({ id: 'x', name: '20261130-150135-a1b2' }), 'run 11-30 15:01');
    assert.equal(shortRunName({ id: 'x', name: 'my best run' }), 'my best run');
    // No setting differs: the legend label is the short name, not the id.
    assert.equal(runLabel({ name: '20261130-150135-a1b2-adam', hyper: { optimizer: 'adam' } }, []), 'adam 11-30 15:01');
    const batches = Array.from({ length: 2000 }, (_, i) => ({ step: i + 1, epoch: 1, batch: i + 1, metrics: { loss: 1 / (i + 1) } }));
    const info = runInfo('r', 'm', {}, { batches, epochs: [], histograms: [] });
    assert.equal(info.batches?.length, MAX_RUN_BATCHES);
    assert.equal(info.batches?.[MAX_RUN_BATCHES - 1].step, 2000);
    assert.ok(parseHostToTraining({ type: 'runs', runs: [info] }), 'a run with batch points passes the protocol');
    // A run with epochs does not carry its batches (the messages stay small).
    assert.equal(runInfo('r', 'm', {}, { batches, epochs: [{ epoch: 1, metrics: { loss: 0.1 } }], histograms: [] }).batches, undefined);
  });
});
