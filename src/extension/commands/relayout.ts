/** "Re-layout Graph": the active editor lays its graph out again (the webview computes the layout). */
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export function relayout(ctx: CommandContext): void {
  if (!ctx.editors.postToActive({ type: 'relayout' })) void vscode.window.showInformationMessage('Open a model in the Model Studio editor first.');
}
