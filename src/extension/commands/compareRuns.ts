/**
 * "Compare Runs...": pick saved runs of the model and chart them side by side in the training view; a
 * TensorBoard log folder (e.g. written by Keras' TensorBoard callback) can be imported beside them.
 */
import * as vscode from 'vscode';
import { shortRunName, type RunInfo } from '../../core/training/runs';
import { tensorboardRunInfo } from '../../engine/tensorboard/reader';
import { errorMessage } from '../errors';
import type { CommandContext } from './context';
import { PICK_OPTIONS } from './pickOptions';

const IMPORT = 'Import a TensorBoard log folder...';

/** Asks for a TensorBoard log folder and reads it as a run; undefined when cancelled or unreadable (said). */
async function importTensorBoard(): Promise<RunInfo | undefined> {
  const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'TensorBoard log folder (holding train/ and validation/)' });
  if (!folder?.[0]) return undefined;
  try {
    return tensorboardRunInfo(folder[0].fsPath);
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
    return undefined;
  }
}

export async function compareRuns(ctx: CommandContext, arg?: unknown): Promise<void> {
  const { view } = ctx;
  const uri = ctx.editors.activeModelUri(arg) ?? view.model?.uri;
  const runs = view.runsFor(uri);
  const items: { label: string; description?: string; detail?: string; run?: RunInfo }[] = runs.map((r) => ({ label: shortRunName(r), description: `${r.model} · ${r.state ?? ''} · ${r.name}`, detail: Object.entries(r.final).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' · '), run: r }));
  items.push({ label: IMPORT, detail: "Overlay a run logged by Keras' TensorBoard callback (or any TensorBoard log folder)" });
  const picked = await vscode.window.showQuickPick(items, { ...PICK_OPTIONS, title: 'Compare runs', canPickMany: true });
  if (!picked?.length) return;
  const chosen = picked.flatMap((p) => (p.run ? [p.run] : []));
  if (picked.some((p) => p.label === IMPORT)) {
    const imported = await importTensorBoard();
    if (imported) chosen.push(imported);
  }
  if (!chosen.length) return;
  if (uri) view.model = { uri, finalPath: view.model?.uri.toString() === uri.toString() ? view.model.finalPath : undefined };
  const panel = view.show('compare');
  void panel.post({ type: 'compare', runs: chosen });
}
