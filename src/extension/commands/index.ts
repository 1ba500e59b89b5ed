/** Every contributed command, by id (package.json's `contributes.commands`), bound to its context. */
import * as vscode from 'vscode';
import { applyTrainedWeights } from './applyTrainedWeights';
import { compareRuns } from './compareRuns';
import { configureTraining } from './configureTraining';
import type { CommandContext } from './context';
import { exportModel } from './export';
import { exportCode } from './exportCode';
import { exportNotebook } from './exportNotebook';
import { installEngine } from './installEngine';
import { installKerasEngine } from './installKerasEngine';
import { newModel } from './newModel';
import { pauseResume } from './pauseResume';
import { relayout } from './relayout';
import { revealLayer } from './revealLayer';
import { selectEngine } from './selectEngine';
import { showRuns } from './showRuns';
import { showSummary } from './showSummary';
import { showTraining } from './showTraining';
import { showTrainingLog } from './showTrainingLog';
import { stop } from './stop';
import { train } from './train';
import { verify } from './verify';

/** Command handlers get VS Code's arguments: a session id (status bar, view), a model URI (title bar), or none. */
const COMMANDS: Record<string, (ctx: CommandContext, ...args: unknown[]) => unknown> = {
  'modelStudio.newModel': (_ctx, templateId, target) => newModel(templateId as string | undefined, target as vscode.Uri | undefined),
  'modelStudio.train': train,
  'modelStudio.stop': stop,
  'modelStudio.pauseResume': pauseResume,
  'modelStudio.selectEngine': (ctx) => selectEngine(ctx),
  'modelStudio.configureTraining': configureTraining,
  'modelStudio.applyTrainedWeights': applyTrainedWeights,
  'modelStudio.showRuns': showRuns,
  'modelStudio.compareRuns': compareRuns,
  'modelStudio.export': exportModel,
  'modelStudio.exportCode': exportCode,
  'modelStudio.exportNotebook': exportNotebook,
  'modelStudio.verify': verify,
  'modelStudio.showTrainingLog': showTrainingLog,
  'modelStudio.installEngine': installEngine,
  'modelStudio.installKerasEngine': installKerasEngine,
  'modelStudio.showTraining': showTraining,
  'modelStudio.relayout': relayout,
  'modelStudio.showSummary': showSummary,
  'modelStudio.revealLayer': revealLayer,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, run]) => vscode.commands.registerCommand(id, (...args: unknown[]) => run(ctx, ...args)));
}
