/**
 * Issue 18's reproducers for training data: labels the model cannot output, special files in image folders,
 * impossible PNGs, and what ONNX Runtime leaves behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { getTemplate } from '../../../src/core/templates';
import { isUserError } from '../../../src/core/types';
import { parseCsv } from '../../../src/engine/datasets/csv';
import { listImageFolder } from '../../../src/engine/datasets/images';
import { checkLabels } from '../../../src/engine/datasets/labels';
import { decodePng, encodePng } from '../../../src/engine/datasets/png';

const tmp = () => mkdtempSync(join(tmpdir(), 'ms-data-hostile-'));
const graph10 = () => getTemplate('mnist-mlp')!.build().graph;

async function refuses(f: () => unknown, code: string, text?: RegExp): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert.ok(isUserError(e), `not a UserError: ${(e as Error)?.stack}`);
    assert.equal(e.code, code, e.message);
    if (text) assert.match(e.message, text);
    return;
  }
  assert.fail('accepted');
}

/** 20 rows of 784 features; labels from `label(i)`. */
function csv(label: (i: number) => string): string {
  const header = `${[...Array(784).keys()].map((k) => `p${k}`).join(',')},label`;
  const rows = [...Array(20).keys()].map((i) => `${[...Array(784)].map((_, k) => String((i * 7 + k) % 13)).join(',')},${label(i)}`);
  return `${header}\n${rows.join('\n')}\n`;
}

test('CSV labels are checked against the model: 10..955 on a 10-output model, -1 and 2.5 are refused; 0..9 train', async () => {
  const g = graph10();
  const loss = 'sparse_categorical_crossentropy';
  await checkLabels(parseCsv(csv((i) => String(i % 10)), 'ok.csv').source, g, loss);
  await refuses(() => checkLabels(parseCsv(csv((i) => String(10 + i * 50)), 'big.csv').source, g, loss), 'bad-label', /10 units/);
  await refuses(() => checkLabels(parseCsv(csv((i) => (i === 3 ? '-1' : String(i % 10))), 'neg.csv').source, g, loss), 'bad-label', /sample 4 is -1/);
  await refuses(() => checkLabels(parseCsv(csv((i) => (i === 5 ? '2.5' : String(i % 10))), 'half.csv').source, g, loss), 'bad-label', /2\.5/);
});

test('CSV: NaN, empty, non-numeric and single-class label columns, and runaway rows are refused', async () => {
  await refuses(() => parseCsv(csv((i) => (i === 2 ? 'NaN' : String(i % 10))), 'nan.csv'), 'csv-bad-label', /row 4 .*"NaN"/);
  await refuses(() => parseCsv(csv((i) => (i === 2 ? '' : String(i % 10))), 'empty.csv'), 'csv-bad-label', /row 4 has no label/);
  await refuses(() => parseCsv(csv(() => 'x'), 'x.csv'), 'csv-bad-label', /same label/);
  await refuses(() => parseCsv(`${'1,'.repeat(200_000)}1\n`, 'wide.csv'), 'csv-too-wide');
});

test('image folders: a named pipe called 9.png and a symlink to /dev/zero are refused, not read', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const png = encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });
  writeFileSync(join(dir, 'a', '1.png'), png);
  execFileSync('mkfifo', [join(dir, 'b', '9.png')]);
  await refuses(() => listImageFolder(dir), 'bad-image', /named pipe/);
  execFileSync('rm', [join(dir, 'b', '9.png')]);
  symlinkSync('/dev/zero', join(dir, 'b', 'zero.png'));
  await refuses(() => listImageFolder(dir), 'bad-image', /a device/);
});

/** A PNG with its IHDR edited (and its checksum fixed). */
function pngWith(edit: (ihdr: DataView) => void): Uint8Array {
  const b = new Uint8Array(encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) }));
  const v = new DataView(b.buffer);
  edit(new DataView(b.buffer, 16, 13));
  v.setUint32(29, crc32(b.subarray(12, 29)) >>> 0);
  return b;
}

test('PNG: bit depth 3 and a 40000x40000 header are refused before any pixel is allocated', async () => {
  await refuses(() => decodePng(pngWith((h) => h.setUint8(8, 3)), 'd3.png'), 'png-format', /bit depth 3/);
  await refuses(
    () =>
      decodePng(
        pngWith((h) => {
          h.setUint32(0, 40000);
          h.setUint32(4, 40000);
        }),
        'huge.png',
      ),
    'limit-imagePixels',
    /1,600,000,000 pixels/,
  );
});

test('ONNX Runtime: verification leaves no telemetry under HOME and no mat-debug log in the temporary folder', { timeout: 120_000 }, () => {
  const home = tmp();
  const temp = tmp();
  const root = resolve(__dirname, '..', '..', '..');
  const penguin = ['/work/shared/fixtures/real/onnx/penguin_model.onnx', resolve(root, '..', '..', 'shared', 'fixtures', 'real', 'onnx', 'penguin_model.onnx')].find(existsSync)!;
  const script = `require('./src/engine/tfjs/verify').verifyModelFile(${JSON.stringify(penguin)}).then((r) => { console.log(r.ok ? 'OK' : r.text); console.log('PID', process.pid); })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...process.env, HOME: home, TMPDIR: temp }, encoding: 'utf8', timeout: 110_000 });
  assert.match(r.stdout, /OK/, r.stderr);
  const pid = /PID (\d+)/.exec(r.stdout)![1];
  assert.deepEqual(readdirSync(home), [], 'nothing under HOME (no .cache/Microsoft)');
  assert.ok(!readdirSync(temp).some((f) => f.startsWith('mat-debug')), 'no mat-debug log in TMPDIR');
  assert.ok(!existsSync(`/tmp/mat-debug-${pid}.log`), 'no mat-debug log in /tmp');
});
