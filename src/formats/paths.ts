/**
 * Confinement: a model file may name other files (weight shards, a paired weights file), but only files in
 * its own folder or below. A downloaded model must not make us read `~/.ssh/id_rsa` through `../../`, an
 * absolute path, or a symlink placed next to it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../core/types';
import type { ReadContext } from './format';

/**
 * Checks `relPath` lexically and returns it joined to `folder`. Backslashes count as separators (manifests
 * written on Windows); empty paths, NUL bytes, absolute paths, drive letters, URLs and `..` that leaves the
 * folder are refused.
 */
export function resolveInside(folder: string, relPath: string, what = 'file'): string {
  const refuse = (why: string): never => {
    throw new UserError(
      `The model names the ${what} "${relPath}", which ${why}`,
      'a model may only refer to files in its own folder; move the file next to the model and name it relatively',
      'path-outside',
    );
  };
  if (typeof relPath !== 'string' || relPath.length === 0) refuse('is empty');
  if (relPath.includes('\0')) refuse('contains a NUL character');
  const p = relPath.replace(/\\/g, '/');
  if (p.startsWith('/')) refuse('is an absolute path');
  if (/^[A-Za-z]:/.test(p)) refuse('is an absolute Windows path');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p)) refuse('is a URL, not a file next to the model');
  const root = path.resolve(folder);
  const full = path.resolve(root, ...p.split('/'));
  if (!isInside(root, full)) refuse('is outside the model\'s folder');
  return full;
}

function isInside(root: string, full: string): boolean {
  const rel = path.relative(root, full);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Reads `relPath` from `folder` after the lexical check, and after resolving symlinks checks again that the
 * real file is inside the real folder.
 */
export async function readInside(folder: string, relPath: string, what = 'file'): Promise<Uint8Array> {
  const full = resolveInside(folder, relPath, what);
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new UserError(
        `The ${what} "${relPath}" named by the model is missing`,
        `put "${relPath}" in the same folder as the model file`,
        'file-missing',
      );
    }
    throw new UserError(`Cannot open the ${what} "${relPath}": ${(e as Error).message}`, 'check that the file is readable by you', 'read-failed');
  }
  const realRoot = await fs.realpath(path.resolve(folder));
  if (!isInside(realRoot, real)) {
    throw new UserError(
      `The ${what} "${relPath}" is a link to a file outside the model's folder`,
      'copy the file itself next to the model instead of linking to it',
      'path-outside',
    );
  }
  const stat = await fs.stat(real);
  if (!stat.isFile()) {
    throw new UserError(`The ${what} "${relPath}" named by the model is not a file`, `put the file "${relPath}" itself next to the model`, 'not-a-file');
  }
  return new Uint8Array(await fs.readFile(real));
}

/** A ReadContext for the model file at `absPath`: siblings are read from its folder only. */
export function folderContext(absPath: string): ReadContext {
  const folder = path.dirname(path.resolve(absPath));
  return {
    fileName: path.basename(absPath),
    readSibling: (relPath) => readInside(folder, relPath),
  };
}
