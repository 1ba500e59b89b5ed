/**
 * "Apply Trained Weights": puts a finished run's final weights into the model's open document as one undoable
 * edit: the user then Saves them, or Undoes. The document refuses weights that no longer fit its graph.
 */
import * as vscode from 'vscode';
import { MODEL_EDITOR_VIEW_TYPE } from '../editor/editorRegistry';
import { applyRunWeights } from '../training/documentTraining';
import { hasTrainedWeights } from '../training/sessionMessages';
import { errorMessage } from '../errors';
import { readModel } from '../../formats/registry';
import type { CommandContext } from './context';

export async function applyTrainedWeights(ctx: CommandContext, sessionId?: unknown): Promise<void> {
  // Without an id (the palette): the focused session, as Stop and Pause use.
  const rec = typeof sessionId === 'string' && sessionId ? ctx.controller.record(sessionId) : ctx.controller.focused();
  const finalPath = rec?.result?.finalPath;
  if (!rec || !finalPath || !hasTrainedWeights(rec.result!)) {
    const why = rec?.result && rec.result.epochs === 0 ? 'the last run stopped before its first epoch finished' : 'no run has finished';
    void vscode.window.showInformationMessage(`No trained weights to apply: ${why}. Train the model first.`);
    return;
  }
  try {
    const uri = vscode.Uri.file(rec.modelKey);
    let doc = ctx.editors.documentFor(uri);
    if (!doc) {
      await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_EDITOR_VIEW_TYPE);
      doc = ctx.editors.documentFor(uri);
    }
    const target = doc;
    if (!target?.model) throw new Error(`${uri.fsPath} is not open in the Model Studio editor`);
    const runId = rec.info.runId ?? rec.info.id;
    await applyRunWeights((e) => target.applyEdit(e), finalPath, runId, readModel);
    ctx.log.info(`applied the weights of ${finalPath} to ${uri.fsPath} (unsaved: Save keeps them, Undo removes them)`);
    void vscode.window.showInformationMessage(`Applied the trained weights of run ${runId}. Save the model to keep them, or Undo.`);
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
  }
}
