/** "Install TensorFlow Engine": downloads tfjs-node(-gpu) into the extension's storage, then re-probes the engine. */
import * as vscode from 'vscode';
import { probeEngine } from '../training/engineProbe';
import { errorMessage } from '../errors';
import { settings } from '../settings';
import type { CommandContext } from './context';
import { PICK_OPTIONS } from './pickOptions';

export async function installEngine(ctx: CommandContext): Promise<void> {
  const { log } = ctx;
  const pkg = await vscode.window.showQuickPick(
    [
      { label: '@tensorflow/tfjs-node-gpu' as const, detail: 'CUDA GPUs (needs CUDA 11.2 and cuDNN 8.1); downloads libtensorflow' },
      { label: '@tensorflow/tfjs-node' as const, detail: 'CPU with libtensorflow; downloads libtensorflow' },
    ],
    { ...PICK_OPTIONS, title: 'Install TensorFlow Engine' },
  );
  if (!pkg) return;
  const { installEngine: install } = await import('../../engine/tfjs/install');
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Installing ${pkg.label}`, cancellable: false }, async (progress) => {
    try {
      await install(pkg.label, ctx.engineDirs[0], (p) => {
        progress.report({ message: p.message });
        if (p.line) log.info(p.line);
      });
      void vscode.window.showInformationMessage(`${pkg.label} is installed. Choose it with "Select Training Engine".`);
      await probeEngine(ctx, settings().engine, false);
    } catch (e) {
      log.error(errorMessage(e));
      void vscode.window.showErrorMessage(errorMessage(e), 'Show Log').then((c) => c && log.show());
    }
  });
}
