/** Assertions several suites share. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../../src/core/types';

/** `fn` fails with a UserError whose message or hint matches `re`; returns "message hint". */
export async function userError(fn: () => unknown, re: RegExp): Promise<string> {
  try {
    await fn();
  } catch (e) {
    assert.ok(isUserError(e), `expected a UserError, got ${String(e)}`);
    const text = `${(e as Error).message} ${(e as { hint?: string }).hint ?? ''}`;
    assert.match(text, re);
    return text;
  }
  assert.fail('expected an error');
}

/**
 * `p` (a promise, or a function to call) fails with a UserError of this code (exact or matching), a message
 * matching `text` when given, and a hint; returns the message.
 */
export async function refuses(p: Promise<unknown> | (() => unknown), code: string | RegExp, text?: RegExp): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(isUserError(e), `not a UserError: ${(e as Error)?.stack}`);
    if (typeof code === 'string') assert.equal(e.code, code, e.message);
    else assert.match(e.code, code, e.message);
    if (text) assert.match(e.message, text);
    assert.ok(e.hint && e.hint.length > 10, 'a hint');
    return e.message;
  }
  return assert.fail('accepted');
}

/** Named tensors equal to 1e-4 relative (absolute below 1), with the first difference named. */
export function assertClose(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>, label: string): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    assert.equal(got.length, want.length, `${label} ${key}: length`);
    for (let i = 0; i < want.length; i++) {
      const tol = 1e-4 * Math.max(1, Math.abs(want[i]));
      if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${label} ${key}[${i}]: got ${got[i]}, want ${want[i]}`);
    }
  }
}

/**
 * A CLI run refused: exit code 1, a message and a hint on stderr matching `message` and `hint`, and no run
 * folder written in its workspace `dir`.
 */
export async function cliRefuses(r: Promise<{ code: number; stderr: string; dir: string }>, message: RegExp, hint: RegExp): Promise<void> {
  const { code, stderr, dir } = await r;
  assert.equal(code, 1, stderr);
  assert.match(stderr, message);
  assert.match(stderr, hint);
  assert.equal(existsSync(join(dir, '.modelstudio')), false, 'no run folder is written');
}
