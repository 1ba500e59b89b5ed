/**
 * When a session ends: the "training" context key, the view's run list and weights, and a notification that
 * offers what to do next (sessionMessages.ts: Apply Trained Weights, Open Trained Model, Try It; Show Log after a failure).
 */
import * as vscode from 'vscode';
import { MODEL_EDITOR_VIEW_TYPE } from '../editor/editorRegistry';
import type { TrainingView } from '../trainingView/trainingView';
import type { SessionRecord, TrainingController } from './controller';
import { rlUnitOf } from '../../core/rl/watch';
import { END_ACTIONS, endMessage } from './sessionMessages';

export interface SessionEndActions {
  applyTrainedWeights(sessionId: string): Promise<void>;
  showLog(): void;
  /** A run of the model file `modelKey` ended (its editor's epoch-time estimate has a new speed). */
  runEnded(modelKey: string): void;
}

export function onSessionEnd(controller: TrainingController, view: TrainingView, actions: SessionEndActions): { dispose(): void } {
  return controller.onSessionEnd((rec: SessionRecord) => {
    void vscode.commands.executeCommand('setContext', 'modelStudio.training', controller.active().length > 0);
    const r = rec.result;
    if (!r) return;
    if (view.model && view.model.uri.fsPath === rec.modelKey && r.finalPath) view.model = { uri: view.model.uri, finalPath: r.finalPath };
    view.post({ type: 'runs', runs: view.runsFor(vscode.Uri.file(rec.modelKey)) });
    actions.runEnded(rec.modelKey);
    const m = endMessage(rec.info.model, r, rlUnitOf(Object.keys(rec.epochs[rec.epochs.length - 1]?.metrics ?? {})));
    const show = m.error ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    void show(m.text, ...m.actions).then((c) => {
      if (c === END_ACTIONS.log) actions.showLog();
      if (c === END_ACTIONS.apply) void actions.applyTrainedWeights(rec.info.id);
      if (c === END_ACTIONS.open && r.finalPath) void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(r.finalPath), MODEL_EDITOR_VIEW_TYPE);
      if (c === END_ACTIONS.tryIt) view.show('try');
    });
  });
}
