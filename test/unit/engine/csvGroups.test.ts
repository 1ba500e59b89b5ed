/**
 * A CSV for a model with several inputs and outputs (issue 15): the data map gives each layer a group of columns
 * ("a+b+c", names or 0-based indices), and training on it gives the same losses as the same data in an npz; a
 * layer left out of the map takes the column of its own name; and every refusal (an unknown column, a group the
 * layer does not fit, a layer with no group and no column of its name, a cell that is not a number): a clear
 * message with a hint, nothing written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTrainingConfig, type TrainingConfig } from '../../../src/core/training';
import { cliRefuses } from '../../helpers/assertions';
import { runCli } from '../../helpers/cli';
import { twoHeadData, twoHeadTraining, writeTwoHeadCase } from '../../helpers/multiIO';
import { tempDir } from '../../helpers/paths';

const IMAGE = Array.from({ length: 36 }, (_, i) => `p${i}`);

/** The two-head data as one CSV: 36 image columns, 3 vector columns, the class and the regression target. */
function twoHeadCsv(edit: (rows: string[][]) => void = () => undefined, weights?: readonly number[]): string {
  const d = twoHeadData();
  const n = d.cls.shape[0];
  const img = d.image.data as Float32Array;
  const vec = d.vec.data as Float32Array;
  const rows = Array.from({ length: n }, (_, r) => [
    ...Array.from(img.subarray(r * 36, (r + 1) * 36), String),
    ...Array.from(vec.subarray(r * 3, (r + 1) * 3), String),
    String((d.cls.data as Int32Array)[r]),
    String((d.value.data as Float32Array)[r]),
    ...(weights ? [String(weights[r])] : []),
  ]);
  edit(rows);
  return [[...IMAGE, 'v0', 'v1', 'v2', 'label', 'target', ...(weights ? ['w'] : [])], ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/** image by names, vec by indices, one integer column for the sparse-label output. */
const GROUPS = { image: IMAGE.join('+'), vec: '36+37+38', cls: 'label', reg: 'target' };

async function train(training: TrainingConfig, csv = twoHeadCsv(), data = twoHeadData()): Promise<{ code: number; stderr: string; stdout: string; dir: string }> {
  const dir = tempDir('ms-csvgroups-');
  await writeTwoHeadCase(dir, training, data);
  writeFileSync(join(dir, 'data.csv'), csv);
  const ws = join(dir, 'ws');
  mkdirSync(ws);
  const r = await runCli(['train', join(dir, 'model.json'), '--engine', 'cpu', '--workspace', ws, '--no-save']);
  return { ...r, dir: ws };
}

const csvTraining = (dataMap: Record<string, string> = GROUPS) => twoHeadTraining({ dataset: 'csv:data.csv', dataMap, epochs: 1 });

/** The first epoch's metrics of the one run in `ws` (metrics.jsonl, full precision). */
function firstEpoch(ws: string): Record<string, number> {
  const runs = join(ws, '.modelstudio', 'runs', 'two_heads');
  const [run] = readdirSync(runs);
  const lines = readFileSync(join(runs, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return lines.find((l) => l.type === 'epoch' && l.epoch === 1).metrics;
}

describe('a CSV with column groups into a model with two inputs and two outputs', () => {
  test('trains on cpu with exactly the first-epoch losses of the same data in an npz (shuffle off, same split)', async () => {
    const fromCsv = await train(csvTraining());
    assert.equal(fromCsv.code, 0, fromCsv.stderr);
    assert.match(fromCsv.stdout, /data\.csv \(training part\): 36 samples, x image <- p0\+p1\+[^\n]*\+p35 \[36\], vec <- 36\+37\+38 \[3\]; y cls <- label \[1\], reg <- target \[1\]/);
    const fromNpz = await train(twoHeadTraining({ epochs: 1 }));
    assert.equal(fromNpz.code, 0, fromNpz.stderr);
    const [c, n] = [firstEpoch(fromCsv.dir), firstEpoch(fromNpz.dir)];
    for (const k of ['loss', 'cls_loss', 'reg_loss', 'val_loss', 'val_cls_loss', 'val_reg_loss']) assert.equal(c[k], n[k], k);
  });

  test('?weight=COL gives the sample weights, as the npz\'s sample_weight array does', async () => {
    const w = Array.from({ length: twoHeadData().cls.shape[0] }, (_, r) => [0, 0.5, 2][r % 3]);
    const fromCsv = await train({ ...csvTraining(), dataset: 'csv:data.csv?weight=w' }, twoHeadCsv(undefined, w));
    assert.equal(fromCsv.code, 0, fromCsv.stderr);
    const fromNpz = await train(twoHeadTraining({ epochs: 1 }), undefined, { ...twoHeadData(), sample_weight: { dtype: '<f4', shape: [w.length], data: Float32Array.from(w) } });
    assert.equal(fromNpz.code, 0, fromNpz.stderr);
    const unweighted = await train(csvTraining());
    const [c, n] = [firstEpoch(fromCsv.dir), firstEpoch(fromNpz.dir)];
    for (const k of ['loss', 'cls_loss', 'reg_loss', 'val_loss']) assert.equal(c[k], n[k], k);
    assert.notEqual(c.loss, firstEpoch(unweighted.dir).loss, 'the weights change the loss');
  });

  test('an unknown column, by name or by index', async () => {
    await cliRefuses(train(csvTraining({ ...GROUPS, vec: 'v0+v1+w2' })), /data\.csv has no column "w2" \(in the data map's group "v0\+v1\+w2" for the model input vec\)/, /Its columns are: p0, p1, .*label, target; join a group's columns with \+/);
    await cliRefuses(train(csvTraining({ ...GROUPS, reg: '41' })), /data\.csv has no column "41"/, /Its columns are/);
  });

  test('a group whose size does not fit the layer', async () => {
    await cliRefuses(train(csvTraining({ ...GROUPS, vec: 'v0+v1' })), /array "v0\+v1" for input vec: each sample's input has shape \[2\] but the model's input is \[3\]/, /Change the Input layer's shape/);
    await cliRefuses(train(csvTraining({ ...GROUPS, reg: 'target+v0' })), /array "target\+v0" for output reg: each sample's target has shape \[2\] but the model's output is \[1\]/, /Change the last layer/);
  });

  test('a layer with no group', async () => {
    const { vec: _vec, ...rest } = GROUPS;
    await cliRefuses(train(csvTraining(rest)), /The data map gives no columns of data\.csv to the model input vec, and data\.csv has no column named vec/, /Map every input and output to its columns, joined by \+ .*e\.g\. vec: "p0\+p1", or name a column after the layer; the columns are: p0, p1/);
  });

  test('a layer the data map leaves out takes the column of its own name, as it would the npz array of its name', async () => {
    const { reg: _reg, ...rest } = GROUPS;
    const named = (csv: string) => csv.replace(/,target\n/, ',reg\n');
    const fromName = await train(csvTraining(rest), named(twoHeadCsv()));
    assert.equal(fromName.code, 0, fromName.stderr);
    assert.match(fromName.stdout, /y cls <- label \[1\], reg \[1\]\n/);
    const mapped = await train(csvTraining());
    assert.equal(firstEpoch(fromName.dir).reg_loss, firstEpoch(mapped.dir).reg_loss);
  });

  test('a group with an empty column is refused by the config check, before any data is read', async () => {
    assert.match(checkTrainingConfig(csvTraining({ ...GROUPS, vec: 'v0++v2' }))['dataMap.vec'] ?? '', /needs a column between each \+/);
    assert.equal(checkTrainingConfig(csvTraining({ ...GROUPS, vec: 'v0+v1+v2' }))['dataMap.vec'], undefined);
    await cliRefuses(train(csvTraining({ ...GROUPS, vec: 'v0+v1+' })), /dataMap\.vec: a group of CSV columns needs a column between each \+/, /data map/);
  });

  test('a cell in a group that is not a number', async () => {
    const csv = twoHeadCsv((rows) => {
      rows[4][37] = 'n/a';
    });
    await cliRefuses(train(csvTraining(), csv), /data\.csv: row 6 has "n\/a" in column "v1" \(for the model input vec\), which is not a number/, /Column groups take numbers only/);
  });
});
