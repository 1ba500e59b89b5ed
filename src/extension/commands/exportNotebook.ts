/**
 * "Export as Notebook...": the open model (unsaved edits included) as a training notebook (.ipynb) in the Keras
 * style the user picks (src/core/codegen/notebook.ts), written where the user says (an existing file is
 * overwritten only after the user says so) and opened in VS Code's notebook editor.
 */
import * as vscode from 'vscode';
import { notSequentialReason, type KerasStyle } from '../../core/codegen/kerasModel';
import { kerasNotebook } from '../../core/codegen/notebook';
import { readModel } from '../../formats/registry';
import { errorMessage } from '../errors';
import type { CommandContext } from './context';
import { KERAS_STYLE_ITEMS } from './exportCode';
import { PICK_OPTIONS } from './pickOptions';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function exportNotebook(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to export it as a notebook.');
    return;
  }
  try {
    const file = ctx.editors.documentFor(uri)?.model?.toFile() ?? (await readModel(uri.fsPath));
    const chain = notSequentialReason(file.graph) === null;
    const items = KERAS_STYLE_ITEMS.filter((s) => chain || s.style !== 'sequential');
    const chosen = await vscode.window.showQuickPick(items, { ...PICK_OPTIONS, title: 'Export as notebook: the style of the model code' });
    if (!chosen) return;
    const generated = kerasNotebook(file, chosen.style as KerasStyle, uri.fsPath);
    const base = uri.fsPath.replace(/(\.model)?\.(json|h5|keras|onnx)$/i, '');
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}.ipynb`), filters: { 'Jupyter notebook': ['ipynb'] } });
    if (!target) return;
    if (await exists(target)) {
      const ok = await vscode.window.showWarningMessage(`${target.fsPath} already exists. Overwrite it?`, { modal: true }, 'Overwrite');
      if (ok !== 'Overwrite') return;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(generated.code));
    ctx.log.info(`wrote a notebook to ${target.fsPath}`);
    await vscode.commands.executeCommand('vscode.openWith', target, 'jupyter-notebook');
    const message = [`Notebook (${chosen.label}) for ${file.graph.name}: ${target.fsPath}.`, ...generated.notes].join(' ');
    void (generated.notes.length ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
  }
}
