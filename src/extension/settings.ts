/** The extension's settings (`modelStudio.*`), read fresh on every use so changes apply without a reload. */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { EngineChoice } from '../core/training';

export function settings() {
  const c = vscode.workspace.getConfiguration('modelStudio');
  return {
    engine: c.get<EngineChoice>('training.engine', 'auto'),
    runsFolder: c.get<string>('runs.folder', '.modelstudio/runs'),
    cacheDir: c.get<string>('datasets.cacheDir', '') || undefined,
    batchSize: c.get<number>('training.batchSize', 32),
    epochs: c.get<number>('training.epochs', 10),
    onnxOpset: c.get<number>('onnx.opset', 17),
    /** The keras engine's Python; empty: python3 / python on PATH. */
    python: c.get<string>('python.interpreter', '') || undefined,
  };
}

/** The workspace folder of a model file (where runs are kept), else the model's own folder. */
export function workspaceDirOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
}
