/** "Compare Runs...": pick saved runs of the model and chart them side by side in the training view. */
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export async function compareRuns(ctx: CommandContext, arg?: unknown): Promise<void> {
  const { view } = ctx;
  const uri = ctx.editors.activeModelUri(arg) ?? view.model?.uri;
  const runs = view.runsFor(uri);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No saved runs yet: train the model first.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.name, description: `${r.model} · ${r.state ?? ''}`, detail: Object.entries(r.final).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' · '), run: r })),
    { title: 'Compare runs', canPickMany: true },
  );
  if (!picked?.length) return;
  if (uri) view.model = { uri, finalPath: view.model?.uri.toString() === uri.toString() ? view.model.finalPath : undefined };
  const panel = view.show('compare');
  void panel.post({ type: 'compare', runs: picked.map((p) => p.run) });
}
