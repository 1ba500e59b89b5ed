/** The link of a Problems entry: opens the graph editor of its model with the layer selected. */
import * as vscode from 'vscode';
import { errorMessage } from '../errors';
import { parseRevealArgs } from '../editor/layerLink';
import type { CommandContext } from './context';

export async function revealLayer(ctx: CommandContext, ...args: unknown[]): Promise<void> {
  const target = parseRevealArgs(args);
  if (!target) {
    void vscode.window.showErrorMessage('Reveal Layer needs a model file and a layer name (it is the link of a Model Studio problem).');
    return;
  }
  await ctx.editors.revealLayer(vscode.Uri.parse(target.uri), target.layer).catch((e) => vscode.window.showErrorMessage(errorMessage(e)));
}
