/**
 * The user code-server runs as. Real VS Code users are not root; CI runs as root, so there the server, its
 * extension host and every worker run as `nobody` (setpriv), and the filesystem root, /root and the repository
 * are not writable for it: that is the "read-only root" of issue 18 (a read-only mount would need privileges
 * a CI container lacks; for this user the effect is the same). When the suite is not root, the server runs as
 * the current user. Either way the user's HOME, TMPDIR, code-server folders and workspace live under one base
 * folder, and `writtenOutside` lists what the user wrote anywhere else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RunAs {
  uid: number;
  gid: number;
  /** True when the suite is root and the server runs as `nobody`. */
  switched: boolean;
  /** Everything the user may write: its HOME, TMPDIR, the server's folders and the workspace. */
  base: string;
  home: string;
  tmp: string;
  /** A file made when the user was set up: the user's writes are newer. */
  since: string;
}

const NOBODY = 65534;

export function unprivilegedUser(): RunAs {
  const switched = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'ms-e2e-user-'));
  const u: RunAs = {
    uid: switched ? NOBODY : process.getuid!(),
    gid: switched ? NOBODY : process.getgid!(),
    switched,
    base,
    home: join(base, 'home'),
    tmp: join(base, 'tmp'),
    since: join(mkdtempSync(join(tmpdir(), 'ms-e2e-mark-')), 'since'),
  };
  mkdirSync(u.home);
  mkdirSync(u.tmp);
  writeFileSync(u.since, '');
  giveTo(u, base);
  return u;
}

/** Makes `path` (recursively) the user's. */
export function giveTo(u: RunAs, path: string): void {
  if (u.switched) execFileSync('chown', ['-R', `${u.uid}:${u.gid}`, path]);
}

/** `[command, args]` that run `bin args` as the user. */
export function asUser(u: RunAs, bin: string, args: string[]): [string, string[]] {
  return u.switched ? ['setpriv', [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--clear-groups', bin, ...args]] : [bin, args];
}

/** The environment the user's processes get: its own HOME and TMPDIR. */
export function userEnv(u: RunAs): Record<string, string> {
  return { HOME: u.home, TMPDIR: u.tmp, XDG_CACHE_HOME: join(u.home, '.cache'), XDG_RUNTIME_DIR: u.tmp };
}

/**
 * A code-server the user can run: root's installation sits under /root (mode 700), so `nobody` gets a
 * hard-linked copy of it under its base folder (same files, instant; a plain copy across file systems).
 */
export function codeServerFor(u: RunAs, bin: string): string {
  if (!u.switched) return bin;
  const install = dirname(dirname(dirname(bin))); // <home>/node_modules/.bin/code-server
  const copy = join(u.base, 'code-server');
  try {
    execFileSync('cp', ['-al', install, copy]);
  } catch {
    execFileSync('cp', ['-a', install, copy]);
  }
  return join(copy, 'node_modules', '.bin', 'code-server');
}

/**
 * Files the user wrote outside its base folder since it was set up. Switched: every file `nobody` owns and
 * changed anywhere on the root file system and in /dev/shm (nobody owns nothing else). Not switched: only new
 * entries at `/` can be told apart from the current user's other work.
 */
export function writtenOutside(u: RunAs, rootBefore: string[]): string[] {
  const newAtRoot = readdirSync('/').filter((f) => !rootBefore.includes(f)).map((f) => `/${f}`);
  if (!u.switched) return newAtRoot;
  const r = spawnSync('find', ['/', '/dev/shm', '-xdev', '(', '-path', '/proc', '-o', '-path', '/sys', '-o', '-path', u.base, ')', '-prune', '-o', '-user', String(u.uid), '-newer', u.since, '-print'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 ** 2,
  });
  return [...newAtRoot, ...r.stdout.split('\n').filter(Boolean)];
}
