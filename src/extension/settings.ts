/** The extension's settings (`modelStudio.*`), read fresh on every use so changes apply without a reload. */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { EngineChoice } from '../core/training';
import { PYTHON_EXTENSION_ID, pythonInterpreter, type PythonExtensionLike } from './pythonInterpreter';

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
    /** The keras engine's data-parallel devices on this machine: '' (one), 'all', or a number. */
    kerasDevices: c.get<string>('keras.devices', '').trim(),
  };
}

/** The keras engine's Python: the setting, else the Python extension's selected interpreter, else PATH (undefined). */
export function kerasPython(resource?: vscode.Uri): Promise<string | undefined> {
  return pythonInterpreter(settings().python, vscode.extensions.getExtension(PYTHON_EXTENSION_ID) as PythonExtensionLike | undefined, resource);
}

/** The workspace folder of a model file (where runs are kept), else the model's own folder. */
export function workspaceDirOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
}
