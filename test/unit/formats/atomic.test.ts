import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isUserError } from '../../../src/core/types';
import { writeFilesAtomic } from '../../../src/formats/atomic';
import { listDir, tempDir } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

describe('atomic multi-file writes', () => {
  test('writes all files and replaces old ones', async (t) => {
    const dir = tempDir(t);
    writeFileSync(path.join(dir, 'model.json'), 'old json');
    const written = await writeFilesAtomic(dir, [
      { relPath: 'model.json', bytes: enc('new json') },
      { relPath: 'weights.bin', bytes: enc('new bin') },
    ]);
    assert.deepEqual(written, [path.join(dir, 'model.json'), path.join(dir, 'weights.bin')]);
    assert.equal(readFileSync(path.join(dir, 'model.json'), 'utf8'), 'new json');
    assert.equal(readFileSync(path.join(dir, 'weights.bin'), 'utf8'), 'new bin');
    assert.deepEqual(listDir(dir), ['model.json', 'weights.bin']);
  });

  test('a failure between renames restores the files already replaced and removes new ones', async (t) => {
    const dir = tempDir(t);
    writeFileSync(path.join(dir, 'model.json'), 'old json');
    writeFileSync(path.join(dir, 'weights.bin'), 'old bin');
    await assert.rejects(
      writeFilesAtomic(
        dir,
        [
          { relPath: 'model.json', bytes: enc('new json') },
          { relPath: 'extra.bin', bytes: enc('new extra') },
          { relPath: 'weights.bin', bytes: enc('new bin') },
        ],
        (i) => {
          if (i === 2) throw new Error('disk full (simulated)');
        },
      ),
      (e: unknown) => isUserError(e) && /disk full/.test((e as Error).message),
    );
    assert.equal(readFileSync(path.join(dir, 'model.json'), 'utf8'), 'old json');
    assert.equal(readFileSync(path.join(dir, 'weights.bin'), 'utf8'), 'old bin');
    assert.deepEqual(listDir(dir), ['model.json', 'weights.bin'], 'no temp, backup or new file is left');
  });

  test('a real rename failure (target is a folder) leaves the old model intact', async (t) => {
    const dir = tempDir(t);
    writeFileSync(path.join(dir, 'model.json'), 'old json');
    mkdirSync(path.join(dir, 'weights.bin'));
    await assert.rejects(
      writeFilesAtomic(dir, [
        { relPath: 'model.json', bytes: enc('new json') },
        { relPath: 'weights.bin', bytes: enc('new bin') },
      ]),
      (e: unknown) => isUserError(e) && /nothing was changed/.test((e as UserErrorLike).hint ?? ''),
    );
    assert.equal(readFileSync(path.join(dir, 'model.json'), 'utf8'), 'old json');
    assert.deepEqual(listDir(dir), ['model.json', 'weights.bin']);
  });

  test('a path outside the folder is refused before anything is written', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(
      writeFilesAtomic(dir, [
        { relPath: 'model.json', bytes: enc('x') },
        { relPath: '../outside.bin', bytes: enc('y') },
      ]),
      (e: unknown) => isUserError(e) && /outside/.test((e as Error).message),
    );
    assert.deepEqual(listDir(dir), []);
  });
});

interface UserErrorLike {
  hint?: string;
}
