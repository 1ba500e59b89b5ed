/**
 * "Export Model...": writes the open model (unsaved edits included) in a format the user picks; an ONNX export
 * is then checked against ONNX Runtime in a child process.
 */
import * as vscode from 'vscode';
import { verifyInChildProcess } from '../verifyModel';
import { errorMessage } from '../errors';
import { allFormats, readModel, writeModel } from '../../formats/registry';
import { settings } from '../settings';
import type { CommandContext } from './context';

export async function exportModel(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to export it.');
    return;
  }
  const formats = allFormats();
  const chosen = await vscode.window.showQuickPick(
    formats.map((f) => ({ label: f.label, description: f.extensions.join(', '), format: f })),
    { title: 'Export model as' },
  );
  if (!chosen) return;
  const base = uri.fsPath.replace(/(\.model)?\.(json|h5|keras|onnx)$/i, '');
  const ext = chosen.format.extensions[0] ?? '';
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}${ext.startsWith('.') ? ext : `.${ext}`}`), filters: { [chosen.format.label]: chosen.format.extensions.map((e) => e.replace(/^\./, '')) } });
  if (!target) return;
  const { log } = ctx;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting to ${chosen.format.label}`, cancellable: true }, async (_p, token) => {
    try {
      // The open document as it is now (unsaved edits included), else the file on disk.
      const file = ctx.editors.documentFor(uri)?.model?.toFile() ?? (await readModel(uri.fsPath));
      if (token.isCancellationRequested) return;
      const written = await writeModel(target.fsPath, file, chosen.format.id, { opset: settings().onnxOpset });
      log.info(`exported ${uri.fsPath} → ${written.join(', ')}`);
      const summary = `Exported ${written.length} file${written.length > 1 ? 's' : ''}: ${written[0]}`;
      if (chosen.format.id !== 'onnx') {
        void vscode.window.showInformationMessage(summary);
        return;
      }
      _p.report({ message: 'checking it against ONNX Runtime...' });
      const v = await verifyInChildProcess(target.fsPath, (kill) => token.onCancellationRequested(kill));
      log.info(v.text);
      if (v.ok) void vscode.window.showInformationMessage(`${summary} — verified against ONNX Runtime.`);
      else void vscode.window.showWarningMessage(`${summary}, but verification failed: ${v.text.split('\n').pop()}`, 'Show Log').then((c) => c && log.show());
    } catch (e) {
      void vscode.window.showErrorMessage(errorMessage(e));
    }
  });
}
