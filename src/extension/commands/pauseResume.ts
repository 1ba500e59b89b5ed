/** "Pause/Resume Training": a session id (status bar links) acts on that session; otherwise on the focused one. */
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export function pauseResume(ctx: CommandContext, id?: unknown): void {
  const r = ctx.controller.pauseResume(typeof id === 'string' ? id : undefined);
  // With no session the command used to do nothing at all; say why.
  if ('message' in r) void vscode.window.showInformationMessage(r.message);
}
