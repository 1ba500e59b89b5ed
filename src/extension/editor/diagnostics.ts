/**
 * Model diagnostics in VS Code's Problems panel. Model files are not text documents, so a problem is
 * placed on the line that names its layer when the file is JSON (model.json, Keras JSON), else on line 1.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../../core/types';

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Where `"name": "<layer>"` is in a JSON text: line and column of the quoted name, or undefined. */
export function locateLayer(text: string, layer: string): { line: number; character: number; length: number } | undefined {
  const quoted = JSON.stringify(layer);
  const re = new RegExp(`"name"\\s*:\\s*${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const m = re.exec(text);
  if (!m) return undefined;
  const offset = m.index + m[0].length - quoted.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1), length: quoted.length };
}

export function toVsDiagnostic(d: Diagnostic, text: string | undefined): vscode.Diagnostic {
  const at = d.layer && text ? locateLayer(text, d.layer) : undefined;
  const range = at ? new vscode.Range(at.line, at.character, at.line, at.character + at.length) : new vscode.Range(0, 0, 0, 0);
  const prefix = d.layer ? `${d.layer}: ` : '';
  const message = `${prefix}${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
  const out = new vscode.Diagnostic(range, message, SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Error);
  out.source = 'Model Studio';
  out.code = d.code;
  return out;
}

/** One collection for every open model document. */
export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('modelStudio');
  /** JSON text of each file, to place problems on lines (refreshed on open and save). */
  private readonly texts = new Map<string, string | undefined>();

  async refreshText(uri: vscode.Uri): Promise<void> {
    let text: string | undefined;
    if (uri.path.toLowerCase().endsWith('.json')) {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        // Big files are mostly weights arrays; scanning them for names is not worth it.
        if (stat.size < 8 * 1024 * 1024) text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        text = undefined;
      }
    }
    this.texts.set(uri.toString(), text);
  }

  set(uri: vscode.Uri, diagnostics: readonly Diagnostic[]): void {
    const text = this.texts.get(uri.toString());
    this.collection.set(uri, diagnostics.map((d) => toVsDiagnostic(d, text)));
  }

  delete(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
