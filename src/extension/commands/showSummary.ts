/** "Show Model Summary": the active editor shows its Keras-style summary. */
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export function showSummary(ctx: CommandContext): void {
  if (!ctx.editors.postToActive({ type: 'showSummary' })) void vscode.window.showInformationMessage('Open a model in the Model Studio editor first.');
}
