/**
 * Runs the CLI in-process and captures what it prints (faster than a child process per case). Output is
 * captured through the CLI's own printers: process.stdout also carries the test runner's reports.
 */
import { main } from '../../src/cli';
import { out } from '../../src/cli/io';

export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { ...out };
  out.stdout = { write: (chunk: string) => (stdout += chunk) };
  out.stderr = { write: (chunk: string) => (stderr += chunk) };
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    Object.assign(out, saved);
  }
}
