/**
 * The `modelStudio.limits.*` settings: written into this process' environment, where every check reads them
 * and every worker forked from here inherits them (the long-lived HDF5 and predict children get them with
 * each request). Applied at activation and on every change; a bad value keeps the default and says so.
 */
import * as vscode from 'vscode';
import { limitsEnvFromSettings } from '../formats/limits';

export function applyLimitSettings(): void {
  const c = vscode.workspace.getConfiguration('modelStudio.limits');
  const { env, errors } = limitsEnvFromSettings((name) => c.get<unknown>(name));
  Object.assign(process.env, env);
  for (const e of errors) void vscode.window.showErrorMessage(`Model Studio: ${e.message}. The default is used; ${e.hint}.`);
}

export function watchLimitSettings(): vscode.Disposable {
  applyLimitSettings();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('modelStudio.limits')) applyLimitSettings();
  });
}
