/** Paths tests share: the repo root and the real fixtures beside the checkout (they must exist). */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const fixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures', 'real');

/** A real fixture's path; throws (the test fails) when the fixtures are missing. */
export function fixture(...parts: string[]): string {
  const p = join(fixturesDir, ...parts);
  if (!existsSync(p)) throw new Error(`fixture missing: ${p} (the real fixtures live in ../shared/fixtures/real)`);
  return p;
}

export function tempDir(prefix = 'ms-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
