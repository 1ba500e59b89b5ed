/**
 * "Export Model...": writes the open model (unsaved edits included) in a format the user picks, with the
 * weights the user picks when the model has runs (the editor's, or a run's last or best); an ONNX export is
 * then checked against ONNX Runtime in a child process.
 */
import * as vscode from 'vscode';
import { verifyInChildProcess } from '../verifyModel';
import { errorMessage } from '../errors';
import { allFormats, readModel, writeModel } from '../../formats/registry';
import type { ModelFile } from '../../core/types';
import { settings, workspaceDirOf } from '../settings';
import { MODEL_EDITOR_VIEW_TYPE } from '../editor/editorRegistry';
import { editorHoldsRunWeights, modelToExport, runsWithWeights, weightsChoices } from '../training/exportWeights';
import type { CommandContext } from './context';
import { PICK_OPTIONS } from './pickOptions';

export async function exportModel(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to export it.');
    return;
  }
  const doc = ctx.editors.documentFor(uri);
  if (doc && !doc.model) {
    // A graph shown read-only was not imported either: there are no Keras layers to write.
    const how = doc.loadError?.viewer ? 'is open read-only' : 'did not open';
    void vscode.window.showErrorMessage(`${doc.fileName} ${how}, so there is nothing to export: ${doc.loadError?.message ?? 'the model is not loaded'}`);
    return;
  }
  const formats = allFormats();
  const chosen = await vscode.window.showQuickPick(
    formats.map((f) => ({ label: f.label, description: f.extensions.join(', '), format: f })),
    { ...PICK_OPTIONS, title: 'Export model as' },
  );
  if (!chosen) return;
  let model: ModelFile;
  try {
    // The open document as it is now (unsaved edits included), else the file on disk; then the weights to write.
    const picked = await pickWeights(uri, doc?.model?.toFile() ?? (await readModel(uri.fsPath)));
    if (!picked) return;
    model = picked;
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
    return;
  }
  const base = uri.fsPath.replace(/(\.model)?\.(json|h5|keras|onnx)$/i, '');
  const ext = chosen.format.extensions[0] ?? '';
  const target = await vscode.window.showSaveDialog({
    title: `Export model as ${chosen.format.label}`,
    saveLabel: 'Export',
    defaultUri: vscode.Uri.file(`${base}${ext.startsWith('.') ? ext : `.${ext}`}`),
    filters: { [chosen.format.label]: chosen.format.extensions.map((e) => e.replace(/^\./, '')) },
  });
  if (!target) return;
  const { log } = ctx;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting to ${chosen.format.label}`, cancellable: true }, async (_p, token) => {
    try {
      const written = await writeModel(target.fsPath, model, chosen.format.id, { opset: settings().onnxOpset });
      log.info(`exported ${uri.fsPath} → ${written.join(', ')}`);
      const summary = `Exported ${written.length} file${written.length > 1 ? 's' : ''}: ${written[0]}`;
      if (chosen.format.id !== 'onnx') return void offerOpenReveal(summary, target);
      _p.report({ message: 'checking it against ONNX Runtime...' });
      const v = await verifyInChildProcess(target.fsPath, (kill) => token.onCancellationRequested(kill));
      log.info(v.text);
      if (v.ok) void offerOpenReveal(`${summary} — verified against ONNX Runtime.`, target);
      else void vscode.window.showWarningMessage(`${summary}, but verification failed: ${v.text.split('\n').pop()}`, 'Show Log').then((c) => c && log.show());
    } catch (e) {
      void vscode.window.showErrorMessage(errorMessage(e));
    }
  });
}

/**
 * The model with the weights the user picks, when the model has runs with weights (newest first, with their
 * figures); undefined when the user cancels. Untrained editor weights are exported only when confirmed.
 */
async function pickWeights(uri: vscode.Uri, editor: ModelFile): Promise<ModelFile | undefined> {
  const runs = runsWithWeights(workspaceDirOf(uri), editor.graph.name, settings().runsFolder);
  if (runs.length === 0) return editor;
  const trained = await editorHoldsRunWeights(editor.weights, runs, readModel);
  const choice = await vscode.window.showQuickPick(weightsChoices(runs, trained), { ...PICK_OPTIONS, title: 'Export which weights?', matchOnDescription: true });
  if (!choice) return undefined;
  if (choice.source.kind === 'editor' && !trained) {
    const go = await vscode.window.showWarningMessage(
      "The editor's weights are not from any run of this model: they may never have been trained.",
      { modal: true, detail: 'Pick a run\'s weights to export what training learned, or apply them first (Apply Trained Weights).' },
      'Export Anyway',
    );
    if (go !== 'Export Anyway') return undefined;
  }
  return modelToExport(editor, choice.source, readModel);
}

/** The success message, with Open (in Model Studio's editor) and Reveal (in the Explorer, or the OS's file manager). */
async function offerOpenReveal(message: string, target: vscode.Uri): Promise<void> {
  const c = await vscode.window.showInformationMessage(message, 'Open', 'Reveal');
  if (c === 'Open') await vscode.commands.executeCommand('vscode.openWith', target, MODEL_EDITOR_VIEW_TYPE);
  // In the Explorer when the workspace holds the file (also in a remote window, which has no local file manager).
  if (c === 'Reveal') await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(target) ? 'revealInExplorer' : 'revealFileInOS', target);
}
