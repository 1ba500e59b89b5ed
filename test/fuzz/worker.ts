/**
 * A fuzz worker: runs CLI commands in this process (no start-up cost per run) and reports the exit code,
 * what was printed, the time and the peak memory. The driver (fuzz.ts) kills and replaces it on a hang.
 */
import { main } from '../../src/cli';
import { out } from '../../src/cli/io';

export interface RunRequest {
  id: number;
  argv: string[];
}
export interface RunReply {
  id: number;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory of this process so far, bytes. */
  maxRss: number;
}

const cap = { stdout: '', stderr: '' };
out.stdout = { write: (t: string) => ((cap.stdout += t.length < 4000 ? t : t.slice(0, 4000)), true) };
out.stderr = { write: (t: string) => ((cap.stderr += t), true) };
let unhandled = '';
process.on('unhandledRejection', (e) => {
  unhandled += `unhandled rejection: ${String((e as Error)?.stack ?? e)}\n`;
});
process.on('uncaughtException', (e) => {
  unhandled += `uncaught exception: ${String(e?.stack ?? e)}\n`;
});

process.on('message', async (m: RunRequest) => {
  cap.stdout = '';
  cap.stderr = '';
  unhandled = '';
  const t = performance.now();
  let code: number;
  try {
    code = await main(m.argv);
  } catch (e) {
    code = 2;
    cap.stderr += `thrown: ${String((e as Error)?.stack ?? e)}\n`;
  }
  if (unhandled) {
    code = 2;
    cap.stderr += unhandled;
  }
  const reply: RunReply = { id: m.id, code, stdout: cap.stdout.slice(0, 4000), stderr: cap.stderr.slice(0, 4000), ms: performance.now() - t, maxRss: process.resourceUsage().maxRSS * 1024 };
  process.send!(reply);
});
process.on('disconnect', () => process.exit(0));
