/** "Train": starts a run of the open model (unsaved edits included) and shows its charts. */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { modelToTrain } from '../training/modelToTrain';
import { errorMessage } from '../errors';
import { parseDevices } from '../../core/training';
import { kerasPython, settings, workspaceDirOf } from '../settings';
import { alreadyTrainingMessage, TRAIN_AGAIN } from '../training/sessionMessages';
import type { CommandContext } from './context';

export async function train(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to train it.');
    return;
  }
  try {
    const { model, training, unsaved } = await modelToTrain(ctx.editors, uri);
    // A reinforcement-learning run learns from its environment; every other run needs a dataset.
    if (!training.dataset && !training.rl) {
      // The configuration is a form in the editor: show it, and let the user Apply, then Train.
      await ctx.editors.focusTraining(uri);
      void vscode.window.showInformationMessage('Choose a dataset in the Training panel, click Apply, then Train.');
      return;
    }
    if (!(await confirmSecondSession(ctx, uri))) return;
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

/** A session of this model is running: switch to it, start another (confirmed), or cancel. True: start. */
async function confirmSecondSession(ctx: CommandContext, uri: vscode.Uri): Promise<boolean> {
  const running = ctx.controller.runningFor(uri.fsPath);
  if (!running) return true;
  const q = alreadyTrainingMessage(running);
  const c = await vscode.window.showWarningMessage(q.text, { modal: true, detail: q.detail }, ...q.actions);
  if (c === TRAIN_AGAIN.show) {
    ctx.controller.focus(running.info.id);
    ctx.view.show('charts');
    const panel = ctx.view.current;
    if (panel) ctx.view.sendSnapshot(panel);
  }
  return c === TRAIN_AGAIN.another;
}
