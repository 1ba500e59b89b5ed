/**
 * "Install Keras Engine...": a Python environment with Keras 3 and a backend the user picks, in the extension's
 * storage; it becomes modelStudio.python.interpreter, so the keras engine uses it.
 */
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { errorMessage } from '../errors';
import type { CommandContext } from './context';
import { PICK_OPTIONS } from './pickOptions';

export async function installKerasEngine(ctx: CommandContext): Promise<void> {
  const { log } = ctx;
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'jax' as const, detail: 'JAX: fastest on most GPUs and CPUs; data-parallel training with --devices' },
      { label: 'torch' as const, detail: 'PyTorch' },
      { label: 'tensorflow' as const, detail: 'TensorFlow' },
    ],
    { ...PICK_OPTIONS, title: 'Install Keras Engine: choose the backend' },
  );
  if (!pick) return;
  const dir = join(dirname(ctx.engineDirs[0]), 'keras-env');
  const { installKeras } = await import('../../engine/keras/install');
  const { describeProbe } = await import('../../engine/keras/python');
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Installing Keras with ${pick.label}`, cancellable: false }, async (progress) => {
    try {
      const probe = await installKeras(dir, pick.label, (p) => {
        progress.report({ message: p.message });
        if (p.line) log.info(p.line);
      });
      await vscode.workspace.getConfiguration('modelStudio').update('python.interpreter', probe.python, vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(`The keras engine is ready: ${describeProbe(probe)}. Choose "keras" with "Select Training Engine".`);
    } catch (e) {
      log.error(errorMessage(e));
      void vscode.window.showErrorMessage(errorMessage(e), 'Show Log').then((c) => c && log.show());
    }
  });
}
