/** Shared plumbing for CLI commands: argument parsing and turning errors into one clear line. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isUserError, UserError } from '../core/types';

export type CommandModule = { run(args: string[]): Promise<number> };

type Printer = { write(text: string): unknown; isTTY?: boolean; columns?: number };

/**
 * Where commands print. Tests capture output by swapping these; patching process.stdout itself would also
 * swallow the Node test runner's reports, which travel through the same stream.
 */
export const out: { stdout: Printer; stderr: Printer } = { stdout: process.stdout, stderr: process.stderr };

/** node:util parseArgs with our error style: an unknown flag is a UserError that names the usage. */
export function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, usage: string, positionals: [number, number] = [0, Infinity]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError((e as Error).message.replace(/\. To specify.*$/s, ''), `usage: model-studio ${usage}`, 'usage');
  }
  const n = parsed.positionals.length;
  if (n < positionals[0] || n > positionals[1]) {
    throw new UserError(n < positionals[0] ? 'Missing argument' : `Unexpected argument "${parsed.positionals[positionals[1]]}"`, `usage: model-studio ${usage}`, 'usage');
  }
  return parsed;
}

/**
 * Control characters from a file (a NUL in a layer name, an escape sequence in a path) are shown escaped,
 * never sent raw to the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Print an error the way users should see it: message and hint, no stack unless MODEL_STUDIO_DEBUG is set. */
export function reportError(e: unknown): number {
  if (isUserError(e)) {
    out.stderr.write(`error: ${printable(e.message)}\n`);
    if ((e as UserError).hint) out.stderr.write(`  hint: ${printable((e as UserError).hint!)}\n`);
    return 1;
  }
  const err = e as Error;
  out.stderr.write(`error: ${err?.message ?? String(e)}\n  hint: this looks like a bug in Model Studio; rerun with MODEL_STUDIO_DEBUG=1 for details\n`);
  if (process.env.MODEL_STUDIO_DEBUG) out.stderr.write(`${err?.stack ?? ''}\n`);
  return 2;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
