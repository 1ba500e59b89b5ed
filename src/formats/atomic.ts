/**
 * Atomic multi-file writes. A model is often several files (model.json + weights.bin); a save that fails
 * half-way must leave the previous version whole, never a new model.json next to an old weights file.
 *
 * 1. every file goes to a temp name in its target folder (same file system, so rename is atomic), fsync'ed;
 * 2. existing targets are hard-linked (or copied) to backup names;
 * 3. temps are renamed over the targets; if one rename fails, the targets already replaced are restored
 *    from their backups and the new files that had no predecessor are removed;
 * 4. backups and temps are removed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../core/types';
import type { OutputFile } from './format';
import { resolveInside } from './paths';

interface Planned {
  target: string;
  temp: string;
  backup: string | null;
  /** The temp has been renamed onto the target. */
  placed: boolean;
}

/** Test hook: called before each rename (index into `files`); throwing simulates a failure there. */
type BeforeRename = (index: number, target: string) => void | Promise<void>;

/**
 * Writes `files` (paths relative to `folder`) atomically as a set. Returns the absolute paths written.
 * On any error nothing is left changed and a UserError says what failed.
 */
export async function writeFilesAtomic(
  folder: string,
  files: readonly OutputFile[],
  beforeRename?: BeforeRename,
): Promise<string[]> {
  const plan: Planned[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const target = resolveInside(folder, f.relPath, 'output file');
    if (seen.has(target)) throw new UserError(`Two output files are both named "${f.relPath}"`, 'choose a file name that differs from the weights file the format writes next to it', 'duplicate-output');
    seen.add(target);
    const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const dir = path.dirname(target);
    const base = path.basename(target);
    plan.push({ target, temp: path.join(dir, `.${base}.${tag}.tmp`), backup: null, placed: false });
  }

  try {
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      await fs.mkdir(path.dirname(p.target), { recursive: true });
      await writeAndSync(p.temp, files[i]!.bytes);
    }
    for (const p of plan) {
      if (await exists(p.target)) {
        const st = await fs.lstat(p.target);
        if (st.isDirectory()) throw new Error(`"${p.target}" is a folder`);
        p.backup = `${p.temp}.bak`;
        try {
          await fs.link(p.target, p.backup);
        } catch {
          await fs.copyFile(p.target, p.backup);
        }
      }
    }
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      if (beforeRename) await beforeRename(i, p.target);
      await fs.rename(p.temp, p.target);
      p.placed = true;
    }
  } catch (e) {
    await rollback(plan);
    const msg = (e as Error).message;
    throw new UserError(
      `Could not save ${path.basename(plan[0]?.target ?? folder)}: ${msg}`,
      'nothing was changed on disk; check that the folder is writable and has free space',
      'write-failed',
    );
  }
  // Committed: the backups are no longer needed. Failing to delete one is not a failed save.
  for (const p of plan) if (p.backup) await fs.rm(p.backup, { force: true }).catch(() => undefined);
  await syncDirs(plan.map((p) => path.dirname(p.target)));
  return plan.map((p) => p.target);
}

async function writeAndSync(file: string, bytes: Uint8Array): Promise<void> {
  const fh = await fs.open(file, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function rollback(plan: Planned[]): Promise<void> {
  for (const p of plan) {
    try {
      if (p.placed) {
        if (p.backup) await fs.rename(p.backup, p.target);
        else await fs.rm(p.target, { force: true });
      }
    } catch {
      // Best effort: keep restoring the others.
    }
    await fs.rm(p.temp, { force: true }).catch(() => undefined);
    if (p.backup) await fs.rm(p.backup, { force: true }).catch(() => undefined);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** fsync the folders so the renames themselves are durable; not supported everywhere (Windows), so best effort. */
async function syncDirs(dirs: string[]): Promise<void> {
  for (const d of new Set(dirs)) {
    try {
      const fh = await fs.open(d, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      // ignore
    }
  }
}
