/** "Train": starts a run of the open model (unsaved edits included) and shows its charts. */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { modelToTrain } from '../training/modelToTrain';
import { errorMessage } from '../errors';
import { parseDevices } from '../../core/training';
import { kerasPython, settings, workspaceDirOf } from '../settings';
import type { CommandContext } from './context';

export async function train(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to train it.');
    return;
  }
  try {
    const { model, training, unsaved } = await modelToTrain(ctx.editors, uri);
    if (!training.dataset) {
      // The configuration is a form in the editor: show it, and let the user Apply, then Train.
      await ctx.editors.focusTraining(uri);
      void vscode.window.showInformationMessage('Choose a dataset in the Training panel, click Apply, then Train.');
      return;
    }
    if (unsaved) ctx.log.info(`training the editor's unsaved state of ${uri.fsPath}`);
    const s = settings();
    const keras = s.engine === 'keras';
    const machineDevices = parseDevices(s.kerasDevices);
    if (keras && machineDevices === null) {
      void vscode.window.showErrorMessage(`The setting modelStudio.keras.devices must be empty, all, or a whole number (it is "${s.kerasDevices}").`);
      return;
    }
    const rec = ctx.controller.start(
      {
        model,
        training,
        engine: s.engine,
        engineDirs: ctx.engineDirs,
        python: keras ? await kerasPython(uri) : undefined,
        // The model's training configuration, else this machine's setting.
        devices: keras ? (training.devices ?? machineDevices ?? undefined) : undefined,
        baseDir: dirname(uri.fsPath),
        cacheDir: s.cacheDir,
        workspaceDir: workspaceDirOf(uri),
        runsFolder: s.runsFolder,
        runLabel: training.optimizer.name,
      },
      uri.fsPath,
    );
    ctx.view.model = { uri };
    void vscode.commands.executeCommand('setContext', 'modelStudio.training', true);
    ctx.view.show('charts');
    const panel = ctx.view.current;
    if (panel) ctx.view.sendSnapshot(panel);
    ctx.log.info(`started ${rec.info.id}`);
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
  }
}
