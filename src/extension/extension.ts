/**
 * Extension entry and the one place the parts are wired: the editor registry, the training controller, the
 * predict worker's client, the training view and the log are made here and handed to the graph editor and
 * to the commands (commands/). Activation stays light: no tfjs and no native module is loaded here; training
 * runs in worker processes and heavy format code loads when a file needs it.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { SessionManager } from '../engine/sessions';
import { configureTraining } from './commands/configureTraining';
import type { CommandContext } from './commands/context';
import { registerCommands } from './commands';
import { applyTrainedWeights } from './commands/applyTrainedWeights';
import { postTrainingSpeed } from './editor/trainingSpeed';
import { showTrainingLog } from './commands/showTrainingLog';
import { train } from './commands/train';
import { EditorRegistry } from './editor/editorRegistry';
import { registerModelEditor } from './editor/modelEditor';
import { watchLimitSettings } from './limitSettings';
import { settings } from './settings';
import { TrainingController } from './training/controller';
import { probeEngine } from './training/engineProbe';
import { PredictClient } from './training/predictClient';
import { onSessionEnd } from './training/sessionEnd';
import { TrainingStatusBar } from './training/statusBar';
import { TrainingView } from './trainingView/trainingView';

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  // Before anything reads a file: the limits from the settings.
  const limitSettings = watchLimitSettings();
  const editors = new EditorRegistry();
  const log = vscode.window.createOutputChannel('Model Studio Training', { log: true });
  const controller = new TrainingController(new SessionManager());
  const predictor = new PredictClient();
  const engineDirs = [join(context.globalStorageUri.fsPath, 'engines')];
  // The view's buttons and the session-end notification run the commands' functions directly, not by id.
  const view = new TrainingView({
    extensionUri: context.extensionUri,
    controller,
    predictor,
    log,
    engineDirs,
    commands: { train: (uri) => train(ctx, uri), configure: (uri) => configureTraining(ctx, uri), showLog: () => showTrainingLog(ctx) },
  });
  const ctx: CommandContext = { editors, controller, predictor, view, log, engineDirs };
  controller.onLog((l) => log.info(l));
  const sessionEnds = onSessionEnd(controller, view, {
    applyTrainedWeights: (id) => applyTrainedWeights(ctx, id),
    showLog: () => showTrainingLog(ctx),
    runEnded: (modelKey) => postTrainingSpeed(editors, modelKey),
  });
  // The idle status bar shows the engine that would be used; probing loads tfjs, so it runs in the worker,
  // a few seconds after activation so it does not compete with opening the editor.
  const probeTimer = setTimeout(() => void probeEngine(ctx, settings().engine, false), 5000);
  context.subscriptions.push(
    limitSettings,
    ...registerModelEditor(context, editors, { train: (uri) => train(ctx, uri) }),
    log,
    new TrainingStatusBar(controller, () => editors.activeModelUri()?.fsPath),
    sessionEnds,
    view,
    new vscode.Disposable(() => controller.dispose()),
    new vscode.Disposable(() => predictor.dispose()),
    ...registerCommands(ctx),
    new vscode.Disposable(() => clearTimeout(probeTimer)),
  );
  // Kept for the activation-time figure in the README and the E2E log check.
  console.log(`Model Studio activated in ${Date.now() - started} ms`);
}

export function deactivate(): void {
  // Sessions and editors are disposed through context.subscriptions.
}
