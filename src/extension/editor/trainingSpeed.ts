/**
 * The Training panel's epoch-time estimate needs the speed the model's newest run measured: sent to a panel
 * when its webview is ready, and to every panel of the model when one of its runs ends.
 */
import * as vscode from 'vscode';
import type { HostMessage } from '../../protocol/editor';
import { settings, workspaceDirOf } from '../settings';
import { latestMeasuredSpeed } from '../training/runStore';
import type { EditorRegistry } from './editorRegistry';
import type { ModelDocument } from './modelDocument';

export function trainingSpeedMessage(doc: ModelDocument): HostMessage | undefined {
  if (!doc.model) return undefined;
  try {
    return { type: 'trainingSpeed', speed: latestMeasuredSpeed(workspaceDirOf(doc.uri), doc.model.graph.name, settings().runsFolder) ?? null };
  } catch {
    return undefined; // an unreadable runs folder only means no estimate
  }
}

/** After a run of the model file `modelKey` ended: its open panels get the new speed. */
export function postTrainingSpeed(editors: EditorRegistry, modelKey: string): void {
  const doc = editors.documentFor(vscode.Uri.file(modelKey));
  const msg = doc && trainingSpeedMessage(doc);
  if (doc && msg) for (const p of editors.panelsOf(doc)) void p.webview.postMessage(msg);
}
