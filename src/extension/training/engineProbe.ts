/**
 * Which engine training would use: probed in the predict worker (probing loads tfjs, which the host never
 * does); the result goes to the status bar and the log.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../errors';
import { kerasPython } from '../settings';
import type { EngineChoice } from '../../core/training';
import type { TrainingController } from './controller';
import type { PredictClient } from './predictClient';

export interface EngineProbeDeps {
  controller: TrainingController;
  predictor: PredictClient;
  log: vscode.LogOutputChannel;
  engineDirs: string[];
}

/** `tell`: report the outcome in a notification (after the user chose an engine), not only in the log. */
export async function probeEngine(deps: EngineProbeDeps, engine: EngineChoice, tell: boolean): Promise<void> {
  const { controller, predictor, log } = deps;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Checking the ${engine} engine...` }, async () => {
    try {
      const r = await predictor.probe(engine, deps.engineDirs, engine === 'keras' ? await kerasPython() : undefined);
      controller.setEngine(r.engine, r.device);
      for (const s of r.skipped) log.info(`engine ${s.engine} skipped: ${s.reason}`);
      log.info(`engine: ${r.device}`);
      if (tell) void vscode.window.showInformationMessage(`Training will use ${r.device}.`);
    } catch (e) {
      log.warn(`engine ${engine}: ${errorMessage(e)}`);
      if (tell) void vscode.window.showWarningMessage(errorMessage(e), 'Show Log').then((c) => c && log.show());
    }
  });
}
