/**
 * When a session ends: the "training" context key, the view's run list and weights, and a notification that
 * offers what to do next (Apply Trained Weights, Open Trained Model, Try It; Show Log after a failure).
 */
import * as vscode from 'vscode';
import { MODEL_EDITOR_VIEW_TYPE } from '../editor/editorRegistry';
import type { TrainingView } from '../trainingView/trainingView';
import type { SessionRecord, TrainingController } from './controller';

export interface SessionEndActions {
  applyTrainedWeights(sessionId: string): Promise<void>;
  showLog(): void;
}

export function onSessionEnd(controller: TrainingController, view: TrainingView, actions: SessionEndActions): { dispose(): void } {
  return controller.onSessionEnd((rec: SessionRecord) => {
    void vscode.commands.executeCommand('setContext', 'modelStudio.training', controller.active().length > 0);
    const r = rec.result;
    if (!r) return;
    if (view.model && view.model.uri.fsPath === rec.modelKey && r.finalPath) view.model = { uri: view.model.uri, finalPath: r.finalPath };
    view.post({ type: 'runs', runs: view.runsFor(vscode.Uri.file(rec.modelKey)) });
    if (r.status === 'failed') {
      void vscode.window.showErrorMessage(`${rec.info.model}: ${[r.message, r.hint].filter(Boolean).join(' ')}`, 'Show Log').then((c) => {
        if (c) actions.showLog();
      });
      return;
    }
    const test = r.test ? ` Test: ${Object.entries(r.test).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}.` : '';
    void vscode.window
      .showInformationMessage(`${rec.info.model}: training ${r.status} after ${r.epochs ?? '?'} epochs.${test}`, 'Apply Trained Weights', 'Open Trained Model', 'Try It')
      .then((c) => {
        if (c === 'Apply Trained Weights') void actions.applyTrainedWeights(rec.info.id);
        if (c === 'Open Trained Model' && r.finalPath) void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(r.finalPath), MODEL_EDITOR_VIEW_TYPE);
        if (c === 'Try It') view.show('try');
      });
  });
}
