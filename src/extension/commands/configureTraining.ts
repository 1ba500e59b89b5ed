/** "Configure Training...": the configuration is a form in the editor; focus it (opening the editor if needed). */
import * as vscode from 'vscode';
import { errorMessage } from '../errors';
import type { CommandContext } from './context';

export async function configureTraining(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) return void vscode.window.showInformationMessage('Open a model in the Model Studio editor first.');
  await ctx.editors.focusTraining(uri).catch((e) => vscode.window.showErrorMessage(errorMessage(e)));
}
