/**
 * What Train and the engine speed probe start from: the open editor's document as it is now (unsaved edits,
 * weights and training configuration included), else the file on disk.
 */
import type * as vscode from 'vscode';
import { defaultTrainingConfig, trainingConfigOf, type TrainingConfig } from '../../core/training';
import type { ModelFile } from '../../core/types';
import type { EditorRegistry } from '../editor/editorRegistry';
import { readModel } from '../../formats/registry';
import { settings } from '../settings';
import { documentTrainingInput, type TrainingInput } from './documentTraining';

/** The training configuration saved in a file, else the defaults of the settings. */
export function trainingOf(file: ModelFile): TrainingConfig {
  const s = settings();
  return trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig({ batchSize: s.batchSize, epochs: s.epochs });
}

/** The open document's model and training configuration, if an editor shows `uri`. */
export function openDocumentInput(editors: EditorRegistry, uri: vscode.Uri): TrainingInput | undefined {
  const doc = editors.documentFor(uri)?.model;
  if (!doc) return undefined;
  const s = settings();
  return documentTrainingInput(doc, { batchSize: s.batchSize, epochs: s.epochs });
}

export async function modelToTrain(editors: EditorRegistry, uri: vscode.Uri): Promise<TrainingInput> {
  const open = openDocumentInput(editors, uri);
  if (open) return open;
  const model = await readModel(uri.fsPath);
  return { model, training: trainingOf(model), unsaved: false };
}
