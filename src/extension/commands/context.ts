/** What every command receives instead of closing over module state. extension.ts builds one at activation. */
import type * as vscode from 'vscode';
import type { EditorRegistry } from '../editor/editorRegistry';
import type { TrainingController } from '../training/controller';
import type { PredictClient } from '../training/predictClient';
import type { TrainingView } from '../trainingView/trainingView';

export interface CommandContext {
  /** Open model editors and the active one. */
  editors: EditorRegistry;
  /** Training sessions (start, stop, pause, focus). */
  controller: TrainingController;
  /** The worker that loads tfjs for "try the model" and the engine probes; the host never loads tfjs. */
  predictor: PredictClient;
  /** The training view (charts, runs, try the model). */
  view: TrainingView;
  /** The "Model Studio Training" log. */
  log: vscode.LogOutputChannel;
  /** Where installed TensorFlow engines live (the extension's global storage). */
  engineDirs: string[];
}
