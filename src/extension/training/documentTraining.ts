/**
 * Training from the open editor, without vscode: what a run starts from (the document as it is now, unsaved
 * edits, weights and training configuration included) and how a finished run's weights come back (one
 * undoable `setWeights` edit of the document). modelToTrain.ts and commands/applyTrainedWeights.ts use them.
 */
import { defaultTrainingConfig, type TrainingConfig } from '../../core/training';
import type { ModelFile } from '../../core/types';
import type { EditableModel } from '../editing/editableModel';
import type { AppliedEdit, DocumentEdit } from '../editing/snapshot';

export interface TrainingInput {
  model: ModelFile;
  training: TrainingConfig;
  /** The document has changes not on disk (the run trains them anyway). */
  unsaved: boolean;
}

/** The document's current model and training configuration (defaults where it has none). */
export function documentTrainingInput(doc: EditableModel, defaults: Partial<TrainingConfig> = {}): TrainingInput {
  return { model: doc.toFile(), training: doc.trainingConfig ?? defaultTrainingConfig(defaults), unsaved: doc.isDirty };
}

/**
 * Reads a run's final model (`finalPath`, TF.js format) and applies its weights to the document as one edit.
 * The document refuses (UserError, nothing changed) when they no longer fit its graph.
 */
export async function applyRunWeights(
  apply: (e: DocumentEdit) => AppliedEdit,
  finalPath: string,
  runId: string,
  readModel: (absPath: string) => Promise<ModelFile>,
): Promise<AppliedEdit> {
  const trained = await readModel(finalPath);
  return apply({ op: 'setWeights', weights: trained.weights, label: `Apply weights of run ${runId}` });
}
