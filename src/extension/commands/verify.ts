/** "Verify Model Against ONNX Runtime": compares TF.js and ONNX Runtime on the model, in a child process (verifyModel.ts). */
import * as vscode from 'vscode';
import { verifyInChildProcess } from '../verifyModel';
import type { CommandContext } from './context';

export async function verify(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to verify it.');
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comparing TF.js and ONNX Runtime...', cancellable: true }, async (_p, token) => {
    const v = await verifyInChildProcess(uri.fsPath, (kill) => token.onCancellationRequested(kill));
    ctx.log.info(v.text);
    const last = v.text.split('\n').pop() ?? '';
    if (v.ok) void vscode.window.showInformationMessage(last);
    else void vscode.window.showWarningMessage(last, 'Show Log').then((c) => c && ctx.log.show());
  });
}
