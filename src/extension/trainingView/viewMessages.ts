/** What the training view's page asks of the host: its buttons, the run list, exports, "try the model". */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { isUserError, UserError } from '../../core/types';
import type { TrainingToHost } from '../../protocol/training';
import { deleteRun, renameRun } from '../training/runStore';
import { errorMessage } from '../errors';
import { settings, workspaceDirOf } from '../settings';
import type { TrainingPanel } from './trainingPanel';
import type { TrainingView } from './trainingView';

export async function handleViewMessage(view: TrainingView, m: TrainingToHost, panel: TrainingPanel): Promise<void> {
  try {
    switch (m.type) {
      case 'ready':
        view.sendSnapshot(panel);
        break;
      case 'command':
        await runViewCommand(view, m.command);
        break;
      case 'focusSession':
        view.focusSession(m.sessionId);
        view.sendSnapshot(panel);
        break;
      case 'compare': {
        const runs = view.runsFor(view.model?.uri).filter((r) => m.runIds.includes(r.id));
        void panel.post({ type: 'compare', runs });
        break;
      }
      case 'renameRun':
      case 'deleteRun':
        await editRun(view, m, panel);
        break;
      case 'exportCsv':
      case 'exportPng':
        await exportChart(view, m);
        break;
      case 'predict':
        try {
          await view.loadTryModel();
          void panel.post({ type: 'prediction', requestId: m.requestId, output: await view.deps.predictor.predict(m.input) });
        } catch (e) {
          void panel.post({ type: 'error', requestId: m.requestId, message: isUserError(e) ? e.message : errorMessage(e), hint: isUserError(e) ? e.hint : undefined });
        }
        break;
      case 'evaluate':
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Evaluating on the test set...' }, async () => {
          await view.loadTryModel();
          view.evaluation = await view.deps.predictor.evaluate();
          void panel.post({ type: 'evaluation', evaluation: view.evaluation });
        });
        break;
    }
  } catch (e) {
    void panel.post({ type: 'error', message: isUserError(e) ? e.message : errorMessage(e), hint: isUserError(e) ? e.hint : undefined });
  }
}

/** The page's buttons. Stop and Pause/Resume act on the focused session, like their commands without an id. */
async function runViewCommand(view: TrainingView, command: Extract<TrainingToHost, { type: 'command' }>['command']): Promise<void> {
  const { controller, commands } = view.deps;
  const uri = view.model?.uri;
  switch (command) {
    case 'train':
      return commands.train(uri);
    case 'stop':
      await controller.stop();
      return;
    case 'pauseResume': {
      const r = controller.pauseResume();
      // Shown in the view's error banner, like any failed command.
      if ('message' in r) throw new UserError(r.message);
      return;
    }
    case 'configure':
      return commands.configure(uri);
    case 'showLog':
      return commands.showLog();
  }
}

async function editRun(view: TrainingView, m: Extract<TrainingToHost, { type: 'renameRun' | 'deleteRun' }>, panel: TrainingPanel): Promise<void> {
  if (!view.model) return;
  const ws = workspaceDirOf(view.model.uri);
  const { runsFolder } = settings();
  if (m.type === 'renameRun') renameRun(ws, m.runId, m.name, runsFolder);
  else {
    const ok = await vscode.window.showWarningMessage(`Delete run ${m.runId}? Its metrics, checkpoints and weights are removed.`, { modal: true }, 'Delete');
    if (ok !== 'Delete') return;
    deleteRun(ws, m.runId, runsFolder);
  }
  void panel.post({ type: 'runs', runs: view.runsFor(view.model?.uri) });
}

/** Saves a chart's CSV or PNG where the user chooses (next to the model by default). */
async function exportChart(view: TrainingView, m: Extract<TrainingToHost, { type: 'exportCsv' | 'exportPng' }>): Promise<void> {
  const base = view.model ? vscode.Uri.file(dirname(view.model.uri.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, m.fileName) : undefined,
    filters: m.type === 'exportCsv' ? { CSV: ['csv'] } : { PNG: ['png'] },
  });
  if (!target) return;
  const bytes = m.type === 'exportCsv' ? Buffer.from(m.csv, 'utf8') : Buffer.from(m.dataUrl.slice(m.dataUrl.indexOf(',') + 1), 'base64');
  await writeFile(target.fsPath, bytes);
  void vscode.window.showInformationMessage(`Saved ${target.fsPath}`);
}
