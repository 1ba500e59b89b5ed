/** "Model Studio: New Model...": pick a template, choose where to save, open it in the graph editor. */
import * as vscode from 'vscode';
import { templates, TEMPLATE_SEED } from '../../core/templates';
import { reconcileWeights } from '../../core/initializers';
import { isUserError } from '../../core/types';
import { writeModel } from '../../formats/registry';
import { MODEL_EDITOR_VIEW_TYPE } from '../editor/editorRegistry';
import { PICK_OPTIONS } from './pickOptions';

export async function newModel(templateId?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  let template = templates.find((t) => t.id === templateId);
  if (!template) {
    const pick = await vscode.window.showQuickPick(
      templates.map((t) => ({ label: t.title, description: t.id, detail: t.description, template: t })),
      { ...PICK_OPTIONS, title: 'New Model', placeHolder: 'Choose a template', matchOnDescription: true, matchOnDetail: true },
    );
    if (!pick) return undefined;
    template = pick.template;
  }
  if (!target) {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const suggestion = root ? vscode.Uri.joinPath(root, template.id, 'model.json') : undefined;
    target = await vscode.window.showSaveDialog({
      title: `Save the new ${template.title} model`,
      defaultUri: suggestion,
      filters: { 'TF.js model': ['json'], 'Keras HDF5': ['h5'], 'Keras 3': ['keras'] },
      saveLabel: 'Create Model',
    });
    if (!target) return undefined;
  }
  const file = template.build();
  file.weights = reconcileWeights(file.graph, [], TEMPLATE_SEED);
  try {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await writeModel(target.fsPath, file);
  } catch (e) {
    const msg = isUserError(e) ? e.text : `Could not create the model: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(msg);
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, MODEL_EDITOR_VIEW_TYPE);
  return target;
}
