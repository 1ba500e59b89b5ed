/**
 * ONNX verification (tfjs against ONNX Runtime) loads tfjs and a native module, so it never runs on the
 * extension host: it runs `model-studio verify FILE` (the bundled CLI) in a child process.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { childEntry } from '../engine/childEntry';

export interface VerifyOutcome {
  ok: boolean;
  /** What the CLI printed: the report, or the error with its hint. */
  text: string;
}


export function verifyInChildProcess(file: string, onCancel?: (kill: () => void) => void): Promise<VerifyOutcome> {
  const cli = childEntry('cli.js', 'src/cli.ts');
  if (!existsSync(cli.modulePath)) return Promise.resolve({ ok: false, text: `The Model Studio CLI is missing (${cli.modulePath}); reinstall the extension.` });
  return new Promise((resolve) => {
    const child = fork(cli.modulePath, ['verify', file], { silent: true, execArgv: cli.execArgv });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    onCancel?.(() => child.kill());
    child.on('error', (e) => resolve({ ok: false, text: e.message }));
    child.on('exit', (code, signal) =>
      resolve({ ok: code === 0, text: out.trim() || (signal ? `verification was stopped (${signal})` : `verification exited with code ${code}`) }),
    );
  });
}
