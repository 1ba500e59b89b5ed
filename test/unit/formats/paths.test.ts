import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isUserError } from '../../../src/core/types';
import { folderContext, readInside, resolveInside } from '../../../src/formats/paths';
import { tempDir } from './helpers';

function refused(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => isUserError(e) && re.test((e as Error).message));
}

describe('paths: confinement to the model folder', () => {
  test('plain and nested relative names resolve inside the folder', () => {
    assert.equal(resolveInside('/m', 'weights.bin'), path.resolve('/m/weights.bin'));
    assert.equal(resolveInside('/m', 'sub/group1-shard1of2.bin'), path.resolve('/m/sub/group1-shard1of2.bin'));
    assert.equal(resolveInside('/m', 'sub\\w.bin'), path.resolve('/m/sub/w.bin'));
    assert.equal(resolveInside('/m', 'a/../w.bin'), path.resolve('/m/w.bin'));
  });

  test('escapes, absolute paths, drive letters, URLs and NUL are refused', () => {
    refused(() => resolveInside('/m', '../outside.bin'), /outside the model's folder/);
    refused(() => resolveInside('/m', 'a/../../outside.bin'), /outside/);
    refused(() => resolveInside('/m', '..\\outside.bin'), /outside/);
    refused(() => resolveInside('/m', '/etc/passwd'), /absolute path/);
    refused(() => resolveInside('/m', '\\\\server\\share\\w.bin'), /absolute/);
    refused(() => resolveInside('/m', 'C:\\w.bin'), /Windows path/);
    refused(() => resolveInside('/m', 'c:w.bin'), /Windows path/);
    refused(() => resolveInside('/m', 'https://example.com/w.bin'), /URL/);
    refused(() => resolveInside('/m', 'w.bin\0.txt'), /NUL/);
    refused(() => resolveInside('/m', ''), /empty/);
    refused(() => resolveInside('/m', '.'), /outside/);
  });

  test('symlinks that lead outside are refused; inside links and missing files are clear', async (t) => {
    const root = tempDir(t);
    const model = path.join(root, 'model');
    mkdirSync(model);
    writeFileSync(path.join(root, 'secret.bin'), 'secret');
    writeFileSync(path.join(model, 'real.bin'), 'ok');
    symlinkSync(path.join(root, 'secret.bin'), path.join(model, 'evil.bin'));
    symlinkSync(path.join(model, 'real.bin'), path.join(model, 'alias.bin'));
    symlinkSync(root, path.join(model, 'up'));

    await assert.rejects(readInside(model, 'evil.bin'), (e: unknown) => isUserError(e) && /link to a file outside/.test((e as Error).message));
    await assert.rejects(readInside(model, 'up/secret.bin'), (e: unknown) => isUserError(e) && /outside/.test((e as Error).message));
    assert.equal(Buffer.from(await readInside(model, 'alias.bin')).toString(), 'ok');
    await assert.rejects(readInside(model, 'nope.bin'), (e: unknown) => isUserError(e) && /"nope.bin" named by the model is missing/.test((e as Error).message));

    const ctx = folderContext(path.join(model, 'model.json'));
    assert.equal(ctx.fileName, 'model.json');
    assert.equal(Buffer.from(await ctx.readSibling('real.bin')).toString(), 'ok');
    await assert.rejects(ctx.readSibling('../secret.bin'), (e: unknown) => isUserError(e));
  });
});
