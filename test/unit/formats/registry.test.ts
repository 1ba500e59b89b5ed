import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isUserError, type UserError } from '../../../src/core/types';
import { allFormats, detectFormat, readModel, registerFormat, writeModel } from '../../../src/formats/registry';
import type { FormatEntry, FormatId } from '../../../src/formats/format';
import { fixture, listDir, tempDir } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

describe('registry: detection', () => {
  test('JSON files are told apart by their keys', () => {
    assert.equal(detectFormat('model.json', readFileSync(fixture('tfjs-abalone/model.json')))?.id, 'tfjs');
    assert.equal(detectFormat('model.json', readFileSync(fixture('cnn-explainer/model.json')))?.id, 'tfjs');
    assert.equal(detectFormat('modelConfig.json', readFileSync(fixture('keras2-weights-json/toyresnet/modelConfig.json')))?.id, 'keras-json');
    assert.equal(detectFormat('x.json', enc('  \n{"class_name": "Sequential", "config": {"layers": []}}'))?.id, 'keras-json');
    assert.equal(detectFormat('x.json', enc('{"hello": 1}')), undefined);
    assert.equal(detectFormat('x.bin', new Uint8Array(16)), undefined);
  });

  test('registering a format makes it detectable, and the same id replaces the old one', () => {
    const before = allFormats().length;
    const fake: FormatEntry = {
      id: 'test-format' as FormatId,
      label: 'test format',
      extensions: ['.fake'],
      magic: (b) => b[0] === 0xfe,
      load: async () => ({
        read: async () => {
          throw new Error('not used');
        },
        write: async () => [],
      }),
    };
    registerFormat(fake);
    registerFormat({ ...fake });
    assert.equal(allFormats().length, before + 1);
    assert.equal(detectFormat('a.fake', Uint8Array.of(0xfe))?.label, 'test format');
  });
});

describe('registry: readModel / writeModel errors', () => {
  test('unknown content names the supported formats', async (t) => {
    const dir = tempDir(t);
    // Zero bytes: not HDF5, zip or JSON, and not protobuf either (field number 0 is invalid).
    writeFileSync(path.join(dir, 'weird.dat'), new Uint8Array(16));
    await assert.rejects(readModel(path.join(dir, 'weird.dat')), (e: unknown) => {
      assert.ok(isUserError(e));
      assert.equal((e as Error).message, 'Unknown model format: weird.dat');
      assert.match((e as UserError).hint ?? '', /TensorFlow\.js Layers/);
      return true;
    });
    writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    await assert.rejects(readModel(path.join(dir, 'other.json')), /Unknown model format: other\.json/);
  });

  test('invalid JSON names line and column, also where V8 gives no position', async (t) => {
    const dir = tempDir(t);
    writeFileSync(path.join(dir, 'model.json'), '{\n "modelTopology": {\n  "config": [}\n}');
    await assert.rejects(readModel(path.join(dir, 'model.json')), (e: unknown) => {
      assert.ok(isUserError(e));
      assert.equal((e as Error).message, 'model.json is not valid JSON at line 3, column 14: unexpected "}"');
      return true;
    });
    writeFileSync(path.join(dir, 'cut.json'), '{"class_name": "Sequential", "config": {"layers": [');
    await assert.rejects(readModel(path.join(dir, 'cut.json')), /cut\.json is not valid JSON at line 1, column 52: unexpected end of file/);
  });

  test('folders and missing files', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(readModel(dir), (e: unknown) => isUserError(e) && /is a folder/.test((e as Error).message));
    await assert.rejects(readModel(path.join(dir, 'nope', 'model.json')), (e: unknown) => isUserError(e) && /File not found/.test((e as Error).message));
  });

  test('a damaged file that trips a reader is still a UserError', async (t) => {
    const dir = tempDir(t);
    writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [5]}}}');
    await assert.rejects(readModel(path.join(dir, 'model.json')), (e: unknown) => isUserError(e) && /Layer #1 of the model has no "class_name"/.test((e as Error).message));
  });

  test('writing to an unknown extension is refused and writes nothing', async (t) => {
    const dir = tempDir(t);
    const m = await readModel(fixture('tfjs-abalone/model.json'));
    await assert.rejects(writeModel(path.join(dir, 'model.xyz'), m), (e: unknown) => isUserError(e) && /cannot tell which format/.test((e as Error).message));
    assert.deepEqual(listDir(dir), []);
  });
});

test('a known extension with foreign contents names the format it should have been', async () => {
  const { readModel } = await import('../../../src/formats/registry');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'ms-foreign-'));
  writeFileSync(path.join(dir, 'model.keras'), 'this is not a zip archive');
  await assert.rejects(readModel(path.join(dir, 'model.keras')), (e: Error & { hint?: string }) => {
    assert.match(e.message, /model\.keras is not a valid .*\.keras.* file: its contents do not match/i);
    assert.ok(e.hint);
    return true;
  });
});
